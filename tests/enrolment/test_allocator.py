# SPDX-License-Identifier: EUPL-1.2
"""The set-based allocator on a real database (issue 18), on SQLite and PostgreSQL.

* After a window is decided every entry has an outcome (granted, waiting or refused with its
  reason) and every entry but a duplicate exactly one application: the bug of issue 18 (3 of
  1,839 entries left without an outcome) reproduced, first as the state it left, then as the
  race that made it (PostgreSQL).
* Hypothesis over windows of random entries, budgets, caps and policies: no overspend, no
  duplicate grants, every entry decided, the outcomes those of the pure policy
  (:func:`llo.enrolment.allocation.allocate`), the ledger consistent.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llo.accounts import services as accounts
from llo.core.problems import Problem
from llo.enrolment import allocation, invariants, services, window_words
from llo.enrolment.models import Application, IntakeEntry, Preview, Window
from llo.enrolment.store import locks
from llo.enrolment.store.intake import insert_rows
from llo.notifications.models import Notification
from llo.register.models import Offering
from tests.accounts.conftest import make_person
from tests.enrolment.conftest import ACTOR, CLOSES, DURING, OPENS, make_offer, make_provider
from tests.enrolment.conftest import make_window as _make_window

pytestmark = pytest.mark.django_db
AFTER = CLOSES + dt.timedelta(minutes=5)


def make_window(**fields: Any) -> Window:
    return _make_window(**fields)


def add_entries(
    window: Window, offerings: list[Offering], amounts: list[int], ranks: list[int] | None = None
) -> list[IntakeEntry]:
    """Entries as the intake writes them (one person each), without the rules engine: a
    preview the allocator reads its own part from, and the entry."""
    made = []
    for i, amount in enumerate(amounts):
        someone = make_person()
        offering = offerings[i % len(offerings)]
        shown = Preview.objects.create(
            person=someone, offer=offering.offer, offering=offering, window=window,
            peildatum=DURING.date(), eligible=True, amount_cents=amount, own_cents=0,
            price_cents=amount, created_at=DURING, actor=ACTOR.name,
        )  # fmt: skip
        entry = IntakeEntry.objects.create(
            window=window, person=someone, offer=offering.offer, offering=offering,
            preview=shown, amount_cents=amount, group_rank=(ranks or [0] * len(amounts))[i],
            idempotency_key=f"k{window.pk}-{i}", request_hash="h", actor=ACTOR.name,
            received_at=DURING + dt.timedelta(seconds=i),
        )  # fmt: skip
        made.append(entry)
    return made


def check_invariants(window: Window) -> dict[str, int]:
    """What must hold after any allocation; the counts for the caller."""
    window.refresh_from_db()
    entries = IntakeEntry.objects.filter(window=window)
    assert not entries.filter(outcome="").exists(), "an entry without an outcome"
    apps = Application.objects.filter(window=window)
    # An application for each grant and for nothing else (decision 013: a waiting or refused
    # outcome is kept on the entry), and no entry twice.
    assert apps.count() == entries.filter(outcome="granted").count()
    assert not apps.values("intake").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert set(apps.values_list("status", "intake__outcome")) <= {("granted", "granted")}
    granted = apps.filter(status="granted")
    total = granted.aggregate(s=Sum("amount_cents"))["s"] or 0
    assert total == window.granted_cents <= window.budget_cents, "overspend"
    assert granted.values("person").distinct().count() == granted.count(), "a duplicate grant"
    # A refusal says why; the person's page shows the outcome and its reason.
    for outcome in entries.values_list("outcome", flat=True).distinct():
        if outcome != "granted":
            assert window_words.outcome_reason(outcome), outcome
    # Every person but a duplicate is told their outcome once: a grant on its application,
    # the rest on the entry, linked to the entry's page.
    told = Notification.objects.filter(person__isnull=False, topic__startswith="enrolment.")
    for entry in entries.exclude(outcome="refused_duplicate"):
        app = apps.filter(intake=entry).first()
        subject = ("enrolment.Application", str(app.pk)) if app else (
            "enrolment.IntakeEntry", str(entry.pk))  # fmt: skip
        mine = told.filter(person_id=entry.person_id, subject_type=subject[0],
                           subject_id=subject[1])  # fmt: skip
        assert mine.count() == 1, (entry.outcome, subject)
        if app is None:
            assert mine.get().link == reverse("enrolment:entry", args=[entry.pk])
    positions = sorted(p or 0 for p in entries.values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))
    assert accounts.verify_ledger() == []
    assert invariants.window_outcomes() == []
    return {"granted": granted.count(), "entries": entries.count()}


def test_an_entry_written_after_a_lottery_was_allocated_is_refused_not_left_undecided() -> None:
    """The state issue 18 found (3 of 1,839 without an outcome), reproduced: a request took
    its time before the window closed, and its entry reached the database after the
    allocator had decided the window. Before, it was accepted and never decided."""
    offering = make_offer(make_provider())[1]
    window = make_window(policy="lottery")
    add_entries(window, [offering], [90_000] * 5)
    services.allocate_window(window, at=AFTER)
    late = add_entries(window, [offering], [])  # nothing; the person below comes late
    assert late == []
    someone = make_person()
    shown = Preview.objects.create(
        person=someone, offer=offering.offer, offering=offering, window=window,
        peildatum=DURING.date(), eligible=True, amount_cents=90_000, own_cents=0,
        price_cents=90_000, created_at=DURING, actor=ACTOR.name,
    )  # fmt: skip
    with pytest.raises(Problem) as refused:
        services.submit(
            actor=ACTOR, window=window, shown=shown, amount_cents=90_000,
            idempotency_key="late", at=CLOSES - dt.timedelta(seconds=1),
        )  # fmt: skip
    assert refused.value.status == 422
    assert refused.value.code == "outside-window"
    assert check_invariants(window) == {"granted": 3, "entries": 5}


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_allocator_waits_for_an_entry_being_written() -> None:
    """The race itself: an intake transaction holds the window while it writes its entry
    (as a request does between its checks and its commit); the allocator started meanwhile
    waits for it and decides that entry too."""
    offering = make_offer(make_provider())[1]
    window = make_window(policy="lottery")
    add_entries(window, [offering], [90_000] * 4)
    someone = make_person()
    shown = Preview.objects.create(
        person=someone, offer=offering.offer, offering=offering, window=window,
        peildatum=DURING.date(), eligible=True, amount_cents=90_000, own_cents=0,
        price_cents=90_000, created_at=DURING, actor=ACTOR.name,
    )  # fmt: skip
    holding = threading.Event()

    def intake() -> None:
        try:
            with transaction.atomic():
                assert locks.window_for_intake(window.pk) is None
                holding.set()
                time.sleep(0.5)  # the allocator starts now and must wait
                IntakeEntry.objects.create(
                    window=window, person=someone, offer=offering.offer, offering=offering,
                    preview=shown, amount_cents=90_000, idempotency_key="slow",
                    request_hash="h", actor=ACTOR.name,
                    received_at=CLOSES - dt.timedelta(milliseconds=5),
                )  # fmt: skip
        finally:
            connection.close()

    writer = threading.Thread(target=intake)
    writer.start()
    holding.wait(10)
    report = services.allocate_window(window, at=CLOSES + dt.timedelta(milliseconds=1))
    writer.join(10)
    assert report.entries == 5
    assert check_invariants(window) == {"granted": 3, "entries": 5}


amounts_st = st.lists(st.sampled_from([30_000, 60_000, 90_000, 150_000]), min_size=0, max_size=25)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    amounts=amounts_st,
    budget=st.integers(1, 1_000_000),
    policy=st.sampled_from(["fcfs", "lottery", "priority"]),
    cap=st.one_of(st.none(), st.integers(0, 6)),
    waiting_list=st.booleans(),
    granted_before=st.integers(0, 3),
    data=st.data(),
)
def test_allocation_invariants_on_the_database(
    amounts: list[int],
    budget: int,
    policy: str,
    cap: int | None,
    waiting_list: bool,
    granted_before: int,
    data: st.DataObject,
) -> None:
    """Any window, any policy: every entry decided, no overspend, no duplicate grant, and
    exactly the outcomes of the pure policy (the set-based writes change nothing of them).
    Each example runs in a savepoint rolled back after it, so examples do not meet."""
    with transaction.atomic():
        _one_window(amounts, budget, policy, cap, waiting_list, granted_before, data)
        transaction.set_rollback(True)


def _one_window(
    amounts: list[int],
    budget: int,
    policy: str,
    cap: int | None,
    waiting_list: bool,
    granted_before: int,
    data: st.DataObject,
) -> None:
    opleider = make_provider()
    offerings = [make_offer(opleider)[1] for _ in range(3)]
    window = make_window(
        window_cents=budget, policy=policy, training_cap=cap, waiting_list=waiting_list,
        then_policy=data.draw(st.sampled_from(["fcfs", "lottery"])),
    )  # fmt: skip
    ranks = data.draw(st.lists(st.integers(0, 2), min_size=len(amounts), max_size=len(amounts)))
    entries = add_entries(window, offerings, amounts, ranks)
    # Some persons got this budget this year already (a grant in another window): refused.
    for entry in entries[:granted_before]:
        insert_rows(
            Application,
            [{
                "person_id": entry.person_id, "offer_id": entry.offer_id,
                "offering_id": entry.offering_id, "provider_id": opleider.organisation_id,
                "budget_id": window.budget_id, "preview_id": entry.preview_id, "year": 2023,
                "status": "enrolled", "receipt": f"LLO-T{entry.pk}", "applied_at": OPENS,
                "applied_by": "test", "updated_at": OPENS,
            }],
        )  # fmt: skip
    report = services.allocate_window(window, at=AFTER, seed="published-seed")
    window.refresh_from_db()
    # The policies work on each entry's number in the window (arrival order), not its id.
    arrived = sorted(entries, key=lambda e: e.pk)
    expected = allocation.allocate(
        [
            allocation.Entry(n, e.person_id, e.offer_id, e.amount_cents, e.group_rank)
            for n, e in enumerate(arrived, start=1)
        ],
        budget_cents=budget, policy=policy, seed=window.seed, then=window.then_policy,
        training_cap=cap, excluded_persons={e.person_id for e in entries[:granted_before]},
        waiting_list=waiting_list,
    )  # fmt: skip
    stored = dict(IntakeEntry.objects.filter(window=window).values_list("seq", "outcome"))
    assert stored == {seq: o.value for seq, o in expected.outcomes.items()}
    numbers = IntakeEntry.objects.filter(window=window).order_by("pk").values_list("seq")
    assert [n for (n,) in numbers] == list(range(1, len(entries) + 1))
    assert report.granted_cents == expected.granted_cents
    counts = check_invariants(window)
    assert counts["entries"] == len(amounts) == report.entries
    assert report.granted + report.waiting + report.refused == report.entries


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    amounts=st.lists(st.sampled_from([30_000, 60_000, 90_000]), min_size=1, max_size=14),
    budget=st.integers(60_000, 400_000),
    policy=st.sampled_from(["fcfs", "lottery", "priority"]),
    data=st.data(),
)
def test_the_waiting_list_kept_on_the_entries(
    amounts: list[int], budget: int, policy: str, data: st.DataObject
) -> None:
    """The waiting shape of decision 013: after the allocation a waiting outcome is on its
    entry only; grants cancelled at random then pass their money down the waiting list in
    the window's order (a smaller later entry may fit), each promoted entry getting exactly
    one application; never more granted than the window's budget, nobody granted twice, the
    ledger consistent, every invariant of the window's outcomes held."""
    with transaction.atomic():
        offering = make_offer(make_provider())[1]
        window = make_window(window_cents=budget, policy=policy, then_policy="lottery")
        add_entries(window, [offering], amounts, [i % 2 for i in range(len(amounts))])
        services.allocate_window(window, at=AFTER, seed="published-seed")
        check_invariants(window)
        grants = list(Application.objects.filter(window=window, status="granted").order_by("pk"))
        cancelled = data.draw(
            st.lists(st.sampled_from(grants), unique=True) if grants else st.just([])
        )
        for app in cancelled:
            window.refresh_from_db()
            waiting = list(
                IntakeEntry.objects.filter(window=window, outcome="waiting").order_by("position")
            )
            _app, report = services.cancel_and_promote(
                actor=ACTOR, application=app, on=dt.date(2023, 7, 5), at=AFTER
            )
            # What money came free buys, in the window's order, skipping what does not fit.
            left = window.budget_cents - window.granted_cents + app.amount_cents
            expected = []
            for entry in waiting:
                if 0 < entry.amount_cents <= left:
                    expected.append(entry.pk)
                    left -= entry.amount_cents
            promoted = Application.objects.filter(pk__in=report.granted)
            assert sorted(promoted.values_list("intake_id", flat=True)) == sorted(expected)
            assert set(promoted.values_list("status", flat=True)) <= {"granted"}
        window.refresh_from_db()
        holding = Application.objects.filter(window=window, status="granted")
        total = holding.aggregate(s=Sum("amount_cents"))["s"] or 0
        assert total == window.granted_cents <= window.budget_cents
        assert holding.values("person").distinct().count() == holding.count()
        entries = IntakeEntry.objects.filter(window=window)
        assert not Application.objects.filter(intake__in=entries.exclude(outcome="granted"))
        assert Application.objects.filter(intake__in=entries.filter(outcome="granted")).count() == (
            entries.filter(outcome="granted").count()
        )
        assert accounts.verify_ledger() == []
        assert invariants.window_outcomes() == []
        transaction.set_rollback(True)
