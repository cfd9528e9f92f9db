# SPDX-License-Identifier: EUPL-1.2
"""Deposit lines (decision 005): a deposit writes one narrow line per person; the person's
first read makes it a right; a large deposit on PostgreSQL gets a partition of its own and the
database checks all its lines at once, and when it refuses, every bad line is still named."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import ProtectedError

from llo.accounts import services
from llo.accounts.models import Budget, DepositLine, LedgerTransaction, Right
from llo.accounts.plan import funding_plan
from llo.accounts.services import BulkMode, DepositRow
from llo.accounts.store import lines
from llo.core.money import Money
from llo.core.problems import Problem
from llo.people.models import Person
from llo.web.overview import overview_for
from tests.accounts.conftest import ACTOR, TODAY, employ, make_budget, make_org, make_person

pytestmark = pytest.mark.django_db


def deposit(budget: Budget, people: list[Person], cents: int = 10_000, **kwargs: Any) -> int:
    rows = [DepositRow(cents, person_id=p.pk, line=i) for i, p in enumerate(people, start=1)]
    result = services.bulk_deposit(actor=ACTOR, budget=budget, rows=rows, on=TODAY, **kwargs)
    assert result.transaction_id is not None
    return result.transaction_id


def partition_exists(deposit_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [lines.partition_name(deposit_id)])
        return bool(cursor.fetchone()[0])


def test_a_read_makes_the_persons_right_and_nobody_elses(budget, persons) -> None:
    people = persons(3)
    txn = deposit(budget, people)
    assert Right.objects.count() == 0
    assert DepositLine.objects.filter(deposit_id=txn).count() == 3
    overview = overview_for(people[0], TODAY)
    assert [line.balance for line in overview.rights] == [Money(10_000)]
    right = Right.objects.get()
    assert (right.person, right.deposit_id, right.deposited_cents) == (people[0], txn, 10_000)
    assert right.valid_until == services.add_months(TODAY, budget.right_validity_months)
    assert (right.budget, right.funder_id, right.kind) == (budget, budget.funder_id, "money")
    assert right.created_at == LedgerTransaction.objects.get(pk=txn).created_at
    assert DepositLine.objects.count() == 2
    overview_for(people[0], TODAY)  # a second read makes nothing more
    assert Right.objects.count() == 1
    assert services.verify_ledger() == []


def test_the_funding_plan_reads_the_persons_deposits(budget, persons) -> None:
    from llo.core.identifiers import Level
    from llo.schemes.facts import OfferFacts

    person = persons(1)[0]
    deposit(budget, [person], 25_000)
    offer = OfferFacts(
        level=Level.EQF_3, offer_type="course", fee_cents=30_000, exam_cents=0,
        materials_cents=0, prices_include_vat=True, in_register=True,
        quality_mark_valid=True, purpose="grow", start_date=None,
    )  # fmt: skip
    plan = funding_plan(person, offer, TODAY)
    assert sum(line.amount_cents for line in plan.lines) == 25_000
    assert Right.objects.filter(person=person).count() == 1


def test_budget_figures_are_the_same_before_and_after_the_rights_are_made(employer) -> None:
    # A sector fund: its use per member firm is on the page too.
    funder = services.ensure_funder(make_org("oo_fund", name="Fonds Bakkers", sector="bakery"))
    budget = make_budget(funder, portability="cao")
    people = [make_person() for _ in range(3)]
    for p in people[:2]:
        employ(p, employer, cao="CAO Bakkers")
    employ(people[2], make_org("employer", name="Andere bakker"), cao="CAO Bakkers")
    deposit(budget, people)
    before = (services.budget_use(budget, TODAY), services.use_by_employer(budget))
    assert before[0].persons == 3
    assert before[0].rights == 3
    assert before[0].expiring_soon == 0
    assert {u.employer: (u.persons, u.cents) for u in before[1]}[employer.name] == (2, 20_000)
    assert services.claim_budgets([budget.pk]) == 3
    after = (services.budget_use(budget, TODAY), services.use_by_employer(budget))
    assert after == before
    right = Right.objects.get(person=people[0])
    assert right.cao == "CAO Bakkers"
    assert right.employment is not None


def test_a_deposit_line_of_nobody_is_refused_by_the_database(budget, person) -> None:
    txn = deposit(budget, [person])
    with pytest.raises(IntegrityError), transaction.atomic():
        DepositLine.objects.create(
            person_id=987_654, deposit_id=txn, cents=1, valid_until=dt.date(2027, 1, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        DepositLine.objects.create(
            person=make_person(), deposit_id=987_654, cents=1, valid_until=dt.date(2027, 1, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        DepositLine.objects.create(
            person=make_person(), deposit_id=txn, cents=0, valid_until=dt.date(2027, 1, 1)
        )
    assert DepositLine.objects.count() == 1


def test_a_person_with_a_deposit_not_read_yet_cannot_be_deleted(budget, person) -> None:
    deposit(budget, [person])
    with pytest.raises(ProtectedError):
        person.delete()
    assert DepositLine.objects.count() == 1


@pytest.mark.postgres_only
def test_postgres_refuses_deleting_a_person_with_a_line(budget, person) -> None:
    deposit(budget, [person])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_person WHERE id = %s", [person.pk])
    assert Person.objects.filter(pk=person.pk).exists()


# --- large deposits on PostgreSQL: a partition of their own ------------------------------------


@pytest.fixture
def large(settings: Any) -> int:
    """Any deposit of 4 or more persons counts as large."""
    settings.LLO_DEPOSIT_PARTITION_MIN = 4
    return 4


@pytest.mark.postgres_only
def test_a_large_deposit_gets_a_partition_that_goes_when_every_line_is_a_right(
    budget, persons, large
) -> None:
    people = persons(5)
    small = deposit(budget, people[:2], idempotency_key="small")
    big = deposit(budget, people, idempotency_key="big")
    assert not partition_exists(small)
    assert partition_exists(big)
    assert DepositLine.objects.filter(deposit_id=big).count() == 5
    assert DepositLine.objects.count() == 7
    assert services.verify_ledger() == []
    # The same request again is a replay, whichever way it was written.
    again = services.bulk_deposit(
        actor=ACTOR,
        budget=budget,
        rows=[DepositRow(10_000, person_id=p.pk, line=i) for i, p in enumerate(people, start=1)],
        on=TODAY,
        idempotency_key="big",
    )
    assert (again.transaction_id, again.replayed) == (big, True)
    services.claim_rights([people[0].pk])
    assert lines.drop_empty_partitions() == []
    assert Right.objects.filter(person=people[0]).count() == 2
    services.claim_rights(p.pk for p in people)
    assert lines.drop_empty_partitions() == [lines.partition_name(big)]
    assert not partition_exists(big)
    assert Right.objects.filter(deposit_id=big).count() == 5
    assert services.verify_ledger() == []


@pytest.mark.postgres_only
def test_a_large_deposit_of_employer_money_keeps_each_persons_job(employer, large) -> None:
    budget = make_budget(services.ensure_funder(employer), portability="cao")
    # an employer deposits to its own employees only (accounts.reach), each with their job
    people = [make_person() for _ in range(4)]
    jobs = [employ(p, employer, cao="CAO Bakkers") for p in people]
    txn = deposit(budget, people)
    assert partition_exists(txn)
    got = dict(DepositLine.objects.values_list("person_id", "employment_id"))
    assert got == {p.pk: j.pk for p, j in zip(people, jobs, strict=True)}
    services.claim_rights([people[0].pk])
    assert Right.objects.get(person=people[0]).employment_id == jobs[0].pk


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (DepositRow(10_000, person_id=987_654), "person"),
        (DepositRow(0), "amount"),
        (DepositRow(-5), "amount"),
        (DepositRow(1.5), "amount"),  # type: ignore[arg-type]
        (DepositRow(True), "amount"),  # type: ignore[arg-type]
        (DepositRow(10_000, valid_until=TODAY - dt.timedelta(days=1)), "validUntil"),
        (DepositRow(10_000, person_id=-1), "person"),  # the same person twice: see below
    ],
    ids=["unknown", "zero", "negative", "fraction", "bool", "date-passed", "twice"],
)
def test_a_large_deposit_the_database_refuses_names_every_bad_line(
    budget, persons, large, bad: DepositRow, field: str
) -> None:
    people = persons(5)
    rows = [DepositRow(10_000, person_id=p.pk, line=i) for i, p in enumerate(people, start=1)]
    person_id = bad.person_id
    if person_id is None:
        person_id = people[2].pk
    elif person_id == -1:
        person_id = people[0].pk
    rows[2] = DepositRow(bad.amount_cents, person_id=person_id, valid_until=bad.valid_until, line=3)
    left = budget.account.balance_cents
    with pytest.raises(Problem) as caught:
        services.bulk_deposit(actor=ACTOR, budget=budget, rows=rows, on=TODAY)
    assert caught.value.status == 400
    assert [p.name for p in caught.value.invalid_params] == [f"line 3: {field}"]
    # nothing written: no transaction, no lines, no partition, no money moved
    assert not LedgerTransaction.objects.filter(cause="deposit").exists()
    assert DepositLine.objects.count() == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE %s",
            [f"{lines.LINES}\\_%"],
        )
        assert cursor.fetchone()[0] == 1  # the default partition only
    budget.account.refresh_from_db()
    assert budget.account.balance_cents == left


@pytest.mark.postgres_only
def test_a_large_deposit_over_the_budget_reports_bad_lines_first(funder, persons, large) -> None:
    budget = make_budget(funder, 40_000)
    people = persons(5)
    rows = [DepositRow(10_000, person_id=p.pk, line=i) for i, p in enumerate(people, start=1)]
    with pytest.raises(Problem) as caught:
        services.bulk_deposit(actor=ACTOR, budget=budget, rows=rows, on=TODAY)
    assert caught.value.status == 422
    rows[1] = DepositRow(0, person_id=people[1].pk, line=2)
    with pytest.raises(Problem) as caught:
        services.bulk_deposit(actor=ACTOR, budget=budget, rows=rows, on=TODAY)
    assert caught.value.status == 400
    assert [p.name for p in caught.value.invalid_params] == ["line 2: amount"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_many_reads_at_once_make_one_right(budget_factory_committed) -> None:
    person, budget = budget_factory_committed
    deposit(budget, [person])
    barrier = threading.Barrier(8)
    made: list[int] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            barrier.wait()
            made.append(services.claim_rights([person.pk]))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(made) == [0] * 7 + [1]
    assert Right.objects.filter(person=person).count() == 1
    assert DepositLine.objects.count() == 0
    assert services.verify_ledger() == []


@pytest.fixture
def budget_factory_committed(transactional_db: None) -> tuple[Person, Budget]:
    from llo.people.models import Organisation

    org = Organisation.objects.create(
        kvk="80999998", name="Fonds", kind="oo_fund", sector="metal", gemeente_id="GM0599"
    )
    person = make_person()  # a metal worker: the fund reaches its sector (accounts.reach)
    employ(person, make_org("employer", sector="metal"), cao="CAO Metaal", sector="metal")
    return person, make_budget(services.ensure_funder(org))


def test_partial_mode_of_a_large_deposit_writes_the_good_lines(budget, persons, settings) -> None:
    settings.LLO_DEPOSIT_PARTITION_MIN = 3
    people = persons(4)
    rows = [DepositRow(10_000, person_id=p.pk, line=i) for i, p in enumerate(people, start=1)]
    rows.append(DepositRow(10_000, person_id=987_654, line=5))
    result = services.bulk_deposit(
        actor=ACTOR, budget=budget, rows=rows, on=TODAY, mode=BulkMode.PARTIAL
    )
    assert (result.created, [(e.line, e.field) for e in result.rejected]) == (4, [(5, "person")])
    assert DepositLine.objects.count() == 4
    if connection.vendor == "postgresql":
        assert partition_exists(result.transaction_id or 0)
    assert services.verify_ledger() == []


def test_the_nightly_job_makes_the_rest_rights(budget, persons, settings) -> None:
    from io import StringIO

    from django.core.management import call_command

    settings.LLO_DEPOSIT_PARTITION_MIN = 3
    people = persons(4)
    small = deposit(budget, people[:1], idempotency_key="one")
    big = deposit(budget, people, idempotency_key="four")
    services.claim_rights([people[1].pk])
    out = StringIO()
    call_command("claim_deposits", stdout=out)
    dropped = 1 if connection.vendor == "postgresql" else 0
    assert out.getvalue().strip() == (
        f"4 rights made from 2 deposits; {dropped} emptied partitions dropped"
    )
    assert DepositLine.objects.count() == 0
    assert Right.objects.filter(deposit_id__in=[small, big]).count() == 5
    if connection.vendor == "postgresql":
        assert not partition_exists(big)
    out = StringIO()
    call_command("claim_deposits", stdout=out)
    assert out.getvalue().strip() == "0 rights made from 0 deposits; 0 emptied partitions dropped"
    assert services.verify_ledger() == []
