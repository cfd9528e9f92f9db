# SPDX-License-Identifier: EUPL-1.2
"""The waiting list of a window: when money comes free (a cancelled grant gave its amount
back), the next waiting entries are granted in the window's policy order; after the budget's
period what still waits lapses; a person may leave the list.

A waiting outcome is kept on the intake entry, without an application (decision 013: a
window of 250,000 entries would otherwise write 248,000 applications nobody pays). The entry
is the row ``waiting`` of the lifecycle table: granting one makes its application (in
``waiting``) and takes the table's ``waiting -> grant`` row on it, with the money; lapsing
and leaving are the rows ``waiting -> lapse`` and ``waiting -> cancel``, which move no money,
written on the entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import Problem
from llo.core.timeutil import now, today
from llo.enrolment import lifecycle
from llo.enrolment.allocation import Outcome
from llo.enrolment.lifecycle import Event, Movement, Status, Who
from llo.enrolment.models import Application, IntakeEntry, Window
from llo.enrolment.services import money, notices, transitions
from llo.enrolment.services.common import SYSTEM
from llo.enrolment.services.windows import application_of_entry
from llo.enrolment.store import counters, locks, outcomes
from llo.people.models import Person


@dataclass
class WaitingReport:
    #: The applications granted (made from their waiting entries).
    granted: list[int]
    #: The entries that lapsed.
    lapsed: list[int]


def _blocked(entry: outcomes.Waiting, window: Window, year: int) -> bool:
    """Whether the person meanwhile holds an active application that a grant here would
    duplicate: this budget this year, or the same start date (a waiting entry holds no
    application, so the unique indexes do not keep that place for it)."""
    active = sorted(lifecycle.ACTIVE)
    return (
        Application.objects.filter(
            person_id=entry.person_id, status__in=active, budget_id=window.budget_id, year=year
        ).exists()
        or Application.objects.filter(
            person_id=entry.person_id, status__in=active, offering_id=entry.offering_id
        ).exists()
    )


def promote_waiting(
    window: Window, *, actor: audit.Actor = SYSTEM, at: dt.datetime | None = None
) -> WaitingReport:
    """Money came free in the window (a cancelled grant gave its amount back to the window's
    total): grant the next waiting entries in policy order while their amount fits, with
    the same guards as the allocator (the conditional window total, the training cap), and
    move the money from the window's budget.

    Like the allocator, a smaller later entry may be granted when the next one does not fit.
    After the budget's period nothing is granted any more (see :func:`lapse_waiting`). Each
    grant makes the entry's application and takes the table's ``waiting -> grant`` row on it,
    as the system. A person who meanwhile got this budget or this start date elsewhere is
    passed over (their entry keeps waiting, and lapses).

    Locks: the window (every writer of a waiting entry holds it), the conditional counters,
    then the ledger's."""
    at = at or now()
    report = WaitingReport([], [])
    with transaction.atomic():
        current = locks.window(window.pk)
        if not current.waiting_list or at.date() > current.budget.period_end:
            return report
        year = current.opens_at.year
        left = current.budget_cents - current.granted_cents
        chosen: list[outcomes.Waiting] = []
        for entry in outcomes.waiting(current.pk, left):
            if left <= 0:
                break
            if not 0 < entry.amount_cents <= left or _blocked(entry, current, year):
                continue
            if not counters.add_grants(entry.offer_id, year, 1, current.training_cap):
                continue  # the training is full this year: stays waiting
            if not counters.spend_window(current.pk, entry.amount_cents):
                counters.add_grants(entry.offer_id, year, -1, None)
                break
            left -= entry.amount_cents
            chosen.append(entry)
        if not chosen:
            return report
        loaded = IntakeEntry.objects.select_related("window").in_bulk([c.id for c in chosen])
        for entry in chosen:
            # The entry's application, in the status the entry holds (a few: as many as
            # the money that came free pays).
            app = application_of_entry(loaded[entry.id], Status.WAITING, at)
            try:
                with transaction.atomic():
                    app.save()
            except IntegrityError:  # a twin application committed meanwhile: stays waiting
                counters.give_back(current.pk, entry.amount_cents, entry.offer_id, year)
                continue
            transitions.take(
                app,
                Event.GRANT,
                by=Who.SYSTEM,
                ctx=money.Context(actor, at.date(), key=f"waiting:{app.pk}", window=current),
            )
            outcomes.set_outcome([entry.id], Outcome.GRANTED, was=Outcome.WAITING)
            report.granted.append(app.pk)
        if report.granted:
            audit.record(
                actor=actor,
                action="window.waiting_granted",
                subject=current,
                after={"granted": report.granted},
            )
    return report


def lapse_waiting(
    window: Window, *, actor: audit.Actor = SYSTEM, on: dt.date | None = None
) -> WaitingReport:
    """After the window's budget period ends, what is still waiting lapses (with its reason):
    the table's ``waiting -> lapse`` row, taken by the system, for all at once: one statement
    on the entries, their audit rows and their notifications set-based.

    Locks: the window."""
    on = on or today()
    report = WaitingReport([], [])
    if on <= window.budget.period_end:
        return report
    row = lifecycle.step(Status.WAITING, Event.LAPSE, Who.SYSTEM)
    assert row.money == Movement.NONE  # the table: a lapse moves no money
    with transaction.atomic():
        current = locks.window(window.pk)
        notices.tell_entries(
            row.target, "e.window_id = %s AND e.outcome = %s", [current.pk, Outcome.WAITING.value]
        )
        report.lapsed = outcomes.end_waiting(current.pk, Outcome.LAPSED)
        audit.record_many(
            actor=actor,
            action=f"entry.{Event.LAPSE.value}",
            subject_type=IntakeEntry._meta.label,
            entries=[
                (str(pk), {"status": row.target.value, "outcome": Outcome.LAPSED.value})
                for pk in report.lapsed
            ],
        )
    return report


def leave_waiting_list(*, actor: audit.Actor, person: Person, entry: IntakeEntry) -> IntakeEntry:
    """The person leaves the waiting list of a window (the table's ``waiting -> cancel`` row,
    taken by the person; no money was set aside). Only the person's own waiting entry.

    Locks: the window (every writer of a waiting entry holds it)."""
    row = lifecycle.step(Status.WAITING, Event.CANCEL, Who.PERSON)
    with transaction.atomic():
        locks.window(entry.window_id)
        current = IntakeEntry.objects.filter(pk=entry.pk, person=person).first()
        if current is None:
            raise Problem(404, _("There is no application with this number."), code="not-found")
        if current.outcome != Outcome.WAITING:
            raise Problem(
                409,
                _("This cannot be done now: the application is '%(status)s'.")
                % {"status": current.outcome or Status.APPLIED.value},
                code="invalid-transition",
            )
        outcomes.set_outcome([current.pk], Outcome.CANCELLED, was=Outcome.WAITING)
        current.outcome = Outcome.CANCELLED
        audit.record(
            actor=actor,
            action=f"entry.{Event.CANCEL.value}",
            subject=current,
            before={"status": Status.WAITING.value},
            after={"status": row.target.value, "outcome": Outcome.CANCELLED.value},
        )
        notices.tell_entries(row.target, "e.id = %s", [current.pk])
    return current
