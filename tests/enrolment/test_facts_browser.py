# SPDX-License-Identifier: EUPL-1.2
"""In a real browser: a budget for people who want to learn basic skills cannot decide for
Fatima until she says so; the apply page asks (in Dutch, B1), keeps her answer and shows the
plan again, and passes axe-core's WCAG 2.2 AA rules (issue 13: no invented facts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect

from llo.accounts import services
from llo.core.money import Money
from llo.core.timeutil import today
from llo.people.models import Person, PersonFact
from tests.accounts.conftest import ACTOR, make_org
from tests.e2e.conftest import app, assert_no_axe_violations, browser, new_context  # noqa: F401
from tests.e2e.test_browser import log_in_as, nl
from tests.enrolment.conftest import make_offer, make_provider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_fatima_is_asked_what_the_rules_need_and_then_pays_nothing(
    app: str,  # noqa: F811 - fixture
    new_context: Callable[..., BrowserContext],  # noqa: F811 - fixture
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "fatima")  # the demo login makes the personas
    fatima = Person.objects.get(display_name="Fatima El Amrani")
    on = today()
    gemeente = services.ensure_funder(make_org("municipality", name="Gemeente Teststad"))
    budget = services.create_budget(
        actor=ACTOR, funder=gemeente, name="Basisvaardigheden", total=Money(100_000),
        period_start=on.replace(month=1, day=1), period_end=on.replace(month=12, day=31),
        conditions={"needs_basic_skills": True},
    )  # fmt: skip
    services.deposit(actor=ACTOR, budget=budget, person=fatima, amount=Money(50_000))
    _, offering = make_offer(make_provider(), fee=40_000, start=on + dt.timedelta(days=40))

    page.goto(f"{app}/aanvragen/nieuw/{offering.pk}")
    expect(page.locator("#facts-title")).to_have_text(nl("We need to know more"))
    main = page.locator("main")
    expect(main).to_contain_text("Gemeente Teststad betaalt deze opleiding misschien")
    assert_no_axe_violations(page)

    page.get_by_role("radio", name=nl("Yes")).check()
    page.get_by_role("button", name=nl("Save my answers and check again")).click()
    page.wait_for_url(f"{app}/aanvragen/nieuw/{offering.pk}")
    expect(main).to_contain_text("U betaalt zelf € 0,00.")
    expect(page.locator("#facts-title")).to_have_count(0)
    fact = PersonFact.objects.get(person=fatima)
    assert (fact.name, fact.value, fact.source) == ("needs_basic_skills", True, "declaration")
    assert_no_axe_violations(page)
