# SPDX-License-Identifier: EUPL-1.2
"""Fatima opens one of her rights from her overview in a real browser and sees what happened
to its money; the page passes axe-core's WCAG 2.2 AA rules."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from llo.accounts import services
from llo.core.money import Money
from llo.core.timeutil import today
from llo.people.models import Person
from tests.accounts.conftest import ACTOR, employ, make_org
from tests.e2e.conftest import assert_no_axe_violations
from tests.e2e.test_browser import log_in_as, nl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_fatima_sees_what_happened_to_her_money(
    app: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "fatima")  # the demo login makes the personas
    fatima = Person.objects.get(display_name="Fatima El Amrani")
    on = today()
    shop = make_org("employer", name="Winkelketen Test")
    employ(fatima, shop)  # an employer deposits only to its own people (decision 010)
    funder = services.ensure_funder(shop)
    budget = services.create_budget(
        actor=ACTOR, funder=funder, name="Ontwikkelbudget", total=Money(100_000),
        period_start=on.replace(month=1, day=1), period_end=on.replace(month=12, day=31),
    )  # fmt: skip
    right = services.deposit(actor=ACTOR, budget=budget, person=fatima, amount=Money(50_000))
    services.reserve(actor=ACTOR, right=right, amount=Money(20_000))

    page.goto(f"{app}/home")
    page.get_by_role("link", name="Winkelketen Test").click()
    page.wait_for_url(f"{app}/mijn-rechten/{right.pk}")
    expect(page.locator("h2#movements")).to_have_text(nl("What happened to this money"))
    expect(page.locator("tbody")).to_contain_text(nl("Set aside for a course"))
    expect(page.locator("main")).to_contain_text("€ 300,00")
    assert_no_axe_violations(page)
