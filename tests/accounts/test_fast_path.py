# SPDX-License-Identifier: EUPL-1.2
"""PostgreSQL: reserve and pay in one round trip write exactly what the Python path writes.

``sql/ledger_fast_path.sql`` (called by ``store.fastpath``) repeats in the database what
``services.reserve`` and ``services.pay_provider`` do, for the common case. These tests run
both paths on the same start and compare every row they write; the stateful and concurrency
tests run on the fast path as well.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from llo.accounts import services
from llo.accounts.models import LedgerAccount, LedgerTransaction, Posting, Reservation, Right
from llo.accounts.store import fastpath
from llo.core import audit
from llo.core.models import AuditEntry
from llo.core.money import Money
from llo.core.problems import Problem
from tests.accounts.conftest import ACTOR, TODAY, make_budget, make_org, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture
def setup(db: None) -> dict[str, Any]:
    # a state scheme reaches anyone its person conditions fit (accounts.reach); this budget
    # has none, so two plain persons, with no job that could change the right's path
    funder = services.ensure_funder(make_org("ministry", name="OCW"))
    budget = make_budget(funder, 1_000_000)
    provider = make_org("provider", name="Opleider")
    rights = [
        services.deposit(
            actor=ACTOR, budget=budget, person=make_person(), amount=Money(50_000), on=TODAY
        )
        for _ in range(2)
    ]
    for right in rights:  # open them and give the provider its account: the slow parts
        first = services.reserve(
            actor=ACTOR, right=right, amount=Money(1_000), on=TODAY, provider=provider
        )
        services.pay_provider(actor=ACTOR, reservation=first, on=TODAY)
        right.refresh_from_db()
    return {"rights": rights, "provider": provider}


def written(since: dict[str, int]) -> dict[str, list[tuple[Any, ...]]]:
    """The rows written after ``since`` (ids per table), without ids and times."""
    txns = LedgerTransaction.objects.filter(pk__gt=since["txn"]).order_by("pk")
    return {
        "transactions": [
            (t.cause, t.effective_date, t.actor, t.memo, t.budget_id, t.count, t.amount_cents)
            for t in txns
        ],
        "postings": [
            (p.account.kind, p.amount_cents)
            for p in Posting.objects.filter(transaction__in=txns)
            .select_related("account")
            .order_by("pk")
        ],
        "audit": [
            (
                a.actor,
                a.role,
                a.organisation,
                a.action,
                a.subject_type,
                a.purpose,
                a.before,
                without_right(a.after),
            )
            for a in AuditEntry.objects.filter(pk__gt=since["audit"]).order_by("pk")
        ],
        "reservations": [
            (r.amount_cents, r.status, r.reference, r.provider_id)
            for r in Reservation.objects.filter(pk__gt=since["reservation"]).order_by("pk")
        ],
    }


def without_right(after: Any) -> Any:
    """The two runs reserve from two rights: their ids differ, the rest must not."""
    if isinstance(after, dict) and "right" in after:
        return {**after, "right": "a right"}
    return after


def marks() -> dict[str, int]:
    def last(model: Any) -> int:
        return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    return {
        "txn": last(LedgerTransaction),
        "audit": last(AuditEntry),
        "reservation": last(Reservation),
    }


#: An actor acting for an organisation: the audit entry names its KvK number on both paths.
PROVIDER_ACTOR = audit.Actor("user:7", "opleider", organisation="12345678")


def reserve_and_pay(right: Right, provider: Any, prefix: str) -> None:
    res = services.reserve(
        actor=PROVIDER_ACTOR, right=right, amount=Money(5_000), on=TODAY, provider=provider,
        reference="training 1", idempotency_key=f"{prefix}-r",
    )  # fmt: skip
    services.pay_provider(
        actor=PROVIDER_ACTOR, reservation=res, amount=Money(2_000), on=TODAY,
        idempotency_key=f"{prefix}-a",
    )  # fmt: skip
    services.pay_provider(actor=ACTOR, reservation=res, on=TODAY, idempotency_key=f"{prefix}-b")


def statements(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"].split("(")[0]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_one_round_trip_each(setup: dict[str, Any]) -> None:
    right, provider = setup["rights"][0], setup["provider"]
    with CaptureQueriesContext(connection) as reserving:
        res = services.reserve(
            actor=ACTOR, right=right, amount=Money(5_000), on=TODAY, provider=provider
        )
    with CaptureQueriesContext(connection) as paying:
        txn = services.pay_provider(actor=ACTOR, reservation=res, on=TODAY)
    # Inside the test's transaction the call gets a savepoint around it; on its own (a web
    # request in autocommit) it is the one statement of its transaction.
    assert statements(reserving) == ["SELECT * FROM llo_ledger_reserve"]
    assert statements(paying) == ["SELECT * FROM llo_ledger_pay"]
    # The objects returned are the stored ones.
    assert Reservation.objects.get(pk=res.pk).account_id == res.account_id
    stored = LedgerTransaction.objects.get(pk=txn.pk)
    assert (stored.amount_cents, stored.budget_id, stored.memo) == (
        txn.amount_cents,
        txn.budget_id,
        txn.memo,
    )
    res.refresh_from_db()
    assert res.status == "closed"
    assert services.verify_ledger() == []


def test_the_fast_path_is_bound_and_prepared_by_the_server(setup: dict[str, Any]) -> None:
    """Its values travel apart from the statement, and after a few calls the connection has
    prepared the statement, so PostgreSQL no longer parses and plans each call."""
    right, provider = setup["rights"][0], setup["provider"]
    with CaptureQueriesContext(connection) as reserving:
        res = services.reserve(
            actor=ACTOR, right=right, amount=Money(100), on=TODAY, provider=provider,
            reference="O'Brien; DROP TABLE x",
        )  # fmt: skip
    assert "O'Brien" not in reserving.captured_queries[-1]["sql"]
    assert res.reference == "O'Brien; DROP TABLE x"
    assert Reservation.objects.get(pk=res.pk).reference == "O'Brien; DROP TABLE x"
    for _ in range(connection.connection.prepare_threshold or 0):
        services.reserve(actor=ACTOR, right=right, amount=Money(100), on=TODAY, provider=provider)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("llo_ledger_reserve" in statement for statement in prepared), prepared
    # Django's own cursors stay as they were: bound on the client, never prepared.
    assert not any("accounts_" in statement for statement in prepared), prepared


def test_fast_and_python_paths_write_the_same_rows(
    setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast_right, slow_right = setup["rights"]
    provider = setup["provider"]
    before = marks()
    reserve_and_pay(fast_right, provider, "fast")
    fast = written(before)
    before = marks()
    monkeypatch.setattr(fastpath, "call", lambda sql, params: ("slow",))
    reserve_and_pay(slow_right, provider, "slow")
    slow = written(before)
    assert fast == slow
    assert len(fast["transactions"]) == 3
    fast_right.refresh_from_db()
    slow_right.refresh_from_db()
    assert fast_right.balance_cents == slow_right.balance_cents == 50_000 - 1_000 - 5_000
    assert services.verify_ledger() == []


def test_replay_and_reused_key_on_the_fast_path(setup: dict[str, Any]) -> None:
    right, provider = setup["rights"][0], setup["provider"]
    first = services.reserve(
        actor=ACTOR, right=right, amount=Money(700), on=TODAY, provider=provider,
        idempotency_key="k1",
    )  # fmt: skip
    again = services.reserve(
        actor=ACTOR, right=right, amount=Money(700), on=TODAY, provider=provider,
        idempotency_key="k1",
    )  # fmt: skip
    assert again.pk == first.pk
    with pytest.raises(Problem) as info:
        services.reserve(
            actor=ACTOR, right=right, amount=Money(800), on=TODAY, idempotency_key="k1"
        )
    assert info.value.status == 409
    paid = services.pay_provider(actor=ACTOR, reservation=first, on=TODAY, idempotency_key="p1")
    assert (
        services.pay_provider(actor=ACTOR, reservation=first, on=TODAY, idempotency_key="p1").pk
        == paid.pk
    )
    assert LedgerAccount.objects.get(pk=first.account_id).balance_cents == 0


def test_too_little_money_is_explained_by_the_python_path(setup: dict[str, Any]) -> None:
    right = setup["rights"][0]
    with pytest.raises(Problem) as info:
        services.reserve(actor=ACTOR, right=right, amount=Money(49_001), on=TODAY)
    assert info.value.code == "insufficient-balance"
    assert info.value.extra["availableCents"] == 49_000
