# SPDX-License-Identifier: EUPL-1.2
"""A window's outcomes kept on the intake entries themselves (decision 013, issue 18).

The allocator writes an application only for a grant (money moves); every other outcome
(waiting, refused with its reason, refused as a duplicate) and how a wait ends (granted when
money comes free, lapsed, cancelled) stays on the entry: one set-based ``UPDATE`` for a
whole window instead of an application row and its eleven indexes per waiting person. What
the persons are told is written by the database from the entries (``INSERT ... SELECT``,
:func:`llo.notifications.services.notify_query`).

Decides nothing: the services say which entries and what to write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import NamedTuple

from django.db import connection

from llo.enrolment.allocation import Outcome
from llo.enrolment.models import IntakeEntry
from llo.notifications.store import json_object_sql
from llo.people.models import Organisation
from llo.register.models import Offer, Opleider

#: Outcomes of a decided entry that has no application (unless it was granted later).
WITHOUT_APPLICATION = (
    Outcome.WAITING,
    Outcome.REFUSED_BUDGET,
    Outcome.REFUSED_CAP,
    Outcome.REFUSED_DUPLICATE,
    Outcome.LAPSED,
    Outcome.CANCELLED,
)


def tell_query(where: str) -> str:
    """The rows :func:`llo.notifications.services.notify_query` writes for the entries
    ``where`` names (SQL over the entry ``e``): the person, the training's title and its
    provider as the message's values, the link to the entry's page and the entry as the
    subject. Its parameters: the text of the link before and after the entry's number, then
    those of ``where``."""
    entry = IntakeEntry._meta.db_table
    offer = Offer._meta.db_table
    provider = Opleider._meta.db_table
    org = Organisation._meta.db_table
    values = json_object_sql(("title", "o.title"), ("provider", "org.name"))
    return (
        f"SELECT e.person_id AS person_id, {values} AS params, "  # noqa: S608
        "%s || CAST(e.id AS TEXT) || %s AS link, "
        f"'{IntakeEntry._meta.label}' AS subject_type, CAST(e.id AS TEXT) AS subject_id "
        f"FROM {entry} AS e JOIN {offer} AS o ON o.id = e.offer_id "
        f"JOIN {provider} AS op ON op.id = o.opleider_id "
        f"JOIN {org} AS org ON org.id = op.organisation_id "
        f"WHERE {where}"
    )


class Undecided(NamedTuple):
    """One entry without an outcome, as the policies need it (a tuple, not a model)."""

    id: int
    person_id: int
    offer_id: int
    offering_id: int
    amount_cents: int
    group_rank: int


def undecided(window_id: int, horizon: dt.datetime) -> list[Undecided]:
    """The window's entries without an outcome that arrived up to ``horizon``, in arrival
    order: only what the policies read (the grants' other columns are read for the grants
    alone), fetched as plain tuples (no model, no field conversion: 250,000 rows)."""
    table = IntakeEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(Undecided._fields)} FROM {table} "  # noqa: S608
            "WHERE window_id = %s AND outcome = '' AND received_at <= %s ORDER BY id",
            [window_id, connection.ops.adapt_datetimefield_value(horizon)],
        )
        return [Undecided(*row) for row in cursor.fetchall()]


def analyze_outcomes() -> None:
    """After a window's outcomes are written: PostgreSQL's statistics of the columns just
    written, in the writing transaction (it counts its own new rows). Without them the
    planner still believes every entry undecided, estimates one waiting entry and joins the
    248,000 it finds row by row (the notifications' insert took 11-25 s instead of 3 s).
    About 0.3 s; the lock it takes only keeps another ANALYZE or VACUUM of the table waiting.
    SQLite's planner keeps no such statistics."""
    if connection.vendor == "postgresql":
        table = IntakeEntry._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table} (outcome, seq, position)")


class Waiting(NamedTuple):
    """A waiting entry as the waiting list reads it."""

    id: int
    person_id: int
    offer_id: int
    offering_id: int
    amount_cents: int
    position: int | None


def waiting(window_id: int, most_cents: int) -> Iterator[Waiting]:
    """The window's waiting entries that ask at most ``most_cents``, in the window's policy
    order (the place the allocator gave; an entry without one after, in arrival order). Not
    locked: every writer of a waiting entry holds the window's lock
    (:func:`llo.enrolment.store.locks.window`), the caller too."""
    rows = (
        IntakeEntry.objects.filter(
            window_id=window_id, outcome=Outcome.WAITING, amount_cents__lte=most_cents
        )
        .order_by("position", "id")
        .values_list(*Waiting._fields)
    )
    for row in rows.iterator(chunk_size=2000):
        yield Waiting(*row)


def set_outcome(entry_ids: list[int], outcome: Outcome, was: Outcome) -> int:
    """Move entries from ``was`` to ``outcome``; the rows changed."""
    return IntakeEntry.objects.filter(pk__in=entry_ids, outcome=was).update(outcome=outcome)


def end_waiting(window_id: int, outcome: Outcome) -> list[int]:
    """Every waiting entry of the window gets ``outcome`` (lapsed): one statement. The ids
    changed, in the window's order."""
    ids = list(
        IntakeEntry.objects.filter(window_id=window_id, outcome=Outcome.WAITING)
        .order_by("position", "id")
        .values_list("id", flat=True)
    )
    table = IntakeEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET outcome = %s WHERE window_id = %s AND outcome = %s",  # noqa: S608
            [outcome.value, window_id, Outcome.WAITING.value],
        )
    return ids


def waiting_ahead(window_id: int, position: int) -> int:
    """How many of the window's waiting entries come before ``position``."""
    return IntakeEntry.objects.filter(
        window_id=window_id, outcome=Outcome.WAITING, position__lt=position
    ).count()
