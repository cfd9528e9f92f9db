# SPDX-License-Identifier: EUPL-1.2
"""Sanne's journey (JOURNEYS.md) in chromium: a job seeker on WW finds UWV's open round from
her overview, compares nursing programmes by what she pays and by start date, knows she is
eligible before she chooses, applies, sees her place in the line, and after UWV decides sees
the money reserved from UWV's budget; the provider completes the training and she sees it
paid. The STAP window that cannot decide is offered nowhere, and choosing it by its address is
a refusal in B1 (issue 15, finding 2). axe-core finds no WCAG 2.2 AA violation on any page she
visits; the apply page also at 320 px."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import time_machine
from playwright.sync_api import BrowserContext, Page, expect

from llo.core.timeutil import now
from llo.enrolment import services
from llo.enrolment.models import Application, IntakeEntry
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


def visit(page: Page, url: str) -> None:
    page.goto(url)
    check(page)


def own_amounts(page: Page) -> list[int]:
    """What she pays, per row of the comparison, in cents."""
    found = []
    for text in page.locator("tbody [data-own]").all_inner_texts():
        match = re.search(r"€\s*([\d.]+),(\d\d)", text)
        assert match is not None, text
        found.append(int(match[1].replace(".", "")) * 100 + int(match[2]))
    return found


def test_sanne_compares_applies_and_gets_training_paid_from_her_uwv_budget(
    app: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "sanne")  # makes the personas
    world = build()
    check(page)

    # From her overview to the open rounds: only rounds that can decide.
    page.get_by_role("link", name=nl("See the open rounds")).click()
    page.wait_for_url(f"{app}/aanvraagrondes")
    check(page)
    rounds = page.locator("main")
    expect(rounds).to_contain_text(world.round_2.name)
    expect(rounds).not_to_contain_text(world.stap.name)  # STAP ended in 2023
    expect(rounds).not_to_contain_text(world.round_1.name)  # closed
    # Whether the round pays for her, before she looks further: the training cheapest for her.
    fits = page.locator(f'[data-window="{world.round_2.pk}"] [data-fits="yes"]')
    expect(fits).to_contain_text(nl("This round can pay for you."))
    expect(fits).to_contain_text(nl("You pay € 0,00 yourself."))

    # The round's page: its rules and order in words; compare nursing by what she pays.
    page.get_by_role("link", name=world.round_2.name).click()
    check(page)
    expect(page.locator("main")).to_contain_text(nl("Who gets the money first?"))
    page.get_by_label(nl("Words in the name of the training")).fill("verpleeg")
    page.get_by_role("button", name=nl("Show")).click()
    check(page)
    rows = page.locator("tbody tr[data-offering]")
    expect(rows).to_have_count(3)
    assert own_amounts(page) == [315_500, 368_000, 608_000]  # price minus UWV's € 2.500
    expect(rows.first).to_contain_text("€ 2.500,00")
    expect(rows.first).to_contain_text(
        nl("You pay %(amount)s yourself.") % {"amount": "€ 3.155,00"}
    )
    # By start date: the one that starts soonest first.
    page.get_by_label(nl("Order")).select_option("start")
    page.get_by_role("button", name=nl("Show")).click()
    check(page)
    starts = page.locator("tbody tr[data-offering]").evaluate_all(
        "rows => rows.map(r => r.dataset.offering)"
    )
    assert starts == [
        str(o.pk) for o in (world.nursing.soon, world.nursing.near, world.nursing.cheap)
    ]

    # She chooses the programme that starts in two months: eligible, before she applies.
    page.locator(f'tr[data-offering="{world.nursing.near.pk}"]').get_by_role(
        "link", name=re.compile(nl("Apply in this round"))
    ).click()
    page.wait_for_url(re.compile(r"/aanvragen/nieuw/\d+\?venster=\d+"))
    check(page)
    main = page.locator("main")
    expect(main).to_contain_text(nl("Can you get this money?"))
    expect(page.locator('[data-passed="no"]')).to_have_count(0)
    expect(page.locator('[data-passed="yes"]').first).to_be_visible()
    expect(page.locator("#own-pay")).to_have_text(
        nl("You pay %(amount)s yourself.") % {"amount": "€ 3.680,00"}
    )
    # Only rounds that are open and can decide are offered on the apply page.
    expect(page.locator(f'[data-window="{world.round_2.pk}"]')).to_be_visible()
    expect(page.locator(f'[data-window="{world.stap.pk}"]')).to_have_count(0)
    apply_url = page.url
    fits_width(page, 320)
    check(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The STAP window by its address: a refusal in B1, never the engine's English.
    visit(page, f"{app}/aanvragen/nieuw/{world.nursing.near.pk}?venster={world.stap.pk}")
    refusal = page.locator('[data-passed="no"]')
    expect(refusal).to_contain_text("31 december 2023")
    expect(page.locator("main")).not_to_contain_text("applies to applications")
    expect(page.locator("input[name=confirm]")).to_have_count(0)

    # She applies in round 2 and sees her place: ten applied before her.
    page.goto(apply_url)
    page.get_by_label(nl("I checked this. I want to apply.")).check()
    page.get_by_role("button", name=nl("Apply"), exact=True).click()
    page.wait_for_url(re.compile(r"/aanvragen/ontvangen/\d+"))
    check(page)
    expect(page.locator("[data-line]")).to_have_attribute("data-line", "11")
    expect(page.locator("[data-place]")).to_contain_text(
        nl("If everyone before you gets the money, there is still enough for you.")
    )
    entry = IntakeEntry.objects.get(person=world.sanne)
    assert entry.amount_cents == 250_000

    # Later: UWV decides the round (first come, first served).
    uwv = new_context(bypass_csp=True).new_page()
    log_in_as(uwv, app, "uwv")
    with time_machine.travel(now() + dt.timedelta(seconds=5), tick=True):
        uwv.goto(f"{app}/financier/rondes/{world.round_2.pk}")
        uwv.get_by_role("button", name=nl("Decide the applications now")).click()
        uwv.wait_for_load_state()

    # Her outcome: granted, the money reserved from UWV's budget, what she pays herself.
    visit(page, f"{app}/aanvragen")
    expect(page.locator('tr[data-status="granted"]')).to_contain_text("Verpleegkunde")
    page.locator('tr[data-status="granted"] a').click()
    check(page)
    expect(page.locator("[data-status]")).to_contain_text(nl("Granted: the money is reserved"))
    expect(page.locator("main")).to_contain_text("UWV")
    expect(page.locator("main")).to_contain_text("€ 2.500,00")
    expect(page.locator("main")).to_contain_text(
        nl("You pay %(amount)s yourself.") % {"amount": "€ 3.680,00"}
    )
    app_row = Application.objects.get(person=world.sanne)
    assert (app_row.status, app_row.amount_cents, app_row.own_cents) == (
        "granted",
        250_000,
        368_000,
    )
    assert app_row.budget_id == world.round_2.budget_id  # UWV's budget
    # Her overview: the round's grant is money set aside for her training, not "€ 0,00"
    # left; at 320 px too (issue 15, finding 9).
    visit(page, f"{app}/home")
    expect(page.locator("[data-reserved]")).to_contain_text(
        nl("%(amount)s is set aside for a course.") % {"amount": "€ 2.500,00"}
    )
    fits_width(page, 320)
    check(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{app}/aanvragen")
    page.locator('tr[data-status="granted"] a').click()

    # The provider enrols her, the course starts and she completes it: UWV's money is paid.
    provider = app_row.provider
    services.enrol(
        actor=services.SYSTEM, provider=provider, application=app_row, sessions_planned=10
    )
    start = app_row.offering.start_date
    services.start(actor=services.SYSTEM, provider=provider, application=app_row, on=start)
    services.complete(
        actor=services.SYSTEM, provider=provider, application=app_row, credential="DIPL-1",
        on=start + dt.timedelta(days=300),
    )  # fmt: skip
    visit(page, page.url)
    expect(page.locator("[data-status]")).to_contain_text(nl("Completed and paid"))
    expect(page.locator("main")).to_contain_text(nl("Final payment"))
