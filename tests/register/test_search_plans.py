# SPDX-License-Identifier: EUPL-1.2
"""Search results and the offer page show a logged-in person what they pay from their own
funding plan, and can be narrowed to what their budgets pay for (issue 15 item 4). The plan
comes from ``accounts.funding_plan``; nothing in the register decides who pays."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from llo.accounts import services as accounts
from llo.accounts.models import Right
from llo.core.identifiers import Level
from llo.core.money import Money
from llo.core.roles import Role
from llo.core.timeutil import today
from llo.people.models import LabourPosition, Person, User
from llo.people.services import register_person
from llo.register.models import Opleider
from tests.accounts.conftest import ACTOR, employ, make_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def vakwerk(make_provider: Callable[..., Opleider]) -> Opleider:
    return make_provider("Academie Vakwerk", kvk="90000009")


@pytest.fixture
def person() -> Person:
    return register_person(
        actor=ACTOR,
        bsn="999990019",
        display_name="Fatima El Amrani",
        birth_date=today().replace(year=today().year - 44),
        highest_level=Level("eqf_2"),
        labour_position=LabourPosition("flex"),
        gemeente_code="GM0599",
    )


@pytest.fixture
def as_person(person: Person) -> Client:
    user = User.objects.create_user(
        username="burger:test", role=Role.BURGER, person=person, display_name=person.display_name
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(user)
    return client


def give(
    person: Person, funder_name: str, cents: int, conditions: dict[str, Any] | None = None
) -> Right:
    on = today()
    employer = make_org("employer", name=funder_name)
    employ(person, employer)  # an employer deposits only to its own people (decision 010)
    funder = accounts.ensure_funder(employer)
    budget = accounts.create_budget(
        actor=ACTOR, funder=funder, name="Ontwikkelbudget", total=Money(10 * cents),
        period_start=on.replace(month=1, day=1), period_end=on.replace(month=12, day=31),
        conditions=conditions or {},
    )  # fmt: skip
    return accounts.deposit(actor=ACTOR, budget=budget, person=person, amount=Money(cents))


def own(page: str) -> dict[str, str]:
    """What the person pays, by offer id, as the cards show it."""
    found = {}
    for card in re.findall(r'<li class="llo-card" data-offer="(\d+)">(.*?)</li>', page, re.S):
        m = re.search(r'data-own-cents="(\d+)"', card[1])
        found[card[0]] = m.group(1) if m else ""
    return found


def test_every_result_shows_what_the_person_pays(
    as_person: Client, person: Person, vakwerk: Opleider, make_offer: Any
) -> None:
    cheap = make_offer(vakwerk, "Kassa en klant", fee_cents=30_000)
    dear = make_offer(vakwerk, "Kassa voor gevorderden", fee_cents=90_000)
    give(person, "Winkelketen Test", 50_000)
    page = as_person.get("/opleidingen", {"q": "kassa"}).content.decode()
    assert own(page) == {str(cheap.pk): "0", str(dear.pk): "40000"}
    assert "U betaalt zelf" in page
    assert 'Winkelketen Test: <span class="llo-amount">€ 300,00</span>' in page
    assert 'Winkelketen Test: <span class="llo-amount">€ 500,00</span>' in page
    # The provider's page shows the same.
    provider_page = as_person.get("/opleiders/90000009").content.decode()
    assert own(provider_page) == {str(cheap.pk): "0", str(dear.pk): "40000"}
    # Someone who is not logged in sees prices only, and no filter for budgets.
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="nl").get("/opleidingen", {"q": "kassa"})
    text = anonymous.content.decode()
    assert "U betaalt zelf" not in text
    assert 'name="mine"' not in text
    assert set(own(text).values()) == {""}


def test_only_what_my_budgets_pay_for(
    as_person: Client, person: Person, vakwerk: Opleider, make_offer: Any
) -> None:
    paid = make_offer(vakwerk, "Kassa en klant", fee_cents=30_000, level="eqf_2")
    unpaid = make_offer(vakwerk, "Kassa voor managers", fee_cents=30_000, level="eqf_5")
    # The employer pays up to NLQF 4 (a condition of the right, checked by the rules).
    give(person, "Winkelketen Test", 50_000, {"max_level": "eqf_4"})
    everything = as_person.get("/opleidingen", {"q": "kassa"}).content.decode()
    assert own(everything) == {str(paid.pk): "0", str(unpaid.pk): "30000"}
    mine = as_person.get("/opleidingen", {"q": "kassa", "mine": "on"}).content.decode()
    assert list(own(mine)) == [str(paid.pk)]
    assert "1 opleiding die uw budgetten betalen" in mine
    assert 'name="mine" id="id_mine" value="on"' in mine


def test_the_offer_page_shows_the_plan_with_its_reasons(
    as_person: Client, person: Person, vakwerk: Opleider, make_offer: Any
) -> None:
    offer = make_offer(vakwerk, "Kassa en klant", fee_cents=80_000)
    give(person, "Winkelketen Test", 50_000)
    give(person, "O&O-fonds Retail Test", 20_000)
    page = as_person.get(f"/opleidingen/{offer.pk}").content.decode()
    assert "Wat betaalt u?" in page
    assert 'data-own-cents="10000"' in page
    assert "U betaalt zelf € 100,00." in page
    assert "Winkelketen Test" in page
    assert "O&amp;O-fonds Retail Test" in page
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="nl").get(f"/opleidingen/{offer.pk}").content.decode()
    assert "Log in om te zien wat u zelf betaalt." in anonymous
