# SPDX-License-Identifier: EUPL-1.2
"""The waiting list: money that comes free in a window goes to the next waiting entry in the
window's policy order; what still waits after the budget's period lapses; a person may leave
the list. A waiting outcome is kept on the intake entry, without an application (decision
013): granting it makes its application."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from llo.accounts import services as accounts
from llo.accounts.ledger import Cause
from llo.accounts.models import LedgerAccount, LedgerTransaction, Reservation, RightStatus
from llo.core.models import AuditEntry
from llo.core.problems import Problem
from llo.enrolment import invariants, services
from llo.enrolment.models import Application, Funding, IntakeEntry, TrainingCounter, Window
from llo.notifications.models import Notification
from tests.enrolment.conftest import ACTOR, CLOSES, DURING, World, make_offer, person

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


def _waiting(world: World) -> list[IntakeEntry]:
    return list(
        IntakeEntry.objects.filter(window=world.window, outcome="waiting").order_by("position")
    )


def test_a_waiting_outcome_is_kept_on_the_entry_and_told(world: World) -> None:
    _fill(world, 5)
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    waiting = _waiting(world)
    assert len(waiting) == 2
    assert not Application.objects.filter(intake__in=waiting).exists()
    for entry in waiting:
        told = Notification.objects.get(person_id=entry.person_id)
        assert told.topic == "enrolment.waiting"
        assert (told.subject_type, told.subject_id) == ("enrolment.IntakeEntry", str(entry.pk))
        assert told.link == reverse("enrolment:entry", args=[entry.pk])
        assert told.params["title"] == world.offer.title
    assert invariants.window_outcomes() == []


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
    # The first waiting entry is granted: its application is made, in the table's
    # ``waiting -> grant`` row, with the money.
    promoted = Application.objects.get(intake=first)
    assert report.granted == [promoted.pk]
    assert promoted.status == "granted"
    assert (promoted.amount_cents, promoted.window_id) == (90_000, world.window.pk)
    first.refresh_from_db()
    assert first.outcome == "granted"
    assert AuditEntry.objects.filter(
        action="application.grant", subject_id=str(promoted.pk)
    ).exists()
    assert Notification.objects.filter(
        person_id=first.person_id, topic="enrolment.granted", subject_id=str(promoted.pk)
    ).exists()
    # The cancelled grant went back whole to the window's budget (ledger cause "return"),
    # and the next one was paid from it: the budget has as much left as before.
    returned = Funding.objects.get(application=granted).right
    assert returned.status == RightStatus.BACK_TO_BUDGET
    back = LedgerTransaction.objects.get(right=returned, cause=Cause.RETURN)
    assert back.amount_cents == 90_000
    assert LedgerAccount.objects.get(pk=budget.account_id).balance_cents == left_before
    funding = Funding.objects.get(application=promoted)
    assert Reservation.objects.get(pk=funding.reservation_id).amount_cents == 90_000
    world.window.refresh_from_db()
    assert world.window.granted_cents == 270_000  # never above the window's budget
    assert [e.pk for e in _waiting(world)] == [e.pk for e in waiting[1:]]
    assert accounts.verify_ledger() == []
    assert invariants.window_outcomes() == []
    # Nothing came free: nothing more is granted.
    assert services.promote_waiting(world.window, at=CLOSES).granted == []


def test_waiting_entries_lapse_after_the_period(world: World) -> None:
    _fill(world, 5)
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    waiting = _waiting(world)
    assert len(waiting) == 2
    assert services.lapse_waiting(world.window, on=dt.date(2023, 12, 31)).lapsed == []
    report = services.lapse_waiting(world.window, on=dt.date(2024, 1, 1))
    assert report.lapsed == [e.pk for e in waiting]
    lapsed = IntakeEntry.objects.filter(outcome="lapsed")
    assert lapsed.count() == 2
    assert not Application.objects.filter(intake__in=lapsed).exists()
    for entry in lapsed:
        assert Notification.objects.filter(
            person_id=entry.person_id, topic="enrolment.lapsed", subject_id=str(entry.pk)
        ).exists()
        assert AuditEntry.objects.filter(action="entry.lapse", subject_id=str(entry.pk)).exists()
    # After the period nothing is granted from the waiting list either.
    world.window.refresh_from_db()
    assert (
        services.promote_waiting(world.window, at=dt.datetime(2024, 1, 2, tzinfo=dt.UTC)).granted
        == []
    )
    assert invariants.window_outcomes() == []


def test_training_cap_keeps_an_entry_waiting(world: World) -> None:
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


def test_a_person_granted_elsewhere_meanwhile_is_passed_over(world: World) -> None:
    """A waiting place is not an application: the person may be granted this start date
    elsewhere meanwhile. The waiting list then passes them over (once a year, one active
    application per start date) and grants the next."""
    _fill(world, 5)
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    first, second = _waiting(world)
    # The first waiting person got this training meanwhile, paid from elsewhere.
    Application.objects.create(
        person_id=first.person_id, offer=world.offer, offering=world.offering,
        provider=world.provider, preview_id=first.preview_id, year=2023, status="granted",
        amount_cents=90_000, receipt="LLO-ELSEWHERE", applied_at=DURING, applied_by="test",
        updated_at=DURING,
    )  # fmt: skip
    Window.objects.filter(pk=world.window.pk).update(budget_cents=360_000)
    report = services.promote_waiting(world.window, at=DURING)
    assert report.granted == [Application.objects.get(intake=second).pk]
    first.refresh_from_db()
    assert first.outcome == "waiting"
    world.window.refresh_from_db()
    assert world.window.granted_cents == 360_000


def test_a_person_leaves_the_waiting_list(world: World) -> None:
    _fill(world, 4)
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    [entry] = _waiting(world)
    someone_else = person()
    with pytest.raises(Problem) as other:
        services.leave_waiting_list(actor=ACTOR, person=someone_else, entry=entry)
    assert other.value.status == 404
    left = services.leave_waiting_list(actor=ACTOR, person=entry.person, entry=entry)
    assert left.outcome == "cancelled"
    entry.refresh_from_db()
    assert entry.outcome == "cancelled"
    assert Notification.objects.filter(
        person_id=entry.person_id, topic="enrolment.cancelled", subject_id=str(entry.pk)
    ).exists()
    with pytest.raises(Problem) as again:
        services.leave_waiting_list(actor=ACTOR, person=entry.person, entry=entry)
    assert again.value.code == "invalid-transition"
    # Money that comes free now passes the entry by.
    Window.objects.filter(pk=world.window.pk).update(budget_cents=400_000)
    assert services.promote_waiting(world.window, at=DURING).granted == []
    assert invariants.window_outcomes() == []


def test_the_waiting_list_of_another_training(world: World) -> None:
    """Each entry waits for its own training: a smaller later one may fit."""
    _fill(world, 4)
    cheap = make_offer(world.opleider, fee=30_000)[1]
    p = person()
    shown = services.preview(
        actor=ACTOR, person=p, offering=cheap, window=world.window, on=DURING.date()
    )
    services.submit(
        actor=ACTOR, window=world.window, shown=shown, amount_cents=shown.amount_cents,
        idempotency_key="cheap", at=DURING + dt.timedelta(seconds=30),
    )  # fmt: skip
    world.window.budget_cents = 270_000 + 30_000
    world.window.save()
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    # 3 x 900 granted, the fourth (900) waits, the cheap one (300) fits after it.
    assert [e.outcome for e in IntakeEntry.objects.filter(window=world.window).order_by("pk")] == [
        "granted", "granted", "granted", "waiting", "granted",
    ]  # fmt: skip
