# SPDX-License-Identifier: EUPL-1.2
"""Taking a step of the lifecycle table (:mod:`llo.enrolment.lifecycle`): look up the row,
refuse a step that the status or the party does not allow, change the status with its audit
record, and move the money the row names (:mod:`.money`).

Every change of an application's status goes through :func:`take` (one application) or
:func:`enter` (new applications of a decision made at once: the allocator, a direct grant).
Runs inside the caller's transaction, with the application locked by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import Problem
from llo.core.timeutil import now
from llo.enrolment import lifecycle
from llo.enrolment.lifecycle import Event, Status, Transition, Who
from llo.enrolment.models import Application
from llo.enrolment.services import money, notices


@dataclass(frozen=True)
class Taken:
    transition: Transition
    #: Cents paid to, taken back from or released for the provider by the row's movement.
    moved_cents: int


def _row(source: str, event: Event, by: Who) -> Transition:
    try:
        return lifecycle.step(source, event, by)
    except lifecycle.NotYourStep:
        raise Problem(
            403,
            _("You may not take this step for this application."),
            code="not-your-step",
        ) from None
    except lifecycle.TransitionError:
        raise Problem(
            409,
            _("This cannot be done now: the application is '%(status)s'.") % {"status": source},
            code="invalid-transition",
        ) from None


def enter(event: Event, by: Who) -> Transition:
    """The row a new application takes from ``applied`` when it is decided at once (granted,
    waiting or refused); the caller creates it in the row's target and then calls
    :func:`money.perform` with the row's movement."""
    return _row(Status.APPLIED, event, by)


def take(
    app: Application,
    event: Event,
    *,
    by: Who,
    ctx: money.Context,
    reason: str = "",
) -> Taken:
    """Take ``event`` on a locked application as ``by``: status, audit record, money."""
    transition = _row(app.status, event, by)
    before = app.status
    app.status = transition.target
    app.status_reason = reason[:300]
    app.updated_at = now()
    app.save(update_fields=["status", "status_reason", "updated_at"])
    audit.record(
        actor=ctx.actor,
        action=f"application.{event.value}",
        subject=app,
        before={"status": before},
        after={"status": app.status, "reason": reason},
    )
    moved = money.perform(transition.money, [app], ctx)
    # Money of the step where it moved (advance, last payment, claw-back); else the grant.
    notices.tell([app], transition.target, moved or None)
    return Taken(transition, moved)
