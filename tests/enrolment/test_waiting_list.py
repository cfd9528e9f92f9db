# SPDX-License-Identifier: EUPL-1.2
"""The waiting list: money that comes free in a window goes to the next waiting application
in the window's policy order; what still waits after the budget's period lapses."""

from __future__ import annotations

import datetime as dt

import pytest

from llo.accounts import services as accounts
from llo.accounts.ledger import Cause
from llo.accounts.models import LedgerAccount, LedgerTransaction, Reservation, RightStatus
from llo.enrolment import services
from llo.enrolment.models import Application, Funding, TrainingCounter
from tests.enrolment.conftest import ACTOR, CLOSES, DURING, World, person

pytestmark = pytest.mark.django_db


def _fill(world: World, n: int) -> None:
    for i in range(n):
        p = person()
        shown = services.preview(
            actor=ACTOR, person=p, offering=world.offering, window=world.window, on=DURING.date()
        )
        services.submit(
            actor=ACTOR,
            window=world.window,
            shown=shown,
            amount_cents=shown.amount_cents,
            idempotency_key=f"w{i}",
            at=DURING + dt.timedelta(seconds=i),
        )


def _waiting(world: World) -> list[Application]:
    return list(
        Application.objects.filter(window=world.window, status="waiting").order_by(
            "intake__position"
        )
    )


def test_a_cancelled_grant_goes_to_the_next_in_policy_order(world: World) -> None:
    world.window.policy = "lottery"
    world.window.save()
    _fill(world, 6)
    services.allocate_window(world.window, at=CLOSES + dt.timedelta(minutes=1))
    waiting = _waiting(world)
    assert len(waiting) == 3
    first = waiting[0]
    granted = Application.objects.filter(status="granted").order_by("pk").first()
    assert granted is not None
    budget = world.window.budget
    left_before = LedgerAccount.objects.get(pk=budget.account_id).balance_cents
    _app, report = services.cancel_and_promote(
        actor=ACTOR,
        application=granted,
        on=dt.date(2023, 7, 5),
        at=dt.datetime(2023, 7, 5, 12, tzinfo=dt.UTC),
    )
    assert report.granted == [first.pk]
    # The cancelled grant went back whole to the window's budget (ledger cause "return"),
    # and the next one was paid from it: the budget has as much left as before.
    returned = Funding.objects.get(application=granted).right
    assert returned.status == RightStatus.BACK_TO_BUDGET
    back = LedgerTransaction.objects.get(right=returned, cause=Cause.RETURN)
    assert back.amount_cents == 90_000
    assert LedgerAccount.objects.get(pk=budget.account_id).balance_cents == left_before
    first.refresh_from_db()
    assert first.status == "granted"
    funding = Funding.objects.get(application=first)
    assert Reservation.objects.get(pk=funding.reservation_id).amount_cents == 90_000
    world.window.refresh_from_db()
    assert world.window.granted_cents == 270_000  # never above the window's budget
    assert [a.pk for a in _waiting(world)] == [a.pk for a in waiting[1:]]
    assert accounts.verify_ledger() == []
    # Nothing came free: nothing more is granted.
    assert services.promote_waiting(world.window, at=CLOSES).granted == []


def test_waiting_applications_lapse_after_the_period(world: World) -> None:
    _fill(world, 5)
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    assert len(_waiting(world)) == 2
    assert services.lapse_waiting(world.window, on=dt.date(2023, 12, 31)).lapsed == []
    report = services.lapse_waiting(world.window, on=dt.date(2024, 1, 1))
    assert len(report.lapsed) == 2
    lapsed = Application.objects.filter(status="lapsed")
    assert lapsed.count() == 2
    assert all(a.status_reason for a in lapsed)
    assert not Reservation.objects.filter(
        reference__in=[a.receipt for a in Application.objects.filter(pk__in=report.lapsed)]
    ).exists()
    # After the period nothing is granted from the waiting list either.
    world.window.refresh_from_db()
    assert (
        services.promote_waiting(world.window, at=dt.datetime(2024, 1, 2, tzinfo=dt.UTC)).granted
        == []
    )


def test_training_cap_keeps_an_application_waiting(world: World) -> None:
    world.window.training_cap = 3
    world.window.budget_cents = 180_000
    world.window.save()
    _fill(world, 5)
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    assert len(_waiting(world)) == 3
    # Money comes free in the window, but another window used the training's last grant.
    world.window.budget_cents = 500_000
    world.window.save()
    TrainingCounter.objects.filter(offer=world.offer, year=2023).update(grants=3)
    assert services.promote_waiting(world.window, at=DURING).granted == []
    assert len(_waiting(world)) == 3
    TrainingCounter.objects.filter(offer=world.offer, year=2023).update(grants=2)
    assert len(services.promote_waiting(world.window, at=DURING).granted) == 1
    assert len(_waiting(world)) == 2
