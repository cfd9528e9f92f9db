# SPDX-License-Identifier: EUPL-1.2
"""The design that lost bench/windows: first come, first served decided inside the request.

The request itself does ``UPDATE window SET granted = granted + a WHERE granted + a <=
budget`` and the training counter's conditional update, and moves the money while holding
that row lock, so every request queues on the one row of the window. The same guarantees
as the intake (:func:`llo.enrolment.services.windows.submit` with one allocator per window),
but a lower throughput (docs/enrolment.md has the figures). Kept here, out of production
code, so that the benchmark and its tests still compare the two.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import Problem
from llo.core.timeutil import now
from llo.enrolment import allocation
from llo.enrolment.lifecycle import Event, Who
from llo.enrolment.models import Application, Preview, Window
from llo.enrolment.services import money, transitions
from llo.enrolment.services.windows import (
    application_of_entry,
    check_submission,
    new_entry,
    replayed_entry,
    submission_hash,
)
from llo.enrolment.store import counters


def submit_conditional(
    *,
    actor: audit.Actor,
    window: Window,
    shown: Preview,
    amount_cents: object,
    idempotency_key: str,
    at: dt.datetime | None = None,
) -> Application:
    """First come, first served decided inside the request: a conditional update on the
    window's total, the training counter, then the money. Same guarantees, but every request
    waits for the one row of the window."""
    at = at or now()
    request_hash = submission_hash(window, shown, amount_cents)
    found = replayed_entry(window, idempotency_key, request_hash)
    if found is not None:
        return Application.objects.get(intake=found)
    check_submission(window, shown, amount_cents, at)
    try:
        with transaction.atomic():
            entry = new_entry(window, shown, actor, idempotency_key, request_hash, at)
            entry.window = window
            year = window.opens_at.year
            if not counters.add_grants(entry.offer_id, year, 1, window.training_cap):
                entry.outcome = allocation.Outcome.REFUSED_CAP.value
                row = transitions.enter(Event.REFUSE, by=Who.SYSTEM)
                app = application_of_entry(
                    entry,
                    row.target,
                    at,
                    _("This training reached the most grants for this year."),
                )
            elif counters.spend_window(window.pk, entry.amount_cents):
                entry.outcome = allocation.Outcome.GRANTED.value
                row = transitions.enter(Event.GRANT, by=Who.SYSTEM)
                app = application_of_entry(entry, row.target, at)
            else:
                # Give the training's count back: this one was not granted.
                counters.add_grants(entry.offer_id, year, -1, None)
                entry.outcome = (
                    allocation.Outcome.WAITING.value
                    if window.waiting_list
                    else allocation.Outcome.REFUSED_BUDGET.value
                )
                row = transitions.enter(
                    Event.WAITLIST if window.waiting_list else Event.REFUSE, by=Who.SYSTEM
                )
                app = application_of_entry(
                    entry, row.target, at, _("The window budget is used up.")
                )
            entry.save(update_fields=["outcome"])
            app.save()
            money.perform(
                row.money,
                [app],
                money.Context(actor, at.date(), key=f"app:{app.pk}", window=window),
            )
            audit.record(
                actor=actor, action="window.submitted", subject=app, after={"status": app.status}
            )
    except IntegrityError:
        found = replayed_entry(window, idempotency_key, request_hash)
        if found is not None:
            return Application.objects.get(intake=found)
        raise Problem(
            409,
            _("You already applied in this window, or got this budget this year."),
            code="already-applied",
        ) from None
    return app
