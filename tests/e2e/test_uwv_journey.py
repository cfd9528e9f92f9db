# SPDX-License-Identifier: EUPL-1.2
"""UWV's journey (JOURNEYS.md: "budgets for job seekers; runs a STAP-like window") in
chromium: from its budget page UWV opens a round (STAP rules are refused beside the field:
STAP ended in 2023), with its days, money, policy and the groups that go first; it sees the
intake of the open round and decides it; and it sees the allocation of the closed round
(granted, waiting, refused with their reasons) and what is left of the money. axe-core finds
no WCAG 2.2 AA violation on any page UWV visits."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from playwright.sync_api import BrowserContext, Page, expect

from llo.core.money import Money
from llo.core.timeutil import now, today
from llo.enrolment import selectors
from llo.enrolment.models import Window
from tests.e2e.conftest import assert_no_axe_violations
from tests.e2e.dutch import assert_dutch
from tests.e2e.test_browser import log_in_as, nl
from tests.e2e.windows_world import build, fits_width

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def check(page: Page) -> None:
    """Every page of the journey: no WCAG 2.2 AA violation, and Dutch B1 without English or
    raw codes (issue 15, finding 10)."""
    assert_no_axe_violations(page)
    assert_dutch(page)


def euro(cents: int) -> str:
    return Money(cents).format()


def row(page: Page, outcome: str) -> str:
    return page.locator(f'tr[data-outcome="{outcome}"]').first.inner_text()


def test_uwv_opens_a_round_sees_intake_and_allocation(
    app: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "uwv")
    world = build()
    budget = world.round_2.budget
    page.reload()
    check(page)

    # Home → budgets → the budget with its rounds.
    page.get_by_role("link", name=nl("Your budgets")).first.click()
    check(page)
    page.get_by_role("link", name=budget.name).click()
    page.wait_for_url(f"{app}/financier/budgetten/{budget.pk}")
    check(page)
    # The budget page at 320 px: its tables scroll in a box a keyboard can reach.
    fits_width(page, 320)
    check(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    panel = page.locator(f'tr[data-window="{world.round_2.pk}"]')
    expect(panel).to_contain_text(nl("Open"))
    expect(page.locator(f'tr[data-window="{world.round_1.pk}"]')).to_contain_text(
        nl("Closed and decided")
    )

    # Open a round: first on STAP, which the page refuses beside the rules.
    page.get_by_role("link", name=nl("Open a round")).click()
    page.wait_for_url(f"{app}/financier/budgetten/{budget.pk}/rondes/nieuw")
    check(page)
    opens, closes = today() + dt.timedelta(days=7), today() + dt.timedelta(days=35)
    page.get_by_label(nl("Name of the round")).fill("Scholing naar werk, ronde 3")
    page.get_by_label(nl("For whom is this round?")).fill(
        "Voor werkzoekenden met weinig opleiding."
    )
    page.get_by_label(re.compile("^STAP-budget")).check()
    page.get_by_label(nl("Opens on")).fill(opens.isoformat())
    page.get_by_label(nl("Closes on")).fill(closes.isoformat())
    page.get_by_label(nl("Money for this round"), exact=True).fill("40.000")
    page.get_by_label(re.compile("^" + nl("Most per person"))).fill("2.500,00")
    page.get_by_label(nl("Priority for target groups")).check()
    page.get_by_label(nl("Goes first")).select_option("low_educated")
    page.get_by_label(nl("Goes second")).select_option("up_to_mbo4")
    page.get_by_label(nl("by lottery")).check()
    page.get_by_role("button", name=nl("Open the round")).click()
    error = page.locator("#id_scheme-error")
    expect(error).to_contain_text("31 december 2023")
    expect(page.locator(".llo-error-summary")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("applies to applications")
    check(page)
    assert not Window.objects.filter(name="Scholing naar werk, ronde 3").exists()

    # The budget's own conditions apply on those days: the round opens.
    page.get_by_label(re.compile("^" + nl("The conditions of this budget"))).check()
    page.get_by_role("button", name=nl("Open the round")).click()
    opened = Window.objects.get(name="Scholing naar werk, ronde 3")
    page.wait_for_url(f"{app}/financier/rondes/{opened.pk}")
    check(page)
    assert (opened.scheme, opened.policy, opened.then_policy) == ("funder", "priority", "lottery")
    assert opened.priority_groups == ["low_educated", "up_to_mbo4"]
    assert (opened.budget_cents, opened.max_per_person_cents) == (4_000_000, 250_000)
    expect(page.locator("[data-state]").first).to_contain_text(nl("Not open yet"))
    expect(page.locator("[data-rules]")).to_contain_text(nl("The conditions of this budget"))
    expect(page.locator("main")).to_contain_text(nl("People with little education (up to mbo 2)"))

    # The open round: its intake, then UWV decides it (first come, first served).
    page.goto(f"{app}/financier/rondes/{world.round_2.pk}")
    check(page)
    intake = selectors.window_report(world.round_2)
    assert intake.received.count == 10
    expect(page.locator("[data-received]")).to_contain_text(euro(intake.received.amount_cents))
    with time_machine.travel(now() + dt.timedelta(seconds=5), tick=True):
        page.get_by_role("button", name=nl("Decide the applications now")).click()
        page.wait_for_load_state()
    check(page)
    assert "10" in row(page, "granted")
    assert euro(intake.received.amount_cents) in row(page, "granted")
    world.round_2.refresh_from_db()
    left = world.round_2.budget_cents - world.round_2.granted_cents
    expect(page.locator('[data-money="left"]')).to_have_text(euro(left))

    # The closed round: granted, waiting and refused with reasons, the lottery code, the money.
    page.goto(f"{app}/financier/rondes/{world.round_1.pk}")
    check(page)
    report = selectors.window_report(world.round_1)
    assert report.granted.count > 0
    assert report.waiting.count > 0
    assert report.refused
    assert str(report.granted.count) in row(page, "granted")
    assert euro(report.granted.amount_cents) in row(page, "granted")
    assert str(report.waiting.count) in row(page, "waiting")
    reason, tally = report.refused[0]
    refused = row(page, "refused")
    assert reason in refused
    assert str(tally.count) in refused
    expect(page.locator("main")).to_contain_text(world.round_1.seed)
    expect(page.locator('[data-money="left"]')).to_have_text(euro(report.left_cents))
    expect(page.locator('[data-money="budget-left"]')).to_have_text(euro(report.budget_left_cents))
    # No names of persons on the funder's page of a round (AVG: no more than needed).
    expect(page.locator("main")).not_to_contain_text("Werkzoekende")
    fits_width(page, 320)
    check(page)
