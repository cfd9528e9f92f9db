# SPDX-License-Identifier: EUPL-1.2
"""A funder's condition on a broad ISCO-08 group (1 to 3 digits) is met by every occupation in
it (issue 17): stored as the funder wrote it, decided by the rules engine from the offer's ESCO
occupations, and read back as the group's Dutch name. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest

from llo.accounts import services
from llo.accounts.models import Budget
from llo.accounts.plan import funding_plan
from llo.accounts.services import DepositRow
from llo.people.models import Person
from llo.schemes import facts_adapter
from llo.skills import selectors
from llo.web.overview import conditions_of, overview_for
from tests.accounts.conftest import ACTOR, TODAY, make_budget, make_org, make_person
from tests.enrolment.conftest import make_offer, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def metal_fund_person() -> tuple[Budget, Person]:
    """A person with EUR 250 from their employer, for "72": every occupation in metal and
    machines, and for "0110", the officers (a group whose code begins with 0)."""
    employer = make_org("employer", name="Metaalbedrijf Twente", sector="metal")
    fund = services.ensure_funder(employer)
    budget = make_budget(fund, conditions={"occupations": ["72", "0110"]})
    person = make_person(employer=employer)
    rows = [DepositRow(25_000, person_id=person.pk, line=1)]
    services.bulk_deposit(actor=ACTOR, budget=budget, rows=rows, on=TODAY)
    return budget, person


def test_a_short_group_is_stored_as_written(metal_fund_person: tuple[Budget, Person]) -> None:
    budget, _person = metal_fund_person
    budget.refresh_from_db()
    assert budget.conditions["occupations"] == ["0110", "72"]


@pytest.mark.parametrize(
    ("occupations", "paid"),
    [
        (["7212.3"], 25_000),  # lasser: unit group 7212 lies in 72
        (["7233.7"], 25_000),  # monteur industriële machines: 7233 lies in 72
        (["5120.1"], 0),  # kok: 5120 is not in 72
        (["7112.1"], 0),  # metselaar: 71, building, not 72
        (["5120.1", "7212.3"], 25_000),  # one occupation in the group is enough
    ],
)
def test_an_offers_occupation_in_the_group_is_paid(
    metal_fund_person: tuple[Budget, Person], occupations: list[str], paid: int
) -> None:
    _budget, person = metal_fund_person
    offer, offering = make_offer(make_provider(), fee=30_000)
    offer.occupations = occupations
    offer.save()
    facts, _sources = facts_adapter.offer_facts(offer, TODAY, start_date=offering.start_date)
    plan = funding_plan(person, dataclasses.replace(facts, purpose="grow"), TODAY)
    assert sum(line.amount_cents for line in plan.lines) == paid, [
        (line.reason, line.text) for line in plan.lines
    ]


def test_the_group_reads_as_its_dutch_name(metal_fund_person: tuple[Budget, Person]) -> None:
    _budget, person = metal_fund_person
    assert selectors.isco_group_label("72").startswith("vakmensen in metaal en machines (zoals ")
    officers = selectors.isco_group_label("0110")
    assert "officier" in officers
    assert "0110" not in officers
    overview_for(person, TODAY)  # the first read makes the right
    right = person.rights.get()
    words = " ".join(conditions_of(right, TODAY))
    assert "vakmensen in metaal en machines (zoals" in words
    assert " 72" not in words
