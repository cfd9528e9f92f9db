# SPDX-License-Identifier: EUPL-1.2
"""A window rush on PostgreSQL: 32 threads, each with its own connection, submit to one window
at the same moment (both designs). No overspend, no double apply, the per-training cap holds,
and a retried submission (the same key) applies once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from bench.windows.conditional import submit_conditional
from django.db import connection
from django.db.models import Sum

from llo.accounts import services as accounts
from llo.accounts.models import Reservation
from llo.core.problems import Problem
from llo.enrolment import services
from llo.enrolment.models import Application, IntakeEntry, TrainingCounter
from tests.enrolment.conftest import ACTOR, DURING, make_offer, make_provider, make_window, person

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
WORKERS = 32


def run_parallel(work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(WORKERS)
    results: list[Any] = [None] * WORKERS

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # checked by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


def _setup(cap: int) -> tuple[Any, list[Any]]:
    window = make_window(window_cents=20 * 90_000, training_cap=cap)
    opleider = make_provider()
    offerings = [make_offer(opleider)[1], make_offer(opleider)[1]]
    people = [person() for _ in range(WORKERS - 4)]
    # 4 workers retry a colleague's request with the same key; offering 0 gets most
    shown = [
        services.preview(
            actor=ACTOR,
            person=p,
            offering=offerings[0 if i % 4 else 1],
            window=window,
            on=DURING.date(),
        )
        for i, p in enumerate(people)
    ]
    return window, shown


def _check(window: Any, cap: int) -> None:
    window.refresh_from_db()
    granted = Application.objects.filter(window=window, status="granted")
    total = granted.aggregate(s=Sum("amount_cents"))["s"] or 0
    assert total == window.granted_cents <= window.budget_cents
    assert Reservation.objects.aggregate(s=Sum("amount_cents"))["s"] == total
    assert granted.values("person").distinct().count() == granted.count()
    for counter in TrainingCounter.objects.all():
        assert counter.grants <= cap
        assert counter.grants == granted.filter(offer_id=counter.offer_id).count()
    assert accounts.verify_ledger() == []


def test_intake_rush_then_one_allocator() -> None:
    cap = 12
    window, shown = _setup(cap)

    def work(i: int) -> Any:
        j = i if i < len(shown) else i - len(shown)  # the last 4 retry with the same key
        return services.submit(
            actor=ACTOR,
            window=window,
            shown=shown[j],
            amount_cents=shown[j].amount_cents,
            idempotency_key=f"key-{j}",
            at=DURING,
        )

    results = run_parallel(work)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert IntakeEntry.objects.filter(window=window).count() == len(shown)
    assert sum(1 for r in results if r.replayed) == 4
    report = services.allocate_window(window, at=DURING.replace(hour=12))
    assert report.granted == cap + 7  # 12 on the capped offering + all 7 on the other
    _check(window, cap)


def test_conditional_update_rush() -> None:
    cap = 12
    window, shown = _setup(cap)

    def work(i: int) -> Any:
        j = i if i < len(shown) else i - len(shown)
        return submit_conditional(
            actor=ACTOR,
            window=window,
            shown=shown[j],
            amount_cents=shown[j].amount_cents,
            idempotency_key=f"key-{j}",
            at=DURING,
        )

    results = run_parallel(work)
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, Problem) for e in errors), errors
    assert IntakeEntry.objects.filter(window=window).count() == len(shown)
    _check(window, cap)
    assert Application.objects.filter(window=window, status="granted").count() == cap + 7
