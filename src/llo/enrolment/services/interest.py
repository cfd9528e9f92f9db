# SPDX-License-Identifier: EUPL-1.2
"""A person pre-registers for a window that has not opened yet, and is told when it opens
(JOURNEYS.md, Mohammed: "an application (or a pre-registration while its first window has not
opened yet)"). A pre-registration holds no place in the line: the intake opens for everyone
at the same moment (seed 004: applying should not be a race won by those who knew first).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from llo.core import audit
from llo.core.problems import Problem
from llo.core.timeutil import now
from llo.enrolment.models import Window, WindowInterest
from llo.notifications import services as notifications
from llo.people.models import Person


def pre_register(
    *, actor: audit.Actor, person: Person, window: Window, at: dt.datetime | None = None
) -> WindowInterest:
    """Pre-register ``person`` for ``window`` (one transaction with its audit record and a
    notification). Sending it again changes nothing. Refused (409) once the window is open
    (then apply) or closed."""
    at = at or now()
    if window.closes_at <= at:
        raise Problem(409, _("This round has closed."), code="window-closed")
    if window.opens_at <= at:
        raise Problem(409, _("This round is open already: you can apply now."), code="window-open")
    with transaction.atomic():
        interest, created = WindowInterest.objects.get_or_create(
            window=window, person=person, defaults={"created_at": at}
        )
        if created:
            audit.record(
                actor=actor,
                action="window.pre_registered",
                subject=interest,
                after={"window": window.pk, "person": person.pk},
            )
            notifications.notify(
                recipients=[notifications.Recipient(person_id=person.pk)],
                topic="enrolment.pre_registered",
                message=gettext_noop(
                    "You are pre-registered for %(window)s. We tell you when it opens, on %(date)s."
                ),
                params={
                    "window": window.name,
                    "date": notifications.dutch_day(window.opens_at.date()),
                },
                link=reverse("enrolment:window", args=[window.pk]),
                subject=("enrolment.Window", str(window.pk)),
            )
    return interest


def tell_opened(*, at: dt.datetime | None = None) -> int:
    """Tell everyone pre-registered for a window that opened (and has not closed) that they
    can apply now. Each pre-registration is claimed by a conditional update first, so two runs
    at once, or a second run, tell nobody twice. Returns how many were told."""
    at = at or now()
    told = 0
    due = list(
        WindowInterest.objects.filter(
            notified_at__isnull=True, window__opens_at__lte=at, window__closes_at__gt=at
        )
        .select_related("window")
        .order_by("pk")
    )
    for interest in due:
        with transaction.atomic():
            if not WindowInterest.objects.filter(pk=interest.pk, notified_at__isnull=True).update(
                notified_at=at
            ):
                continue  # another run told this person
            window = interest.window
            notifications.notify(
                recipients=[notifications.Recipient(person_id=interest.person_id)],
                topic="enrolment.window_open",
                message=gettext_noop("%(window)s is open now. You can apply until %(date)s."),
                params={
                    "window": window.name,
                    "date": notifications.dutch_day(window.closes_at.date()),
                },
                link=reverse("enrolment:window", args=[window.pk]),
                subject=("enrolment.Window", str(window.pk)),
            )
            told += 1
    return told
