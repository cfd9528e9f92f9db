# SPDX-License-Identifier: EUPL-1.2
"""The operations on learning accounts: each atomic, audited, idempotent; no cent lost."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from llo.accounts import selectors, services
from llo.accounts.ledger import AccountKind, Cause
from llo.accounts.models import (
    DepositLine,
    LedgerAccount,
    LedgerTransaction,
    Posting,
    ReservationStatus,
    Right,
    RightStatus,
)
from llo.accounts.services import BulkMode, DepositRow, TransferOutcome
from llo.core.models import AuditEntry
from llo.core.money import Money, MoneyError
from llo.core.problems import Problem
from tests.accounts.conftest import (
    ACTOR,
    TODAY,
    deposited,
    employ,
    make_budget,
    make_org,
    make_person,
)

pytestmark = pytest.mark.django_db


def total_funded() -> int:
    return -sum(
        LedgerAccount.objects.filter(kind=AccountKind.SOURCE).values_list(
            "balance_cents", flat=True
        )
    )


def held() -> int:
    return sum(
        LedgerAccount.objects.exclude(kind=AccountKind.SOURCE).values_list(
            "balance_cents", flat=True
        )
    )


def balance(right: Right) -> int | None:
    right.refresh_from_db()
    return right.balance_cents


def assert_consistent() -> None:
    assert services.verify_ledger() == []
    assert total_funded() == held()


def test_budget_creation_is_a_balanced_funding_transaction(budget) -> None:
    txn = LedgerTransaction.objects.get(budget=budget, cause=Cause.FUNDING)
    assert sorted(txn.postings.values_list("amount_cents", flat=True)) == [-1_000_000, 1_000_000]
    assert budget.account.balance_cents == 1_000_000
    assert AuditEntry.objects.filter(action="budget.created", subject_id=str(budget.pk)).exists()
    assert_consistent()


def test_deposit_makes_a_right_with_its_own_expiry(budget, person) -> None:
    right = services.deposit(
        actor=ACTOR, budget=budget, person=person, amount=Money(40_000), on=TODAY
    )
    assert right.person == person
    assert balance(right) == 40_000
    assert right.account is None  # its own account comes with the first use
    assert right.valid_until == dt.date(2028, 3, 1)  # 24 months
    assert right.conditions == budget.conditions
    budget.account.refresh_from_db()
    assert budget.account.balance_cents == 1_000_000 - 40_000
    assert AuditEntry.objects.filter(action="budget.deposited").count() == 1
    assert_consistent()


@pytest.mark.parametrize("cents", [0, -100])
def test_amounts_that_move_nothing_are_refused(budget, person, cents) -> None:
    with pytest.raises(Problem) as info:
        services.deposit(actor=ACTOR, budget=budget, person=person, amount=Money(cents), on=TODAY)
    assert info.value.status == 400
    assert info.value.invalid_params[0].name == "amountCents"
    assert deposited() == 0


@pytest.mark.parametrize("amount", [12.5, "100", True, None])
def test_a_use_case_takes_money_not_numbers(budget, person, amount) -> None:
    """Whole cents are Money's promise: what is not whole cents never becomes Money, and a use
    case given anything else refuses it before it touches the ledger."""
    with pytest.raises(MoneyError):
        Money(amount)
    with pytest.raises(TypeError):
        services.deposit(actor=ACTOR, budget=budget, person=person, amount=amount, on=TODAY)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        services.deposit(actor=ACTOR, budget=budget, person=person, amount=1000, on=TODAY)  # type: ignore[arg-type]
    assert deposited() == 0


def test_unknown_person_is_named(budget) -> None:
    with pytest.raises(Problem) as info:
        services.bulk_deposit(
            actor=ACTOR, budget=budget, rows=[DepositRow(100, person_id=999_999, line=1)], on=TODAY
        )
    assert info.value.status == 400
    assert info.value.invalid_params[0].name == "line 1: person"
    assert deposited() == 0


def test_deposit_beyond_the_budget_is_rejected_whole(funder, persons) -> None:
    small = make_budget(funder, 100_000)
    people = persons(3)
    rows = [DepositRow(40_000, person_id=p.pk, line=i) for i, p in enumerate(people, start=2)]
    with pytest.raises(Problem) as info:
        services.bulk_deposit(actor=ACTOR, budget=small, rows=rows, on=TODAY)
    assert info.value.status == 422
    assert info.value.code == "budget-exceeded"
    assert info.value.extra["availableCents"] == 100_000
    assert deposited() == 0
    small.account.refresh_from_db()
    assert small.account.balance_cents == 100_000
    assert_consistent()


def test_all_or_nothing_names_every_bad_row_and_writes_nothing(budget, persons) -> None:
    a, b = persons(2)
    rows = [
        DepositRow(40_000, person_id=a.pk, line=2),
        DepositRow(0, person_id=b.pk, line=3),
        DepositRow(40_000, person_id=424242, line=4),
        DepositRow(40_000, person_id=a.pk, line=5),
    ]
    with pytest.raises(Problem) as info:
        services.bulk_deposit(actor=ACTOR, budget=budget, rows=rows, on=TODAY)
    names = [p.name for p in info.value.invalid_params]
    assert names == ["line 3: amount", "line 4: person", "line 5: person"]
    assert deposited() == 0


def test_partial_mode_writes_good_rows_and_reports_the_rest(budget, persons) -> None:
    a, b = persons(2)
    rows = [
        DepositRow(40_000, person_id=a.pk, line=2),
        DepositRow(-5, person_id=b.pk, line=3),
        DepositRow(40_000, bsn="999990019", line=4),
    ]
    result = services.bulk_deposit(
        actor=ACTOR, budget=budget, rows=rows, on=TODAY, mode=BulkMode.PARTIAL
    )
    assert result.created == 1
    assert result.total_cents == 40_000
    assert [(e.line, e.field) for e in result.rejected] == [(3, "amount"), (4, "bsn")]
    assert services.claim_rights([a.pk]) == 1
    assert Right.objects.get().person == a
    assert_consistent()


def test_bulk_deposit_by_bsn_and_idempotent_replay(budget, persons) -> None:
    people = persons(5)
    rows = [DepositRow(10_000, bsn=p.bsn, line=i) for i, p in enumerate(people, start=2)]
    first = services.bulk_deposit(
        actor=ACTOR, budget=budget, rows=rows, on=TODAY, idempotency_key="bulk-1", chunk=2
    )
    again = services.bulk_deposit(
        actor=ACTOR, budget=budget, rows=rows, on=TODAY, idempotency_key="bulk-1", chunk=2
    )
    assert (first.created, first.total_cents, first.replayed) == (5, 50_000, False)
    assert (again.transaction_id, again.replayed) == (first.transaction_id, True)
    assert deposited() == 5
    txn = LedgerTransaction.objects.get(pk=first.transaction_id)
    # One transaction of two postings: budget → pool; each right holds its part until used.
    assert sorted(txn.postings.values_list("amount_cents", flat=True)) == [-50_000, 50_000]
    assert set(DepositLine.objects.values_list("deposit_id", "cents")) == {(txn.pk, 10_000)}
    assert_consistent()
    with pytest.raises(Problem) as info:
        services.bulk_deposit(
            actor=ACTOR, budget=budget, rows=rows[:2], on=TODAY, idempotency_key="bulk-1"
        )
    assert info.value.status == 409


def test_deposit_outside_the_budget_period_is_refused(budget, person) -> None:
    with pytest.raises(Problem) as info:
        services.deposit(
            actor=ACTOR, budget=budget, person=person, amount=Money(100), on=dt.date(2027, 1, 1)
        )
    assert info.value.code == "budget-closed"


def test_reserve_release_pay_and_claw_back(budget, person, provider) -> None:
    right = services.deposit(
        actor=ACTOR, budget=budget, person=person, amount=Money(50_000), on=TODAY
    )
    res = services.reserve(
        actor=ACTOR,
        right=right,
        amount=Money(30_000),
        on=TODAY,
        provider=provider,
        reference="enrolment 1",
    )
    assert balance(right) == 20_000
    assert res.account.balance_cents == 30_000
    services.release(actor=ACTOR, reservation=res, amount=Money(5_000), on=TODAY)
    services.pay_provider(actor=ACTOR, reservation=res, amount=Money(10_000), on=TODAY)  # advance
    services.pay_provider(actor=ACTOR, reservation=res, on=TODAY)  # the rest: 15,000
    res.refresh_from_db()
    assert res.status == ReservationStatus.CLOSED
    assert services.paid_for(res) == 25_000
    with pytest.raises(Problem) as info:
        services.claw_back(actor=ACTOR, reservation=res, amount=Money(25_001), on=TODAY)
    assert info.value.code == "claw-back-exceeds-payment"
    services.claw_back(actor=ACTOR, reservation=res, amount=Money(25_000), on=TODAY)
    assert balance(right) == 20_000 + 5_000 + 25_000
    use = services.budget_use(budget, on=TODAY)
    assert use.total == use.left + use.in_rights + use.reserved + use.paid + use.returned
    assert use.paid == 0
    assert_consistent()


def test_reserve_more_than_the_balance_is_refused(budget, person) -> None:
    right = services.deposit(
        actor=ACTOR, budget=budget, person=person, amount=Money(10_000), on=TODAY
    )
    with pytest.raises(Problem) as info:
        services.reserve(actor=ACTOR, right=right, amount=Money(10_001), on=TODAY)
    assert info.value.status == 422
    assert info.value.extra["availableCents"] == 10_000
    assert LedgerAccount.objects.filter(kind=AccountKind.RESERVATION).count() == 0
    assert_consistent()


def test_reserve_replays_with_the_same_key(budget, person) -> None:
    right = services.deposit(
        actor=ACTOR, budget=budget, person=person, amount=Money(10_000), on=TODAY
    )
    a = services.reserve(
        actor=ACTOR, right=right, amount=Money(6_000), on=TODAY, idempotency_key="r1"
    )
    b = services.reserve(
        actor=ACTOR, right=right, amount=Money(6_000), on=TODAY, idempotency_key="r1"
    )
    assert a.pk == b.pk
    assert balance(right) == 4_000
    with pytest.raises(Problem) as info:
        services.reserve(
            actor=ACTOR, right=right, amount=Money(1_000), on=TODAY, idempotency_key="r1"
        )
    assert info.value.code == "idempotency-key-reused"


def test_expiry_returns_money_to_the_funder(budget, person, funder) -> None:
    right = services.deposit(
        actor=ACTOR,
        budget=budget,
        person=person,
        amount=Money(40_000),
        on=TODAY,
        valid_until=dt.date(2026, 6, 30),
    )
    res = services.reserve(actor=ACTOR, right=right, amount=Money(10_000), on=TODAY)
    report = services.expire_all(actor=ACTOR, on=dt.date(2026, 7, 1))
    assert (report.rights, report.returned_cents) == (1, 30_000)
    right.refresh_from_db()
    assert right.status == RightStatus.EXPIRED
    returned = LedgerAccount.objects.get(funder=funder, kind=AccountKind.RETURNED)
    assert returned.balance_cents == 30_000
    # the reservation outlived its right: released money goes to the funder too
    services.release(actor=ACTOR, reservation=res, on=dt.date(2026, 7, 2))
    returned.refresh_from_db()
    assert returned.balance_cents == 40_000
    # running again changes nothing
    assert services.expire_all(actor=ACTOR, on=dt.date(2026, 7, 3)).returned_cents == 0
    assert_consistent()


def test_budget_expiry_returns_what_was_not_given_out(budget, person) -> None:
    services.deposit(actor=ACTOR, budget=budget, person=person, amount=Money(40_000), on=TODAY)
    report = services.expire_all(actor=ACTOR, on=dt.date(2027, 1, 1))
    assert report.budgets == 1
    assert report.returned_cents == 1_000_000 - 40_000
    use = services.budget_use(budget, on=dt.date(2027, 1, 1))
    assert use.left == 0
    assert use.returned == 960_000
    assert_consistent()


# --- change of employer (seed 002) --------------------------------------------------------


@pytest.fixture
def portable(funder, person, employer):
    employ(person, employer, cao="CAO Bakkers")
    budget = make_budget(funder, portability="cao")
    return services.deposit(
        actor=ACTOR, budget=budget, person=person, amount=Money(80_000), on=TODAY
    )


def test_right_of_an_employee_remembers_the_job_and_cao(portable, employer) -> None:
    assert portable.employment.employer == employer
    assert portable.cao == "CAO Bakkers"


def test_same_cao_moves_the_right_to_the_new_employer(portable, person) -> None:
    new = employ(
        person, make_org("employer", name="Bakkerij Noord"), cao="CAO Bakkers", start=TODAY
    )
    result = services.transfer_on_change_of_employer(
        actor=ACTOR, right=portable, new_employment=new, on=TODAY
    )
    assert result.outcome == TransferOutcome.SAME_CAO
    assert result.right.funder.organisation == new.employer
    assert result.right.account.balance_cents == 80_000
    assert result.right.transferred_from == portable
    portable.refresh_from_db()
    assert portable.status == RightStatus.TRANSFERRED
    assert portable.account.balance_cents == 0
    assert LedgerTransaction.objects.filter(cause=Cause.TRANSFER).count() == 1
    assert_consistent()


def test_other_cao_needs_both_employers_to_agree(portable, person) -> None:
    new = employ(person, make_org("employer"), cao="CAO Metaal", sector="metal", start=TODAY)
    agreed = services.transfer_on_change_of_employer(
        actor=ACTOR, right=portable, new_employment=new, employers_agree=True, on=TODAY
    )
    assert agreed.outcome == TransferOutcome.BY_AGREEMENT
    assert agreed.right.cao == "CAO Metaal"
    assert_consistent()


def test_other_cao_without_agreement_keeps_it_for_a_future_occupation(portable, person) -> None:
    new = employ(person, make_org("employer"), cao="CAO Metaal", sector="metal", start=TODAY)
    result = services.transfer_on_change_of_employer(
        actor=ACTOR, right=portable, new_employment=new, on=TODAY
    )
    assert result.outcome == TransferOutcome.FUTURE_OCCUPATION
    assert result.right.conditions["purposes"] == ["switch"]
    assert result.right.funder == portable.funder


def test_no_new_employer_keeps_it_for_a_future_occupation(portable) -> None:
    result = services.transfer_on_change_of_employer(
        actor=ACTOR, right=portable, new_employment=None, on=TODAY, idempotency_key="t1"
    )
    assert result.outcome == TransferOutcome.FUTURE_OCCUPATION
    assert result.right.portability == "person"
    assert result.right.employment is None
    again = services.transfer_on_change_of_employer(
        actor=ACTOR, right=portable, new_employment=None, on=TODAY, idempotency_key="t1"
    )
    assert again.right.pk == result.right.pk
    assert_consistent()


def test_not_portable_goes_back_to_the_funder(funder, person, employer) -> None:
    employ(person, employer)
    budget = make_budget(funder, portability="none")
    right = services.deposit(
        actor=ACTOR, budget=budget, person=person, amount=Money(10_000), on=TODAY
    )
    result = services.transfer_on_change_of_employer(
        actor=ACTOR, right=right, new_employment=None, on=TODAY
    )
    assert result.outcome == TransferOutcome.RETURNED
    assert (
        LedgerAccount.objects.get(funder=funder, kind=AccountKind.RETURNED).balance_cents == 10_000
    )
    assert_consistent()


def test_public_money_does_not_move(person) -> None:
    gemeente = services.ensure_funder(make_org("municipality", name="Gemeente Rotterdam"))
    budget = make_budget(gemeente)
    right = services.deposit(
        actor=ACTOR, budget=budget, person=person, amount=Money(10_000), on=TODAY
    )
    result = services.transfer_on_change_of_employer(
        actor=ACTOR, right=right, new_employment=None, on=TODAY
    )
    assert result.outcome == TransferOutcome.UNCHANGED


# --- the ledger protects itself ----------------------------------------------------------------


def test_postings_cannot_be_changed_in_the_database(budget) -> None:
    posting = Posting.objects.first()
    assert posting is not None
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_posting SET amount_cents = 1 WHERE id = %s", [posting.pk])
    with pytest.raises(TypeError):
        posting.save()
    with pytest.raises(TypeError):
        LedgerTransaction.objects.filter(pk=posting.transaction_id).update(memo="x")


def test_a_balance_below_its_floor_is_refused_by_the_database(budget) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=budget.account_id).update(balance_cents=-1)


def test_verify_ledger_finds_a_wrong_cached_balance(budget) -> None:
    LedgerAccount.objects.filter(pk=budget.account_id).update(balance_cents=5)
    problems = services.verify_ledger()
    assert [(m.account_id, m.cached, m.from_postings) for m in problems] == [
        (budget.account_id, 5, 1_000_000)
    ]


def test_budget_use_per_member_firm(funder, persons) -> None:
    fund = services.ensure_funder(make_org("oo_fund", name="O&O-fonds Techniek", sector="metal"))
    budget = make_budget(fund, portability="cao")
    firm_a, firm_b = make_org("employer", name="A"), make_org("employer", name="B")
    people = persons(3)
    employ(people[0], firm_a, cao="Metaal", sector="metal")
    employ(people[1], firm_a, cao="Metaal", sector="metal")
    employ(people[2], firm_b, cao="Metaal", sector="metal")
    services.bulk_deposit(
        actor=ACTOR,
        budget=budget,
        rows=[DepositRow(150_000, person_id=p.pk, line=i) for i, p in enumerate(people)],
        on=TODAY,
    )
    assert services.use_by_employer(budget) == [("A", 2, 300_000, 0, 0), ("B", 1, 150_000, 0, 0)]
    # Use, not only deposits: a reservation of a worker of A, then its payment.
    right = next(iter(selectors.rights_of(people[0].pk)))
    reservation = services.reserve(
        actor=ACTOR, right=right, amount=Money(40_000), on=TODAY,
        provider=make_org("provider", name="Opleider"), reference="test",
    )  # fmt: skip
    assert services.use_by_employer(budget)[0][3:] == (40_000, 0)
    services.pay_provider(actor=ACTOR, reservation=reservation, on=TODAY)
    assert services.use_by_employer(budget) == [
        ("A", 2, 300_000, 0, 40_000),
        ("B", 1, 150_000, 0, 0),
    ]


def test_reach_of_an_employer_is_its_employees(funder, employer) -> None:
    a, b = make_person(), make_person()
    employ(a, employer)
    assert list(services.reach_of(funder, TODAY)) == [a]
    assert b not in services.reach_of(funder, TODAY)


def test_ensure_funder_refuses_a_provider(provider) -> None:
    with pytest.raises(Problem):
        services.ensure_funder(provider)


def test_make_person_helper_is_findable_by_bsn() -> None:
    p = make_person()
    from llo.people.models import Person

    assert Person.objects.by_bsn(p.bsn) == p
