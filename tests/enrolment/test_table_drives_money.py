# SPDX-License-Identifier: EUPL-1.2
"""The lifecycle table drives the services: change a row's money and the ledger follows,
change who takes a step and the services refuse the party that took it before. On both
databases."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from llo.accounts import services as accounts
from llo.accounts.models import Reservation
from llo.core.problems import Problem
from llo.enrolment import lifecycle, selectors, services
from llo.enrolment.lifecycle import Event, Movement, Status, Who
from llo.enrolment.models import Application, Enrolment, IntakeEntry, Payment
from tests.enrolment.conftest import ACTOR, DURING, World, enrol_start_and_drop_out, person

pytestmark = pytest.mark.django_db


def _change(
    monkeypatch: pytest.MonkeyPatch, source: Status, event: Event, **fields: object
) -> None:
    """Use a table where one row differs (its other rows as they are)."""
    table = tuple(
        dataclasses.replace(row, **fields)  # type: ignore[arg-type]
        if (row.source, row.event) == (source, event)
        else row
        for row in lifecycle.TABLE
    )
    assert table != lifecycle.TABLE
    monkeypatch.setattr(lifecycle, "TABLE", table)


def _submitted(world: World) -> None:
    shown = services.preview(
        actor=ACTOR, person=person(), offering=world.offering, window=world.window, on=DURING.date()
    )
    services.submit(
        actor=ACTOR,
        window=world.window,
        shown=shown,
        amount_cents=shown.amount_cents,
        idempotency_key="k",
        at=DURING,
    )


def _granted(world: World) -> Application:
    _submitted(world)
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    return Application.objects.get()


def _start_and_complete(world: World, app: Application) -> tuple[int, int]:
    """Enrol, start and complete with a certificate; the advance and the final payment."""
    services.enrol(actor=ACTOR, provider=world.provider, application=app, sessions_planned=10)
    advance = services.start(
        actor=ACTOR, provider=world.provider, application=app, on=dt.date(2023, 7, 15)
    )
    services.complete(
        actor=ACTOR,
        provider=world.provider,
        application=app,
        credential="certificaat",
        on=dt.date(2023, 9, 1),
    )
    final = sum(p.amount_cents for p in Payment.objects.filter(application=app, kind="final"))
    return advance, final


def test_the_real_table_pays_half_at_the_start(world: World) -> None:
    app = _granted(world)
    assert _start_and_complete(world, app) == (45_000, 45_000)
    assert accounts.paid_for(Reservation.objects.get()) == 90_000


def test_a_start_without_money_moves_the_whole_payment_to_the_end(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _change(monkeypatch, Status.ENROLLED, Event.START, money=Movement.NONE)
    app = _granted(world)
    assert _start_and_complete(world, app) == (0, 90_000)
    reservation = Reservation.objects.get()
    assert accounts.paid_for(reservation) == 90_000
    assert [line.kind for line in selectors.statement(world.provider)] == ["final"]
    assert accounts.verify_ledger() == []


def test_a_drop_out_that_pays_the_rest_instead_of_taking_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the real table a stop without a reason takes the advance back; a table that says
    "pay the rest" for a stop pays the provider in full."""
    _change(monkeypatch, Status.STARTED, Event.DROP_OUT, money=Movement.PAY_REST)
    app = _granted(world)
    enrol_start_and_drop_out(world, app, dropped_on=dt.date(2023, 8, 15))
    app.refresh_from_db()
    assert app.status == Status.DROPPED_OUT
    assert accounts.paid_for(Reservation.objects.get()) == 90_000
    assert not Payment.objects.filter(kind="claw_back").exists()


def test_a_step_given_to_staff_is_refused_to_the_provider(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _granted(world)
    _change(monkeypatch, Status.GRANTED, Event.ENROL, who=Who.STAFF)
    with pytest.raises(Problem) as refused:
        services.enrol(actor=ACTOR, provider=world.provider, application=app, sessions_planned=10)
    assert refused.value.status == 403
    assert refused.value.code == "not-your-step"
    app.refresh_from_db()
    assert app.status == Status.GRANTED
    assert not Enrolment.objects.exists()


def test_a_grant_the_system_may_not_take_stops_the_allocator(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _change(monkeypatch, Status.APPLIED, Event.GRANT, who=Who.STAFF)
    _submitted(world)
    with pytest.raises(Problem) as refused:
        services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    assert refused.value.code == "not-your-step"
    assert not Application.objects.exists()
    assert IntakeEntry.objects.get().outcome == ""
    assert not Reservation.objects.exists()


def test_who_reads_as_the_parties() -> None:
    assert str(Who.PERSON | Who.STAFF) == "person | staff"
    assert lifecycle.step("granted", "enrol", Who.PROVIDER | Who.STAFF).target == "enrolled"
    with pytest.raises(lifecycle.NotYourStep):
        lifecycle.step("granted", "enrol", Who.PERSON)
