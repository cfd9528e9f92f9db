# SPDX-License-Identifier: EUPL-1.2
"""Rights that wait in their budget's pool until first used, and the database checks of their
references (decision 004). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from llo.accounts import services
from llo.accounts.ledger import AccountKind, Cause
from llo.accounts.models import DepositLine, LedgerAccount, LedgerTransaction, Right, RightStatus
from llo.accounts.services import DepositRow
from llo.core.models import AuditEntry
from llo.core.money import Money
from llo.core.problems import Problem
from tests.accounts.conftest import ACTOR, TODAY, make_person

pytestmark = pytest.mark.django_db


def pool_balance(budget) -> int:
    return LedgerAccount.objects.get(pk=budget.pool_account_id).balance_cents


def test_a_deposit_waits_in_the_pool_until_the_right_is_used(budget, persons, provider) -> None:
    people = persons(3)
    rows = [DepositRow(20_000, person_id=p.pk, line=i) for i, p in enumerate(people, start=1)]
    result = services.bulk_deposit(actor=ACTOR, budget=budget, rows=rows, on=TODAY)
    assert pool_balance(budget) == 60_000
    # The deposit wrote one line per person; nothing has read them yet.
    assert Right.objects.count() == 0
    assert DepositLine.objects.filter(deposit_id=result.transaction_id).count() == 3
    use = services.budget_use(budget, on=TODAY)
    assert (use.persons, use.rights, use.in_rights) == (3, 3, 60_000)
    assert services.verify_ledger() == []
    # Reading the first person's rights makes their right, once.
    assert services.claim_rights([people[0].pk]) == 1
    assert services.claim_rights([people[0].pk]) == 0
    assert DepositLine.objects.count() == 2
    assert services.verify_ledger() == []
    services.claim_rights(p.pk for p in people)
    assert DepositLine.objects.count() == 0
    rights = list(Right.objects.filter(deposit_id=result.transaction_id).order_by("pk"))
    assert [r.account_id for r in rights] == [None, None, None]
    assert [r.balance_cents for r in rights] == [20_000] * 3
    services.reserve(actor=ACTOR, right=rights[0], amount=Money(5_000), on=TODAY, provider=provider)
    rights[0].refresh_from_db()
    assert rights[0].account_id is not None
    assert rights[0].balance_cents == 15_000
    assert pool_balance(budget) == 40_000
    opening = LedgerTransaction.objects.get(right=rights[0], cause=Cause.DEPOSIT)
    assert sorted(opening.postings.values_list("amount_cents", flat=True)) == [-20_000, 20_000]
    # a second use does not open it again
    services.reserve(actor=ACTOR, right=rights[0], amount=Money(5_000), on=TODAY)
    assert LedgerTransaction.objects.filter(right=rights[0], cause=Cause.DEPOSIT).count() == 1
    use = services.budget_use(budget, on=TODAY)
    assert use.in_rights == 40_000 + 10_000
    assert use.total == use.left + use.in_rights + use.reserved + use.paid + use.returned
    assert services.verify_ledger() == []


def test_unused_rights_expire_together_and_go_back_to_the_funder(budget, persons, funder) -> None:
    people = persons(4)
    until = dt.date(2026, 6, 30)
    rows = [
        DepositRow(10_000, person_id=p.pk, valid_until=until, line=i)
        for i, p in enumerate(people, start=1)
    ]
    result = services.bulk_deposit(actor=ACTOR, budget=budget, rows=rows, on=TODAY)
    services.claim_rights([people[0].pk])  # the other three are never read: still lines
    used = Right.objects.filter(deposit_id=result.transaction_id).order_by("pk").first()
    assert used is not None
    services.reserve(actor=ACTOR, right=used, amount=Money(4_000), on=TODAY)
    report = services.expire_all(actor=ACTOR, on=dt.date(2026, 7, 1))
    assert (report.rights, report.returned_cents) == (4, 3 * 10_000 + 6_000)
    assert pool_balance(budget) == 0
    assert DepositLine.objects.count() == 0
    assert Right.objects.count() == 4
    assert set(Right.objects.values_list("status", flat=True)) == {RightStatus.EXPIRED}
    returned = LedgerAccount.objects.get(funder=funder, kind=AccountKind.RETURNED)
    assert returned.balance_cents == 36_000
    together = LedgerTransaction.objects.get(budget=budget, cause=Cause.EXPIRY, count=3)
    assert together.amount_cents == 30_000
    assert AuditEntry.objects.filter(action="rights.expired_unused").count() == 1
    again = services.expire_all(actor=ACTOR, on=dt.date(2026, 7, 1))
    assert (again.rights, again.returned_cents) == (0, 0)
    assert services.verify_ledger() == []


def test_verify_ledger_notices_a_pool_that_does_not_match_its_rights(budget, person) -> None:
    services.deposit(actor=ACTOR, budget=budget, person=person, amount=Money(10_000), on=TODAY)
    Right.objects.filter(person=person).update(deposited_cents=9_000)
    problems = services.verify_ledger()
    assert [(p.account_id, p.cached, p.from_postings, p.expected) for p in problems] == [
        (budget.pool_account_id, 10_000, 9_000, "unused deposits")
    ]


def test_the_database_refuses_a_right_of_nobody(budget, person) -> None:
    right = services.deposit(
        actor=ACTOR, budget=budget, person=person, amount=Money(10_000), on=TODAY
    )
    for field, value in [
        ("person_id", 987_654),
        ("funder_id", 987_654),
        ("budget_id", 987_654),
        ("deposit_id", 987_654),
        ("employment_id", 987_654),
        ("account_id", 987_654),
    ]:
        copy = Right.objects.get(pk=right.pk)
        copy.pk = None
        setattr(copy, field, value)
        with pytest.raises(IntegrityError), transaction.atomic():
            copy.save()
    # who a right belongs to never changes
    with pytest.raises(IntegrityError), transaction.atomic():
        Right.objects.filter(pk=right.pk).update(person=make_person())
    assert Right.objects.count() == 1


@pytest.mark.postgres_only
def test_postgres_refuses_deleting_a_person_with_rights(budget, person) -> None:
    services.deposit(actor=ACTOR, budget=budget, person=person, amount=Money(10_000), on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        person._meta.model.objects.filter(pk=person.pk)._raw_delete(using="default")
    assert Right.objects.filter(person=person).exists()


def test_a_right_goes_back_whole_to_its_budget(budget, persons) -> None:
    unused, used = (
        services.deposit(actor=ACTOR, budget=budget, person=p, amount=Money(30_000), on=TODAY)
        for p in persons(2)
    )
    res = services.reserve(actor=ACTOR, right=used, amount=Money(10_000), on=TODAY)
    services.release(actor=ACTOR, reservation=res, amount=Money(4_000), on=TODAY)
    left = LedgerAccount.objects.get(pk=budget.account_id).balance_cents
    assert services.return_to_budget(actor=ACTOR, right=unused, on=TODAY) == 30_000
    assert services.return_to_budget(actor=ACTOR, right=used, on=TODAY) == 24_000
    assert services.return_to_budget(actor=ACTOR, right=used, on=TODAY) == 24_000  # replay
    assert LedgerAccount.objects.get(pk=budget.account_id).balance_cents == left + 54_000
    assert pool_balance(budget) == 0
    for right in (unused, used):
        right.refresh_from_db()
        assert right.status == RightStatus.BACK_TO_BUDGET
        assert right.balance_cents == 0
    with pytest.raises(Problem) as info:
        services.return_to_budget(actor=ACTOR, right=used, on=TODAY, idempotency_key="another")
    assert info.value.code == "right-not-active"
    assert LedgerTransaction.objects.filter(cause=Cause.RETURN).count() == 2
    assert services.verify_ledger() == []
