# SPDX-License-Identifier: EUPL-1.2
"""No money lost: random sequences of every ledger operation against a plain model.

Hypothesis drives deposits, bulk deposits, reservations, releases, payments, claw-backs,
expiry (with the clock moving on), transfers on change of employer (seed 002) and retries with
the same idempotency key. After every step the database and a dict-based model agree on every
balance, every cached balance equals the sum of its postings, and money is conserved:

    funded = budgets + rights + deposit lines not read yet + reserved + paid + returned

Bulk deposits leave their lines unread until a person reads their rights (or makes a single
deposit, which reads them), so rights are made from lines in between everything else, and
lines nobody read expire with the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from llo.accounts import services
from llo.accounts.ledger import AccountKind
from llo.accounts.models import Budget, DepositLine, LedgerAccount, Reservation, Right
from llo.accounts.services import DepositRow, TransferOutcome
from llo.core.money import Money
from llo.core.problems import Problem
from tests.accounts.conftest import ACTOR, employ, make_org, make_person

START = dt.date(2026, 1, 1)
CAO = "CAO Bakkers"


class LedgerMachine(RuleBasedStateMachine):
    budgets = Bundle("budgets")
    rights = Bundle("rights")
    reservations = Bundle("reservations")

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.today = START
        old, new = make_org("employer", name="Oud"), make_org("employer", name="Nieuw")
        self.funder = services.ensure_funder(old)
        self.funder2 = services.ensure_funder(new)
        self.provider = make_org("provider", name="Opleider")
        self.persons = [make_person() for _ in range(3)]
        self.new_jobs = {}
        for p in self.persons:
            employ(p, old, cao=CAO)
            self.new_jobs[p.pk] = employ(p, new, cao=CAO)
        self.keys = 0
        self.last: Callable[[], Any] | None = None
        # --- the model: plain dicts of cents ---------------------------------------------
        self.funded = 0
        self.budget_bal: dict[int, int] = {}
        self.budget_end: dict[int, dt.date] = {}
        self.right_bal: dict[int, int] = {}
        self.right_until: dict[int, dt.date] = {}
        self.right_funder: dict[int, int] = {}
        self.right_active: dict[int, bool] = {}
        self.right_portable: dict[int, bool] = {}
        self.res_bal: dict[int, int] = {}
        self.res_right: dict[int, int] = {}
        self.res_paid: dict[int, int] = {}
        self.provider_bal = 0
        self.returned: dict[int, int] = {self.funder.pk: 0, self.funder2.pk: 0}
        # Deposit lines nobody has read yet: (deposit, person) → (cents, last day).
        self.pending: dict[tuple[int, int], tuple[int, dt.date]] = {}

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def key(self) -> str:
        self.keys += 1
        return f"k{self.keys}"

    def refused(self, fn: Callable[[], Any], status: int = 422) -> None:
        with pytest.raises(Problem) as info:
            fn()
        assert info.value.status == status, info.value

    def usable(self, right: int) -> bool:
        return self.right_active[right] and self.right_until[right] >= self.today

    def back_to(self, right: int) -> tuple[str, int]:
        return ("right", right) if self.usable(right) else ("returned", self.right_funder[right])

    def credit(self, target: tuple[str, int], cents: int) -> None:
        kind, ident = target
        if kind == "right":
            self.right_bal[ident] += cents
        else:
            self.returned[ident] += cents

    # --- rules ------------------------------------------------------------------------------

    @precondition(lambda self: len(self.budget_bal) < 3)
    @rule(target=budgets, total=st.integers(1, 400_000), days=st.integers(0, 365))
    def create_budget(self, total: int, days: int) -> int:
        budget = services.create_budget(
            actor=ACTOR,
            funder=self.funder,
            name="b",
            total=Money(total),
            period_start=self.today,
            period_end=self.today + dt.timedelta(days=days),
            portability="cao",
            idempotency_key=self.key(),
        )
        self.funded += total
        self.budget_bal[budget.pk] = total
        self.budget_end[budget.pk] = budget.period_end
        return budget.pk

    def _deposit_model(
        self, budget: int, amounts: list[int], right_ids: list[int], until: dt.date
    ) -> None:
        self.budget_bal[budget] -= sum(amounts)
        for rid, cents in zip(right_ids, amounts, strict=True):
            self.right_bal[rid] = cents
            self.right_until[rid] = until
            self.right_funder[rid] = self.funder.pk
            self.right_active[rid] = True
            self.right_portable[rid] = True

    @rule(
        target=rights,
        budget=budgets,
        who=st.integers(0, 2),
        amount=st.integers(1, 80_000),
        days=st.integers(0, 120),
    )
    def deposit(self, budget: int, who: int, amount: int, days: int) -> Any:
        b = Budget.objects.get(pk=budget)
        until = self.today + dt.timedelta(days=days)
        key = self.key()

        def call() -> Right:
            return services.deposit(
                actor=ACTOR,
                budget=b,
                person=self.persons[who],
                amount=Money(amount),
                on=self.today,
                valid_until=until,
                idempotency_key=key,
            )

        if self.today > self.budget_end[budget] or amount > self.budget_bal[budget]:
            self.refused(call)
            return multiple()
        right = call()
        self._deposit_model(budget, [amount], [right.pk], until)
        self.last = call
        # The deposit reads the person's rights: their lines waiting became rights too.
        return multiple(right.pk, *self._claimed(self.persons[who].pk))

    @rule(target=rights, budget=budgets, amount=st.integers(1, 50_000), n=st.integers(1, 3))
    def bulk_deposit(self, budget: int, amount: int, n: int) -> Any:
        b = Budget.objects.get(pk=budget)
        until = self.today + dt.timedelta(days=60)
        rows = [
            DepositRow(amount, bsn=p.bsn, valid_until=until, line=i)
            for i, p in enumerate(self.persons[:n])
        ]
        key = self.key()

        def call() -> services.BulkResult:
            return services.bulk_deposit(
                actor=ACTOR, budget=b, rows=rows, on=self.today, idempotency_key=key
            )

        if self.today > self.budget_end[budget] or amount * n > self.budget_bal[budget]:
            self.refused(call)
            return multiple()
        result = call()
        assert result.transaction_id is not None
        # One line per person; nobody has read them yet.
        self.budget_bal[budget] -= amount * n
        for p in self.persons[:n]:
            self.pending[(result.transaction_id, p.pk)] = (amount, until)
        self.last = call
        return multiple()

    def _claimed(self, person_id: int) -> list[int]:
        """The model's side of a read: the person's waiting lines are rights now."""
        made = []
        for deposit_id, pid in sorted(self.pending):
            if pid != person_id:
                continue
            cents, until = self.pending.pop((deposit_id, pid))
            right = Right.objects.get(person_id=pid, deposit_id=deposit_id)
            self._deposit_model_right(right.pk, cents, until)
            made.append(right.pk)
        return made

    def _deposit_model_right(self, rid: int, cents: int, until: dt.date) -> None:
        self.right_bal[rid] = cents
        self.right_until[rid] = until
        self.right_funder[rid] = self.funder.pk
        self.right_active[rid] = True
        self.right_portable[rid] = True

    @rule(target=rights, who=st.integers(0, 2))
    def person_reads_their_rights(self, who: int) -> Any:
        person = self.persons[who]
        made = services.claim_rights([person.pk])
        ids = self._claimed(person.pk)
        assert made == len(ids)
        return multiple(*ids)

    @rule(target=reservations, right=rights, amount=st.integers(1, 60_000))
    def reserve(self, right: int, amount: int) -> Any:
        r = Right.objects.get(pk=right)
        key = self.key()

        def call() -> Any:
            return services.reserve(
                actor=ACTOR,
                right=r,
                amount=Money(amount),
                on=self.today,
                provider=self.provider,
                idempotency_key=key,
            )

        if not self.usable(right) or amount > self.right_bal[right]:
            self.refused(call)
            return multiple()
        res = call()
        self.right_bal[right] -= amount
        self.res_bal[res.pk] = amount
        self.res_right[res.pk] = right
        self.res_paid[res.pk] = 0
        self.last = call
        return res.pk

    @rule(reservation=reservations, part=st.none() | st.integers(1, 40_000))
    def release(self, reservation: int, part: int | None) -> None:
        res = Reservation.objects.get(pk=reservation)
        key = self.key()

        def call() -> Any:
            return services.release(
                actor=ACTOR,
                reservation=res,
                amount=Money.optional(part),
                on=self.today,
                idempotency_key=key,
            )

        cents = self.res_bal[reservation] if part is None else part
        if cents == 0 or cents > self.res_bal[reservation]:
            self.refused(call)
            return
        call()
        self.res_bal[reservation] -= cents
        self.credit(self.back_to(self.res_right[reservation]), cents)
        self.last = call

    @rule(reservation=reservations, part=st.none() | st.integers(1, 40_000))
    def pay(self, reservation: int, part: int | None) -> None:
        res = Reservation.objects.get(pk=reservation)
        key = self.key()

        def call() -> Any:
            return services.pay_provider(
                actor=ACTOR,
                reservation=res,
                amount=Money.optional(part),
                on=self.today,
                idempotency_key=key,
            )

        cents = self.res_bal[reservation] if part is None else part
        if cents == 0 or cents > self.res_bal[reservation]:
            self.refused(call)
            return
        call()
        self.res_bal[reservation] -= cents
        self.res_paid[reservation] += cents
        self.provider_bal += cents
        self.last = call

    @precondition(lambda self: any(self.res_paid.values()))
    @rule(reservation=reservations, amount=st.integers(1, 40_000))
    def claw_back(self, reservation: int, amount: int) -> None:
        res = Reservation.objects.get(pk=reservation)
        key = self.key()

        def call() -> Any:
            return services.claw_back(
                actor=ACTOR,
                reservation=res,
                amount=Money(amount),
                on=self.today,
                idempotency_key=key,
            )

        if amount > self.res_paid[reservation]:
            self.refused(call)
            return
        call()
        self.res_paid[reservation] -= amount
        self.provider_bal -= amount
        self.credit(self.back_to(self.res_right[reservation]), amount)
        self.last = call

    @rule(days=st.integers(1, 60))
    def time_passes_and_rights_expire(self, days: int) -> None:
        self.today += dt.timedelta(days=days)
        services.expire_all(actor=ACTOR, on=self.today)
        for key, (cents, until) in list(self.pending.items()):
            if until < self.today:  # a line never read expires like a right never used
                self.returned[self.funder.pk] += cents
                del self.pending[key]
        for rid, active in self.right_active.items():
            if active and self.right_until[rid] < self.today:
                self.returned[self.right_funder[rid]] += self.right_bal[rid]
                self.right_bal[rid] = 0
                self.right_active[rid] = False
        for bid, end in self.budget_end.items():
            if end < self.today:
                self.returned[self.funder.pk] += self.budget_bal[bid]
                self.budget_bal[bid] = 0
        self.last = None

    @rule(target=rights, right=consumes(rights), same_cao=st.booleans())
    def change_employer(self, right: int, same_cao: bool) -> Any:
        r = Right.objects.get(pk=right)
        job = self.new_jobs[r.person_id] if same_cao else None
        key = self.key()

        def call() -> services.TransferResult:
            return services.transfer_on_change_of_employer(
                actor=ACTOR, right=r, new_employment=job, on=self.today, idempotency_key=key
            )

        if not self.right_active[right]:
            self.refused(call)
            return multiple()
        result = call()
        if not self.right_portable[right]:
            assert result.outcome == TransferOutcome.UNCHANGED
            return right
        new = result.right.pk
        assert result.outcome == (
            TransferOutcome.SAME_CAO if same_cao else TransferOutcome.FUTURE_OCCUPATION
        )
        self.right_bal[new] = self.right_bal[right]
        self.right_bal[right] = 0
        self.right_until[new] = self.right_until[right]
        self.right_funder[new] = self.funder2.pk if same_cao else self.right_funder[right]
        self.right_active[new] = True
        self.right_portable[new] = same_cao
        self.right_active[right] = False
        if self.right_bal[new]:
            self.last = call
        return new

    @precondition(lambda self: self.last is not None)
    @rule()
    def retry_with_the_same_key(self) -> None:
        assert self.last is not None
        # A repeated single deposit reads the person's rights again: lines that came since
        # would become rights. Everyone's are read first, so the retry itself changes nothing.
        for p in self.persons:
            services.claim_rights([p.pk])
            self._claimed(p.pk)
        before = self.snapshot()
        self.last()
        assert self.snapshot() == before

    # --- invariants -----------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "accounts": dict(LedgerAccount.objects.values_list("pk", "balance_cents")),
            "rights": list(Right.objects.order_by("pk").values_list("pk", "account_id", "status")),
        }

    @invariant()
    def database_agrees_with_the_model(self) -> None:
        balances = self.snapshot()["accounts"]
        budgets = dict(Budget.objects.values_list("pk", "account_id"))
        for bid, cents in self.budget_bal.items():
            assert balances[budgets[bid]] == cents
        # A right's money is in its own account once used, and waits in the pool before.
        rights = {r.pk: r.balance_cents for r in Right.objects.select_related("account")}
        for rid, cents in self.right_bal.items():
            assert rights[rid] == cents, (rid, rights[rid], cents)
        reservations = dict(Reservation.objects.values_list("pk", "account_id"))
        for res, cents in self.res_bal.items():
            assert balances[reservations[res]] == cents
        returned = dict(
            LedgerAccount.objects.filter(kind=AccountKind.RETURNED).values_list(
                "funder_id", "balance_cents"
            )
        )
        assert returned == self.returned
        provider = LedgerAccount.objects.filter(kind=AccountKind.PROVIDER).values_list(
            "balance_cents", flat=True
        )
        assert sum(provider) == self.provider_bal
        lines = DepositLine.objects.values_list("deposit_id", "person_id", "cents")
        assert {(d, p): c for d, p, c in lines} == {k: v[0] for k, v in self.pending.items()}

    @invariant()
    def money_is_conserved(self) -> None:
        assert services.verify_ledger() == []
        by_kind: dict[str, int] = {}
        for kind, cents in LedgerAccount.objects.values_list("kind", "balance_cents"):
            by_kind[kind] = by_kind.get(kind, 0) + cents
        funded = -by_kind.get(AccountKind.SOURCE, 0)
        assert funded == self.funded
        held = sum(
            by_kind.get(k, 0)
            for k in ("budget", "pool", "right", "reservation", "provider", "returned")
        )
        assert funded == held
        model_held = (
            sum(self.budget_bal.values())
            + sum(self.right_bal.values())
            + sum(self.res_bal.values())
            + self.provider_bal
            + sum(self.returned.values())
            + sum(cents for cents, _until in self.pending.values())
        )
        assert model_held == self.funded


@pytest.mark.django_db
def test_no_money_lost_in_random_sequences() -> None:
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(max_examples=40, stateful_step_count=40, deadline=None, database=None),
    )
