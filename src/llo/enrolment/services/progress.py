# SPDX-License-Identifier: EUPL-1.2
"""An application after the grant: the provider enrols, starts (the advance), reports
attendance and completes with evidence (the final payment) or reports a stop; the person
cancels before the start. Every status change is a row of the lifecycle table taken by the
party this module names, with the money that row names (:mod:`.transitions`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.timeutil import now, today
from llo.enrolment import settlement
from llo.enrolment.lifecycle import Event, Who
from llo.enrolment.models import Application, Enrolment, Window
from llo.enrolment.services import money, transitions
from llo.enrolment.services.waiting import WaitingReport, promote_waiting
from llo.enrolment.store import locks
from llo.people.models import Organisation, Person


def _check_provider(app: Application, provider: Organisation) -> None:
    # A provider acts only on applications for its own offers; another's is "not found".
    if app.provider_id != provider.pk:
        raise Problem(404, _("There is no application with this number for you."), code="not-found")


def enrol(
    *, actor: audit.Actor, provider: Organisation, application: Application, sessions_planned: int
) -> Enrolment:
    """The provider confirms. Only an application that was granted can be enrolled: a provider
    cannot enrol someone who did not apply.

    Locks: the application."""
    if sessions_planned <= 0:
        raise invalid(
            _("Give the number of sessions, more than 0."),
            [InvalidParam("sessionsPlanned", _("more than 0"), "min")],
        )
    _check_provider(application, provider)
    with transaction.atomic():
        app = locks.application(application)
        transitions.take(app, Event.ENROL, by=Who.PROVIDER, ctx=money.Context(actor, today()))
        enrolment = Enrolment.objects.create(
            application=app, enrolled_at=now(), sessions_planned=sessions_planned
        )
    return enrolment


def start(
    *, actor: audit.Actor, provider: Organisation, application: Application, on: dt.date
) -> int:
    """The training starts, from ADVANCE_DAYS days before its start date; the cents the
    table's ``enrolled -> start`` row paid (the advance).

    Locks: the application, then the ledger's."""
    _check_provider(application, provider)
    with transaction.atomic():
        app = locks.application(application)
        offering = app.offering
        if on < offering.start_date - dt.timedelta(days=settlement.ADVANCE_DAYS):
            raise Problem(
                422,
                _("The advance can be paid from %(days)s days before the start.")
                % {"days": settlement.ADVANCE_DAYS},
                code="too-early",
            )
        taken = transitions.take(app, Event.START, by=Who.PROVIDER, ctx=money.Context(actor, on))
        Enrolment.objects.filter(application=app).update(started_at=now())
        return taken.moved_cents


def report_attendance(
    *,
    actor: audit.Actor,
    provider: Organisation,
    application: Application,
    attended: int,
    excused: int = 0,
    excused_reason: str = "",
) -> Enrolment:
    """Cumulative attendance; excused absence (illness) needs a reason and is recorded.

    Locks: the enrolment."""
    _check_provider(application, provider)
    with transaction.atomic():
        enrolment = locks.enrolment(application)
        params = []
        if attended < 0 or excused < 0 or attended + excused > enrolment.sessions_planned:
            params.append(
                InvalidParam(
                    "attended", _("attended + excused is at most the sessions planned"), "range"
                )
            )
        if excused and not excused_reason.strip():
            params.append(
                InvalidParam("excusedReason", _("say why, for example illness"), "required")
            )
        if params:
            raise invalid(_("The attendance is not right."), params)
        enrolment.sessions_attended = attended
        enrolment.sessions_excused = excused
        enrolment.excused_reason = excused_reason[:300]
        enrolment.save(update_fields=["sessions_attended", "sessions_excused", "excused_reason"])
        audit.record(
            actor=actor,
            action="enrolment.attendance",
            subject=enrolment,
            after={"attended": attended, "excused": excused, "reason": excused_reason},
        )
    return enrolment


def complete(
    *,
    actor: audit.Actor,
    provider: Organisation,
    application: Application,
    credential: str,
    on: dt.date,
) -> Application:
    """Evidence in (art. 14(2)): with a credential, or attendance of at least 80 %, the
    provider takes ``started -> complete`` and the system ``completed -> pay_final`` (the
    final payment); else the provider takes ``started -> fail_attendance`` (the advance is
    taken back and the rest released).

    Completion is refused before the training's start date (issue 15, "also seen": it was
    accepted in the advance weeks before a course began, so the final payment went out for a
    course nobody had followed yet).

    Locks: the application, its enrolment, then the ledger's."""
    _check_provider(application, provider)
    with transaction.atomic():
        app = locks.application(application)
        if on < app.offering.start_date:
            raise Problem(
                422,
                _("A training can be completed only after it has started, on %(day)s or later.")
                % {"day": date_format(app.offering.start_date, "j F Y")},
                code="not-started-yet",
            )
        enrolment = locks.enrolment(app)
        done = settlement.completed(
            credential=bool(credential.strip()),
            attended=enrolment.sessions_attended,
            planned=enrolment.sessions_planned,
            excused=enrolment.sessions_excused,
        )
        enrolment.credential = credential[:300]
        enrolment.ended_at = now()
        enrolment.save(update_fields=["credential", "ended_at"])
        ctx = money.Context(actor, on)
        if done:
            transitions.take(app, Event.COMPLETE, by=Who.PROVIDER, ctx=ctx)
            transitions.take(app, Event.PAY_FINAL, by=Who.SYSTEM, ctx=ctx)
        else:
            transitions.take(
                app,
                Event.FAIL_ATTENDANCE,
                by=Who.PROVIDER,
                ctx=ctx,
                reason=_("Attendance under 80 % and no certificate."),
            )
    return app


def drop_out(
    *,
    actor: audit.Actor,
    provider: Organisation,
    application: Application,
    excused: bool,
    reason: str,
    on: dt.date,
) -> Application:
    """The provider reports a stop: the table's ``started -> drop_out`` row. With a reason
    (illness) the stop is excused and the provider keeps the advance.

    Locks: the application, then the ledger's."""
    _check_provider(application, provider)
    if excused and not reason.strip():
        raise invalid(
            _("Say why, for example illness."),
            [InvalidParam("reason", _("required when excused"), "required")],
        )
    with transaction.atomic():
        app = locks.application(application)
        transitions.take(
            app,
            Event.DROP_OUT,
            by=Who.PROVIDER,
            ctx=money.Context(actor, on, excused=excused),
            reason=reason,
        )
    return app


def cancel(*, actor: audit.Actor, application: Application, on: dt.date) -> Application:
    """The person cancels before the start: the table's ``-> cancel`` row of the status
    (granted or enrolled: all reserved money goes back, and a window's grant to its window).

    Locks: the window of a window's application, then the application, then the ledger's
    (the window first, as every use case that changes its total)."""
    with transaction.atomic():
        if application.window_id is not None:
            locks.window(application.window_id)
        app = locks.application(application)
        transitions.take(app, Event.CANCEL, by=Who.PERSON, ctx=money.Context(actor, on))
    return app


def cancel_and_promote(
    *,
    actor: audit.Actor,
    application: Application,
    on: dt.date,
    at: dt.datetime | None = None,
) -> tuple[Application, WaitingReport]:
    """Cancel before the start; a window grant's amount goes to the next on the waiting list.

    :func:`cancel` gives the grant's money back to the window's budget and lowers the
    window's total, so the waiting list is granted from the money that came free. Two
    transactions: the cancel holds, even when no one waits.

    Locks: those of :func:`cancel`, then (in a new transaction) those of
    :func:`promote_waiting`."""
    app = cancel(actor=actor, application=application, on=on)
    if app.window_id is None:
        return app, WaitingReport([], [])
    window = Window.objects.get(pk=app.window_id)
    return app, promote_waiting(window, actor=actor, at=at)


def cancel_own(*, actor: audit.Actor, person: Person, application: Application) -> Application:
    """The person cancels their own application before the start.

    Locks: those of :func:`cancel_and_promote`."""
    if application.person_id != person.pk:
        raise Problem(404, _("There is no application with this number."), code="not-found")
    on = today()
    if application.offering.start_date <= on:
        raise Problem(
            422,
            _("The training has started. Ask the provider to stop it."),
            code="started",
        )
    return cancel_and_promote(actor=actor, application=application, on=on)[0]
