# SPDX-License-Identifier: EUPL-1.2
"""The waiting list of a window: when money comes free (a cancelled grant gave its amount
back), the next waiting applications are granted in the window's policy order; after the
budget's period what still waits lapses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.timeutil import now
from llo.enrolment import allocation
from llo.enrolment.lifecycle import Event, Who
from llo.enrolment.models import IntakeEntry, Window
from llo.enrolment.services import money, transitions
from llo.enrolment.services.common import SYSTEM, new_receipt
from llo.enrolment.store import counters, locks


@dataclass
class WaitingReport:
    granted: list[int]
    lapsed: list[int]


def promote_waiting(
    window: Window, *, actor: audit.Actor = SYSTEM, at: dt.datetime | None = None
) -> WaitingReport:
    """Money came free in the window (a cancelled grant gave its amount back to the window's
    total): grant the next waiting applications in policy order while their amount fits, with
    the same guards as the allocator (the conditional window total, the training cap), and
    move the money from the window's budget.

    Like the allocator, a smaller later application may be granted when the next one does not
    fit. After the budget's period nothing is granted any more (see :func:`lapse_waiting`).
    Each grant is the table's ``waiting -> grant`` row, taken by the system.

    Locks: the window, its waiting applications in order (:mod:`llo.enrolment.store.locks`),
    the conditional counters, then the ledger's."""
    at = at or now()
    report = WaitingReport([], [])
    with transaction.atomic():
        current = locks.window(window.pk)
        if not current.waiting_list or at.date() > current.budget.period_end:
            return report
        year = current.opens_at.year
        left = current.budget_cents - current.granted_cents
        # Once a year needs no check here: a waiting application already counts as the
        # person's one application under this budget (the partial unique index).
        for app in locks.waiting_list(current):
            if left <= 0:
                break
            if not 0 < app.amount_cents <= left:
                continue
            if not counters.add_grants(app.offer_id, year, 1, current.training_cap):
                continue  # the training is full this year: stays waiting
            if not counters.spend_window(current.pk, app.amount_cents):
                counters.add_grants(app.offer_id, year, -1, None)
                break
            left -= app.amount_cents
            app.receipt = app.receipt or new_receipt()
            transitions.take(
                app,
                Event.GRANT,
                by=Who.SYSTEM,
                ctx=money.Context(actor, at.date(), key=f"waiting:{app.pk}", window=current),
            )
            if app.intake_id is not None:
                IntakeEntry.objects.filter(pk=app.intake_id).update(
                    outcome=allocation.Outcome.GRANTED.value
                )
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
    """After the window's budget period ends, what is still waiting lapses (with a reason):
    the table's ``waiting -> lapse`` row, taken by the system.

    Locks: the window, then its waiting applications in order."""
    on = on or now().date()
    report = WaitingReport([], [])
    if on <= window.budget.period_end:
        return report
    with transaction.atomic():
        locks.window(window.pk)
        for app in locks.waiting_list(window):
            transitions.take(
                app,
                Event.LAPSE,
                by=Who.SYSTEM,
                ctx=money.Context(actor, on),
                reason=_("The period of this window has ended. No money came free for you."),
            )
            report.lapsed.append(app.pk)
    return report
