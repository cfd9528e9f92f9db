# SPDX-License-Identifier: EUPL-1.2
"""Issue 15, the overview's events: a person is told of every step of their application (in
the app, and by e-mail where they gave an address), pre-registers for a round that has not
opened and is told once when it opens, and is warned once of money about to expire."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from llo.accounts import services as accounts
from llo.core.money import Money
from llo.core.problems import Problem
from llo.enrolment import services
from llo.enrolment.models import Application, Window, WindowInterest
from llo.notifications import services as notifications
from llo.notifications.models import Notification
from tests.accounts.conftest import make_org, make_person
from tests.enrolment.conftest import ACTOR, DURING, World, enrol_start_and_drop_out, person

pytestmark = pytest.mark.django_db


def _granted(world: World):
    someone = person()
    notifications.set_address(
        actor=ACTOR,
        recipient=notifications.Recipient(person_id=someone.pk),
        email="mohammed@voorbeeld.nl",
    )
    shown = services.preview(
        actor=ACTOR, person=someone, offering=world.offering, window=world.window, on=DURING.date()
    )
    services.submit(
        actor=ACTOR,
        window=world.window,
        shown=shown,
        amount_cents=shown.amount_cents,
        idempotency_key="k1",
        at=DURING,
    )
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    return someone, Application.objects.get()


def _told(someone) -> list[tuple[str, str]]:
    return [
        (n.topic, notifications.render(n.message, n.params))
        for n in Notification.objects.filter(person=someone).order_by("pk")
    ]


def test_every_step_of_an_application_is_told(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        someone, app = _granted(world)
    enrol_start_and_drop_out(world, app, dropped_on=dt.date(2023, 8, 10))
    told = _told(someone)
    assert [topic for topic, _text in told] == [
        "enrolment.granted",
        "enrolment.enrolled",
        "enrolment.paid",
        "enrolment.claw_back",
    ]
    title = world.offer.title
    # Shown in the language of the page (Dutch by default).
    assert told[0][1] == f"Uw aanvraag voor {title} is toegekend: € 900,00 is ervoor apart gezet."
    assert "kreeg € 450,00 als voorschot" in told[2][1]
    assert "€ 900,00 die niet is gebruikt, gaat terug" in told[3][1]
    # The grant was e-mailed after the commit, in Dutch, with a link to the application.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mohammed@voorbeeld.nl"]
    assert f"Uw aanvraag voor {title} is toegekend" in mail.outbox[0].subject
    assert f"/aanvragen/{app.pk}" in mail.outbox[0].body


def test_the_last_payment_is_told(world: World) -> None:
    someone, app = _granted(world)
    services.enrol(actor=ACTOR, provider=world.provider, application=app, sessions_planned=10)
    services.start(actor=ACTOR, provider=world.provider, application=app, on=dt.date(2023, 7, 15))
    services.report_attendance(
        actor=ACTOR, provider=world.provider, application=app, attended=9, excused=0
    )
    services.complete(
        actor=ACTOR, provider=world.provider, application=app, credential="", on=dt.date(2023, 9, 1)
    )
    assert _told(someone)[-1][1].endswith("kreeg de laatste betaling van € 450,00.")


def _coming_window(world: World) -> Window:
    window = world.window
    window.opens_at = dt.datetime(2030, 1, 7, 8, tzinfo=dt.UTC)
    window.closes_at = dt.datetime(2030, 2, 7, 16, tzinfo=dt.UTC)
    window.save()
    return window


def test_pre_register_once_and_told_once_when_the_round_opens(world: World) -> None:
    window = _coming_window(world)
    someone = person()
    before = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)
    first = services.pre_register(actor=ACTOR, person=someone, window=window, at=before)
    again = services.pre_register(actor=ACTOR, person=someone, window=window, at=before)
    assert first.pk == again.pk
    assert WindowInterest.objects.count() == 1
    assert [t for t, _x in _told(someone)] == ["enrolment.pre_registered"]
    assert "7 januari 2030" in Notification.objects.get(person=someone).params["date"]
    # Not open yet: nobody is told.
    assert services.tell_opened(at=before) == 0
    opened = dt.datetime(2030, 1, 7, 9, tzinfo=dt.UTC)
    assert services.tell_opened(at=opened) == 1
    assert services.tell_opened(at=opened + dt.timedelta(hours=1)) == 0
    assert [t for t, _x in _told(someone)] == ["enrolment.pre_registered", "enrolment.window_open"]
    # Once open, pre-registering is refused: apply instead.
    with pytest.raises(Problem) as refused:
        services.pre_register(actor=ACTOR, person=person(), window=window, at=opened)
    assert refused.value.code == "window-open"


def test_money_about_to_expire_is_warned_once() -> None:
    employer = make_org(name="Bakkerij de Korenaar")
    someone = make_person(employer=employer)
    budget = accounts.create_budget(
        actor=ACTOR,
        funder=accounts.ensure_funder(employer),
        name="Leerbudget",
        total=Money(100_000),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        right_validity_months=12,
    )
    accounts.deposit(
        actor=ACTOR, budget=budget, person=someone, amount=Money(40_000), on=dt.date(2026, 1, 5)
    )
    right = someone.rights.get()
    assert right.valid_until is not None
    early = right.valid_until - dt.timedelta(days=61)
    assert accounts.warn_expiring(on=early) == 0
    due = right.valid_until - dt.timedelta(days=60)
    assert accounts.warn_expiring(on=due) == 1
    assert accounts.warn_expiring(on=due + dt.timedelta(days=1)) == 0
    ((topic, text),) = _told(someone)
    assert topic == "accounts.expiring"
    assert text.startswith("U kunt € 400,00 van Bakkerij de Korenaar voor uw leren gebruiken")
