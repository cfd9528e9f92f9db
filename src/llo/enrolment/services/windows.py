# SPDX-License-Identifier: EUPL-1.2
"""A window rush (STAP art. 9 "aanvraagtijdvak"), as an append-only intake and one allocator
per window, measured in bench/windows against a conditional update on the request path:

* :func:`submit`: the request appends one :class:`IntakeEntry`; its id comes from a database
  sequence, so concurrent requests take no lock on a shared row.
* :func:`llo.enrolment.services.allocating.allocate_window`: the single writer of a window
  grants in policy order and moves the money (the lifecycle table's
  ``applied -> grant | waitlist | refuse`` rows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from llo.accounts import services as accounts
from llo.core import audit
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.timeutil import now
from llo.enrolment import groups, lifecycle
from llo.enrolment.lifecycle import Status
from llo.enrolment.models import Application, IntakeEntry, PreRegistration, Preview, Window
from llo.enrolment.services.common import (
    already_applied,
    check_amount_shown,
    new_receipt,
)
from llo.enrolment.services.consent import check_acting_for
from llo.enrolment.store import intake_fast, locks
from llo.people.models import Organisation, Person
from llo.register.models import Offer


def _closed(window: Window) -> Problem:
    return Problem(
        422,
        _("This window is closed. You can apply from %(opens)s until %(closes)s.")
        % {
            # The one date format of the Dutch pages, in Dutch time (issue 15, finding 10).
            "opens": date_format(localtime(window.opens_at), "j F Y H:i"),
            "closes": date_format(localtime(window.closes_at), "j F Y H:i"),
        },
        code="outside-window",
    )


def check_submission(window: Window, shown: Preview, amount_cents: object, at: dt.datetime) -> None:
    """The window is open, the preview is for it and not older than it, the amount is the one
    shown and the decision was yes."""
    if not window.opens_at <= at < window.closes_at:
        raise _closed(window)
    if shown.window_id != window.pk:
        raise invalid(
            _("This plan was made for another window."),
            [InvalidParam("previewId", _("another window"), "window")],
        )
    check_amount_shown(amount_cents, shown.amount_cents)
    if not shown.eligible:
        failed = " ".join(r["text"] for r in shown.reasons if not r.get("passed"))
        raise Problem(
            422,
            _("You cannot get this budget.") + " " + failed,
            code="not-eligible",
            extra={"reasons": shown.reasons},
        )
    if shown.peildatum < window.opens_at.date():
        raise Problem(
            409, _("Look at the plan again: it was made before this window."), code="preview-stale"
        )


@dataclass(frozen=True)
class Submitted:
    entry: IntakeEntry
    replayed: bool


def submission_hash(window: Window, shown: Preview, amount: object) -> str:
    return _hash(window.pk, shown.pk, amount)


def _hash(window_id: int, preview_id: int, amount: object) -> str:
    return accounts.digest(op="submit", window=window_id, preview=preview_id, amount=amount)


def submit_fast(
    *,
    actor: audit.Actor,
    window_id: int,
    person: Person,
    preview_id: int,
    amount_cents: object,
    idempotency_key: str,
    at: dt.datetime | None = None,
) -> Submitted | None:
    """The lean intake of the window rush (issue 18, decision 013): a person applying for
    themselves, in one round trip on PostgreSQL (:mod:`llo.enrolment.store.intake_fast`).
    The same checks, in the same order, as :func:`submit`; None when that path must run
    (SQLite, or anything but the common case: it gives the same problem as always).

    Locks: the window ``FOR KEY SHARE`` (the allocator waits for the entry), as :func:`submit`.
    """
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        return None
    answer = intake_fast.submit(
        window_id=window_id,
        person_id=person.pk,
        preview_id=preview_id,
        amount_cents=amount_cents,
        key=idempotency_key,
        request_hash=_hash(window_id, preview_id, amount_cents),
        # One source for each rule: who is in which target group, which statuses are active.
        groups=sorted(groups.member_of(person.highest_level, person.labour_position)),
        active=sorted(lifecycle.ACTIVE),
        actor=actor.name,
        role=actor.role,
        organisation=actor.organisation,
        at=at or now(),
    )
    if answer.outcome not in ("ok", "replay") or answer.entry_id is None:
        return None
    entry = IntakeEntry(pk=answer.entry_id, window_id=window_id, outcome=answer.entry_outcome)
    return Submitted(entry, answer.outcome == "replay")


def submit(
    *,
    actor: audit.Actor,
    window: Window,
    shown: Preview,
    amount_cents: object,
    idempotency_key: str,
    at: dt.datetime | None = None,
    acting_org: Organisation | None = None,
) -> Submitted:
    """Append one entry to the window's intake. No shared row is locked: the entry's id is
    its arrival order. A retry with the same key returns the first entry.

    Locks: none (unique indexes refuse a second entry of a key or a person)."""
    at = at or now()
    request_hash = submission_hash(window, shown, amount_cents)
    found = replayed_entry(window, idempotency_key, request_hash)
    if found is not None:
        return Submitted(found, True)
    check_submission(window, shown, amount_cents, at)
    check_acting_for(acting_org, shown.person, at)
    if Application.objects.filter(
        person_id=shown.person_id,
        budget_id=window.budget_id,
        year=at.year,
        status__in=sorted(lifecycle.ACTIVE),
    ).exists():
        raise Problem(
            409,
            _("You already got this budget this year. You can get it once a year."),
            code="once-a-year",
        )
    if Application.objects.filter(
        person_id=shown.person_id,
        offering_id=shown.offering_id,
        status__in=sorted(lifecycle.ACTIVE),
    ).exists():
        raise already_applied()
    try:
        with transaction.atomic():
            # The allocator of a lottery or priority window decides once: an entry written
            # after it (a request that took its time before closing) would stay undecided.
            # This lock makes the allocator wait for us, or us see that it ran (issue 18).
            if locks.window_for_intake(window.pk) is not None:
                raise _closed(window)
            entry = new_entry(window, shown, actor, idempotency_key, request_hash, at)
            audit.record(
                actor=actor,
                action="window.submitted",
                subject=entry,
                after={"window": window.pk, "amount_cents": entry.amount_cents},
            )
    except IntegrityError:
        found = replayed_entry(window, idempotency_key, request_hash)
        if found is not None:
            return Submitted(found, True)
        raise Problem(
            409, _("You already applied in this window."), code="already-applied"
        ) from None
    return Submitted(entry, False)


def new_entry(
    window: Window,
    shown: Preview,
    actor: audit.Actor,
    idempotency_key: str,
    request_hash: str,
    at: dt.datetime,
) -> IntakeEntry:
    """Write one intake entry; its id is its place in the queue. A second entry with the
    same key, or of a person who has one in this window, fails on a unique index."""
    person = shown.person
    return IntakeEntry.objects.create(
        window=window,
        person_id=shown.person_id,
        offer_id=shown.offer_id,
        offering_id=shown.offering_id,
        preview=shown,
        amount_cents=shown.amount_cents,
        group_rank=groups.rank(
            person.highest_level, person.labour_position, window.priority_groups
        ),
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        received_at=at,
        actor=actor.name,
    )


def replayed_entry(window: Window, key: str, request_hash: str) -> IntakeEntry | None:
    """The entry a key made before, or None; a key reused for another request is refused."""
    entry = IntakeEntry.objects.filter(window=window, idempotency_key=key).first()
    if entry is None:
        return None
    if entry.request_hash != request_hash:
        raise Problem(
            409,
            _("This Idempotency-Key was used before with another request."),
            code="idempotency-key-reused",
        )
    return entry


@dataclass(frozen=True)
class _Known:
    """What applications of many entries need, read once: the provider of every offer and
    who pre-registered for which offer."""

    provider_of: dict[int, int]
    pre_registered: set[tuple[int, int]]
    #: What the person pays themselves, as their preview showed it (price minus the grant).
    own_of: dict[int, int]

    @classmethod
    def of(cls, entries: Sequence[IntakeEntry]) -> _Known:
        offers = {e.offer_id for e in entries}
        return cls(
            dict(
                Offer.objects.filter(pk__in=offers).values_list("pk", "opleider__organisation_id")
            ),
            set(
                PreRegistration.objects.filter(offer_id__in=offers).values_list(
                    "person_id", "offer_id"
                )
            ),
            dict(
                Preview.objects.filter(pk__in={e.preview_id for e in entries}).values_list(
                    "pk", "own_cents"
                )
            ),
        )


def application_of_entry(
    entry: IntakeEntry,
    status: Status,
    at: dt.datetime,
    reason: str = "",
    known: _Known | None = None,
) -> Application:
    known = known or _Known.of([entry])
    return Application(
        person_id=entry.person_id,
        offer_id=entry.offer_id,
        offering_id=entry.offering_id,
        provider_id=known.provider_of[entry.offer_id],
        window_id=entry.window_id,
        budget_id=entry.window.budget_id,
        intake=entry,
        preview_id=entry.preview_id,
        year=entry.received_at.year,
        status=status,
        amount_cents=entry.amount_cents if status in (Status.GRANTED, Status.WAITING) else 0,
        # A grant pays the amount asked; the rest of the price the person pays themselves.
        own_cents=known.own_of.get(entry.preview_id, 0)
        if status in (Status.GRANTED, Status.WAITING)
        else 0,
        receipt=new_receipt(),
        applied_at=entry.received_at,
        applied_by=entry.actor,
        pre_registered=(entry.person_id, entry.offer_id) in known.pre_registered,
        status_reason=reason,
        updated_at=at,
    )
