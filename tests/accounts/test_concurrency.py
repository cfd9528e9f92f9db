# SPDX-License-Identifier: EUPL-1.2
"""Many workers at once never overspend a right or a budget, and a retried request (the same
idempotency key) never applies twice. PostgreSQL only: each thread has its own connection and
the transactions really interleave."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from llo.accounts import services
from llo.accounts.ledger import Cause
from llo.accounts.models import LedgerAccount, LedgerTransaction, Reservation, Right
from llo.core.models import IdempotencyRecord
from llo.core.money import Money
from llo.core.problems import Problem
from llo.people.models import User
from tests.accounts.conftest import ACTOR, deposited, employ, make_budget, make_org, make_person

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

WORKERS = 32
ON = dt.date(2026, 3, 1)


def run_parallel(work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in WORKERS threads that start at the same moment; each thread has its
    own database connection. Returns each result or the exception it raised."""
    barrier = threading.Barrier(WORKERS)
    results: list[Any] = [None] * WORKERS

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
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


def test_parallel_reservations_and_deposits_never_overspend() -> None:
    org = make_org("employer")
    funder = services.ensure_funder(org)
    budget = make_budget(funder, 10_000)
    source = make_budget(funder, 100_000, name="voor het recht")
    holder = make_person(employer=org)  # an employer deposits to its own people only
    right = services.deposit(actor=ACTOR, budget=source, person=holder, amount=Money(10_000), on=ON)
    people = [make_person(employer=org) for _ in range(WORKERS // 2)]
    refused: list[int] = []  # statuses of refused requests: only "not enough money" (422)

    def work(i: int) -> tuple[int | None, int | None]:
        # Two workers share each key: the second is a retry of the first, racing it.
        reserved = deposited = None
        try:
            reserved = services.reserve(
                actor=ACTOR,
                right=right,
                amount=Money(1_000),
                on=ON,
                idempotency_key=f"res-{i // 2}",
            ).pk
        except Problem as exc:
            refused.append(exc.status)
        try:
            deposited = services.deposit(
                actor=ACTOR,
                budget=budget,
                person=people[i // 2],
                amount=Money(700),
                on=ON,
                idempotency_key=f"dep-{i // 2}",
            ).pk
        except Problem as exc:
            refused.append(exc.status)
        return reserved, deposited

    results = run_parallel(work)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    assert set(refused) <= {422}

    # the right: 16 distinct requests of 1,000 against 10,000 → exactly 10 succeed, once each
    right.refresh_from_db()  # opened once, by the first reservation
    right_account = LedgerAccount.objects.get(pk=right.account_id)
    assert right_account.balance_cents == 0
    assert LedgerTransaction.objects.filter(right=right, cause=Cause.DEPOSIT).count() == 1
    assert Reservation.objects.filter(right=right).count() == 10
    by_key = Counter(r[0] for r in results if r[0] is not None)
    assert len(by_key) == 10
    for i in range(0, WORKERS, 2):  # twins got the same answer
        assert results[i][0] == results[i + 1][0] or None in (results[i][0], results[i + 1][0])

    # the budget: 16 distinct deposits of 700 against 10,000 → exactly 14 succeed, once each
    budget.account.refresh_from_db()
    assert budget.account.balance_cents == 10_000 - 14 * 700
    assert Right.objects.filter(budget=budget).count() == 14
    assert len({r[1] for r in results if r[1] is not None}) == 14
    assert services.verify_ledger() == []


def test_parallel_api_retries_apply_once(settings: Any) -> None:
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "tests.accounts.urls"
    clear_url_caches()
    org = make_org("oo_fund", name="O&O-fonds Techniek", sector="metal")
    funder = services.ensure_funder(org)
    budget = make_budget(funder, 1_000_000)
    person = make_person()
    # a metal worker: the fund reaches the workers of its sector (accounts.reach)
    employ(person, make_org("employer", sector="metal"), cao="CAO Metaal", sector="metal")
    user = User.objects.create_user(username="fonds:x", role="fonds", organisation=org)
    body = {"deposits": [{"personId": person.pk, "amountCents": 150_000}]}

    def work(i: int) -> tuple[int, str]:
        client = Client()
        client.force_login(user)
        response = client.post(
            f"/api/v1/budgets/{budget.pk}/deposits",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": "one-deposit"},
        )
        return response.status_code, response.content.decode()

    results = run_parallel(work)
    assert {status for status, _ in results} == {201}, results[:3]
    assert len({text for _, text in results}) == 1  # every retry got the first answer
    assert deposited() == 1  # one line (or right), however many retries
    assert IdempotencyRecord.objects.count() == 1
    budget.account.refresh_from_db()
    assert budget.account.balance_cents == 1_000_000 - 150_000
