# SPDX-License-Identifier: EUPL-1.2
"""The bulk reservation (``services.reserve_many``, issue 18) against N single reservations.

Properties, on SQLite and PostgreSQL: for any rows, the bulk call writes what ``reserve``
row by row writes (balances, reservations, transactions by cause, postings, audit records)
when every single one succeeds, and when one single reservation would be refused the bulk
call is refused with the same problem and writes nothing; a right never goes below zero and
the ledger check stays clean.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llo.accounts import services
from llo.accounts.models import LedgerTransaction, Posting, Reservation, Right
from llo.core.models import AuditEntry
from llo.core.money import Money
from llo.core.problems import Problem
from tests.accounts.conftest import ACTOR, TODAY, make_budget, make_org, make_person

pytestmark = pytest.mark.django_db

DEPOSIT = 50_000


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """Four rights of 500 euro: two opened already (their own account), two never used (the
    allocator's case: a window's grant deposited a moment ago)."""
    funder = services.ensure_funder(make_org("ministry", name="OCW"))
    budget = make_budget(funder, 1_000_000)
    provider = make_org("provider", name="Academie Vakwerk")
    people = [make_person() for _ in range(4)]
    result = services.bulk_deposit(
        actor=ACTOR, budget=budget, on=TODAY, idempotency_key="world",
        rows=[services.DepositRow(DEPOSIT, person_id=p.pk, line=i) for i, p in enumerate(people)],
    )  # fmt: skip
    services.claim_rights(p.pk for p in people)
    rights = list(Right.objects.filter(deposit_id=result.transaction_id).order_by("person_id"))
    for right in rights[:2]:
        services.reserve(actor=ACTOR, right=right, amount=Money(1_000), on=TODAY, provider=provider)
    return {"rights": [r.pk for r in rights], "provider": provider.pk}


def state() -> dict[str, Any]:
    """Everything a reservation writes, without ids and times."""
    return {
        "balances": sorted(
            (r.pk, r.account.balance_cents if r.account else None)
            for r in Right.objects.select_related("account")
        ),
        "reservations": sorted(
            Reservation.objects.values_list("right_id", "amount_cents", "reference", "status")
        ),
        "transactions": Counter(LedgerTransaction.objects.values_list("cause", "amount_cents")),
        "postings": Counter(Posting.objects.values_list("account__kind", "amount_cents")),
        "audit": Counter(
            (a.action, a.actor, repr(a.after))
            for a in AuditEntry.objects.filter(action="right.reserved")
        ),
    }


def rows_of(world: dict[str, Any], asked: list[tuple[int, int]], prefix: str) -> list[Any]:
    return [
        services.ReserveRow(
            right_id=world["rights"][i], amount=Money(cents), idempotency_key=f"{prefix}{n}",
            provider_id=world["provider"], reference=f"aanvraag {n}",
        )
        for n, (i, cents) in enumerate(asked)
    ]  # fmt: skip


def one_by_one(rows: list[Any]) -> Problem | None:
    for row in rows:
        try:
            with transaction.atomic():
                services.reserve(
                    actor=ACTOR, right=Right.objects.get(pk=row.right_id),
                    amount=row.amount, on=TODAY,
                    provider=make_provider(row.provider_id), reference=row.reference,
                    idempotency_key=row.idempotency_key,
                )  # fmt: skip
        except Problem as problem:
            return problem
    return None


def make_provider(pk: int) -> Any:
    from llo.people.models import Organisation

    return Organisation.objects.get(pk=pk)


@settings(
    max_examples=25, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(asked=st.lists(st.tuples(st.integers(0, 3), st.integers(1, 30_000)), max_size=6))
def test_bulk_is_the_same_as_one_by_one(world: dict[str, Any], asked: list[tuple[int, int]]):
    rows = rows_of(world, asked, "k")
    start = state()
    with transaction.atomic():
        refused = one_by_one(rows)
        single = state()
        transaction.set_rollback(True)
    with transaction.atomic():
        problem: Problem | None = None
        try:
            made = services.reserve_many(actor=ACTOR, rows=rows, on=TODAY)
        except Problem as exc:
            problem = exc
        if problem is not None:
            assert refused is not None, "the bulk call refused what one by one allowed"
            assert (problem.status, problem.code) == (refused.status, refused.code)
            # The bulk call says what the right had before the call; one by one said what
            # was left after the rows before it.
            assert problem.extra["availableCents"] >= refused.extra["availableCents"]
            assert state() == start  # nothing written
        else:
            assert refused is None, f"one by one was refused ({refused}), the bulk call not"
            assert state() == single
            assert [r.amount_cents for r in made] == [row.amount.cents for row in rows]
            assert all(b is None or b >= 0 for _r, b in state()["balances"])
            assert services.verify_ledger() == []
        transaction.set_rollback(True)


def test_replays_with_the_same_keys_and_refuses_a_reused_one(world: dict[str, Any]) -> None:
    rows = rows_of(world, [(2, 10_000), (3, 20_000), (2, 5_000)], "r")
    first = services.reserve_many(actor=ACTOR, rows=rows, on=TODAY)
    after = state()
    again = services.reserve_many(actor=ACTOR, rows=rows, on=TODAY)
    assert [r.pk for r in again] == [r.pk for r in first]
    assert state() == after
    # reserve() with one of the keys and the same request replays the bulk one, both ways.
    one = rows[1]
    replay = services.reserve(
        actor=ACTOR, right=Right.objects.get(pk=one.right_id), amount=one.amount,
        on=TODAY, provider=make_provider(one.provider_id), reference=one.reference,
        idempotency_key=one.idempotency_key,
    )  # fmt: skip
    assert replay.pk == first[1].pk
    changed = [*rows[:2], services.ReserveRow(**{**rows[2].__dict__, "amount": Money(5_001)})]
    with pytest.raises(Problem) as info:
        services.reserve_many(actor=ACTOR, rows=changed, on=TODAY)
    assert info.value.status == 409
    assert state() == after
    assert services.verify_ledger() == []


def test_a_right_not_usable_refuses_the_whole_call(world: dict[str, Any]) -> None:
    Right.objects.filter(pk=world["rights"][3]).update(status="expired")
    start = state()
    with pytest.raises(Problem) as info:
        services.reserve_many(actor=ACTOR, rows=rows_of(world, [(2, 100), (3, 100)], "x"), on=TODAY)
    assert info.value.code == "right-not-active"
    assert state() == start


def test_statements_do_not_grow_with_the_rows(world: dict[str, Any]) -> None:
    """Set-based: 6 reservations from two rights take as many statements as 2 (on SQLite one
    balance update per account, on PostgreSQL one for all)."""

    def count(asked: list[tuple[int, int]], prefix: str) -> int:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            services.reserve_many(actor=ACTOR, rows=rows_of(world, asked, prefix), on=TODAY)
            transaction.set_rollback(True)
        return len(queries.captured_queries)

    few = count([(2, 100), (3, 100)], "a")
    assert few == count([(2, 100), (3, 100), (2, 50), (3, 50), (2, 1), (3, 1)], "b")
