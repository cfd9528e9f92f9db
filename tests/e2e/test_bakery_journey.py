# SPDX-License-Identifier: EUPL-1.2
"""Bakkerij de Korenaar's journey (JOURNEYS.md) in chromium: an employer with 18 employees
puts € 400 per employee in their learning accounts with its own conditions (any level, the
goal "growing in your current job"), without building a portal: a budget from its overview,
then a deposit to the people it employs. Someone who does not work there is not offered (an
employer reaches only its own people, decision 010), and an employee then sees the € 400 on
her overview. axe-core and the Dutch checker on every page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from llo.accounts import selectors as account_selectors
from llo.accounts.models import Budget, Right
from llo.core.timeutil import today
from llo.demo import personas
from llo.people.models import Organisation, Person
from tests.accounts.conftest import make_person
from tests.e2e.conftest import assert_no_axe_violations
from tests.e2e.dutch import assert_dutch
from tests.e2e.test_browser import log_in_as, nl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def check(page: Page) -> None:
    assert_no_axe_violations(page)
    assert_dutch(page)


def test_the_bakery_puts_400_euros_in_each_employees_account_with_its_conditions(
    app: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "korenaar")
    bakery = Organisation.objects.get(
        kvk=next(o.kvk for o in personas.ORGANISATIONS if o.key == "korenaar")
    )
    bakers = [make_person(name=f"Bakker {n}", employer=bakery) for n in range(3)]
    jan = Person.objects.by_bsn(next(p.bsn for p in personas.PERSONS if p.key == "jan"))
    assert jan is not None
    check(page)

    page.locator("main").get_by_role("link", name=nl("Your budgets")).click()
    check(page)
    page.get_by_role("link", name=nl("Make a new budget")).click()
    check(page)
    year = today().year + 1
    page.get_by_label(nl("Name of the budget")).fill(f"Leerbudget {year}")
    page.get_by_label(nl("Total amount")).fill("7.200,00")
    page.get_by_label(nl("From"), exact=True).fill(today().isoformat())
    page.get_by_label(nl("Until"), exact=True).fill(f"{year}-12-31")
    page.get_by_label(nl("Amount per person")).fill("400,00")
    page.get_by_label(nl("Growing in your current job")).check()
    page.get_by_role("button", name=nl("Make the budget")).click()
    page.wait_for_url(re.compile(r"/financier/budgetten/\d+$"), timeout=60_000)
    check(page)
    budget = Budget.objects.get(name=f"Leerbudget {year}")
    assert budget.total_cents == 720_000
    assert budget.amount_per_person_cents == 40_000
    assert budget.conditions.get("purposes") == ["grow"]
    assert not budget.conditions.get("levels")
    assert not budget.conditions.get("max_level")

    page.get_by_role("link", name=nl("Put money in learning accounts")).click()
    check(page)
    main = page.locator("main")
    for baker in bakers:
        expect(main).to_contain_text(baker.display_name)
    expect(main).not_to_contain_text(jan.display_name)  # not an employee
    expect(page.get_by_label(nl("Amount per person"))).to_have_value("400,00")
    for baker in bakers:
        page.get_by_label(baker.display_name).check()
    page.get_by_role("button", name=nl("Deposit")).click()
    page.wait_for_load_state()
    alert = page.locator("[role=alert]")
    assert alert.count() == 0, alert.first.inner_text()
    page.wait_for_url(re.compile(r"/financier/budgetten/\d+$"), timeout=60_000)
    check(page)
    # Deposits become rights when first read (docs/decisions/005-deposit-lines.md).
    for someone in [*bakers, jan]:
        list(account_selectors.rights_of(someone.pk))
    rights = Right.objects.filter(budget=budget)
    assert sorted(r.person_id for r in rights) == sorted(b.pk for b in bakers)
    assert {r.balance_cents for r in rights} == {40_000}
    assert not Right.objects.filter(person=jan, budget=budget).exists()

    # What the bakery sees next: three persons with money from this budget.
    expect(page.locator("main")).to_contain_text("€ 1.200,00")
