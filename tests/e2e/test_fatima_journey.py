# SPDX-License-Identifier: EUPL-1.2
"""Fatima's and Ilse's journeys (JOURNEYS.md) in chromium.

Fatima, keyboard only (every control reached with Tab and used with Enter or Space): she
gives the work centre Rijnmond consent, finds a basic-skills course and applies for it: the
gemeente pays it in full. Ilse, with that consent, opens Fatima's overview, makes a
development plan with her (care assistant, the skills gap, steps with who pays what) and
applies for the care course on her behalf: Fatima pays € 0, O&O-fonds Retail and her
employer pay the rest. Fatima then sees the plan and both applications; after she ends the
consent, Ilse's pages answer 404. axe-core finds no WCAG 2.2 AA violation and the Dutch
checker no English or raw code on any page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from llo.enrolment.models import Application
from tests.e2e.conftest import assert_no_axe_violations
from tests.e2e.dutch import assert_dutch
from tests.e2e.fatima_world import build
from tests.e2e.test_browser import log_in_as, nl
from tests.e2e.windows_world import fits_width

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def check(page: Page) -> None:
    assert_no_axe_violations(page)
    assert_dutch(page)


def tab_to(page: Page, target: Locator, limit: int = 250) -> None:
    """Press Tab until ``target`` has the focus (it must be reachable by keyboard)."""
    handle = target.element_handle()
    for _ in range(limit):
        if page.evaluate("el => document.activeElement === el", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} is not reached with Tab on {page.url}")


def press(page: Page, target: Locator, key: str = "Enter", navigates: bool = True) -> None:
    """Tab to ``target`` and press ``key``; wait for the page it opens."""
    tab_to(page, target)
    if not navigates:
        page.keyboard.press(key)
        return
    with page.expect_navigation():
        page.keyboard.press(key)


def test_fatima_by_keyboard_and_ilse_with_her_consent(
    app: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(bypass_csp=True).new_page()
    page.goto(f"{app}/inloggen/demo")  # makes the personas (app fixture)
    world = build()
    press(page, page.locator('button[data-persona="fatima"]'))
    page.wait_for_url(f"{app}/home")
    check(page)

    # Consent for the work centre Rijnmond, to help her apply, for 90 days.
    press(page, page.locator("main").get_by_role("link", name=nl("Help from an adviser")))
    page.wait_for_url(f"{app}/mijn-toestemmingen")
    check(page)
    tab_to(page, page.get_by_label(nl("Which work centre may help you?")))
    page.keyboard.type(world.rwc.name)
    expect(page.get_by_label(nl("Which work centre may help you?"))).to_have_value(
        str(world.rwc.pk)
    )
    press(page, page.get_by_role("button", name=nl("Yes, the adviser may help me")))
    page.wait_for_url(f"{app}/mijn-toestemmingen")
    check(page)
    expect(page.locator('[data-active="yes"]')).to_contain_text(world.rwc.name)

    # She finds the basic-skills course and applies: the gemeente pays it all.
    page.goto(f"{app}/home")
    press(page, page.locator("main").get_by_role("link", name=nl("Search courses")))
    page.wait_for_url(re.compile(r"/opleidingen"))
    tab_to(page, page.locator("input[name=q]"))
    page.keyboard.type("lezen en schrijven")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check(page)
    press(page, page.get_by_role("link", name="Beter lezen en schrijven (NT1)").first)
    page.wait_for_url(re.compile(r"/opleidingen/\d+"))
    check(page)
    expect(page.locator("main")).to_contain_text(nl("You pay € 0,00 yourself."))
    press(page, page.locator(f'a[href="/aanvragen/nieuw/{world.language.pk}"]'))
    page.wait_for_url(re.compile(r"/aanvragen/nieuw/\d+"))
    check(page)
    expect(page.locator("#own-pay")).to_have_text(nl("You pay € 0,00 yourself."))
    expect(page.locator("main")).to_contain_text("Gemeente Rotterdam")
    fits_width(page, 320)
    check(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    press(page, page.get_by_label(nl("I checked this. I want to apply.")), "Space", False)
    press(page, page.get_by_role("button", name=nl("Apply"), exact=True))
    page.wait_for_url(re.compile(r"/aanvragen/\d+$"))
    check(page)
    first = Application.objects.get(person=world.fatima, offer=world.language.offer)
    assert (first.amount_cents, first.own_cents, first.consent_id) == (35_000, 0, None)
    assert [f.right.funder.organisation.name for f in first.fundings.all()] == [
        "Gemeente Rotterdam"
    ]

    # Ilse: Fatima's overview, a plan toward care assistant, the care course for her.
    ilse = new_context(bypass_csp=True).new_page()
    log_in_as(ilse, app, "ilse")
    check(ilse)
    ilse.locator("main").get_by_role("link", name=nl("People you help")).first.click()
    check(ilse)
    ilse.get_by_role("link", name=world.fatima.display_name).click()
    check(ilse)
    expect(ilse.locator("main")).to_contain_text("RetailFlex")
    expect(ilse.locator("main")).to_contain_text("Beter lezen en schrijven (NT1)")
    ilse.get_by_role("link", name=nl("Make a development plan")).click()
    check(ilse)
    ilse.get_by_label(nl("Which job is the goal?")).fill("zorgassistent")
    ilse.get_by_role("button", name=nl("Save the goal")).click()
    check(ilse)
    expect(ilse.locator("main")).to_contain_text(
        nl("The goal: to work as %(goal)s.") % {"goal": "zorghulp"}
    )
    expect(ilse.locator('[data-has="no"]')).to_have_count(4)
    card = ilse.locator(f'[data-choices] [data-offer="{world.care.offer_id}"]')
    expect(card.locator("[data-own]")).to_have_attribute("data-own", "0")
    card.get_by_label(nl("Why this step?")).fill("Zo leert u de basis van de zorg.")
    card.get_by_role("button").click()
    check(ilse)
    step = ilse.locator('[data-step="1"]')
    expect(step).to_contain_text(nl("You pay € 0,00 yourself."))
    expect(step).to_contain_text("O&O-fonds Retail")
    expect(step).to_contain_text("RetailFlex")
    expect(ilse.locator('[data-has="step"]')).to_have_count(3)
    ilse.locator(f'[data-choices] [data-offer="{world.living.offer_id}"]').get_by_role(
        "button"
    ).click()
    expect(ilse.locator('[data-has="no"]')).to_have_count(0)
    fits_width(ilse, 320)
    check(ilse)
    ilse.set_viewport_size({"width": 1280, "height": 900})
    step.locator("[data-apply]").click()
    ilse.wait_for_url(re.compile(r"/aanvragen/nieuw/\d+\?persoon=\d+"))
    check(ilse)
    expect(ilse.locator("#own-pay")).to_have_text(nl("You pay € 0,00 yourself."))
    ilse.get_by_label(nl("I checked this. I want to apply.")).check()
    ilse.get_by_role("button", name=nl("Apply"), exact=True).click()
    ilse.wait_for_url(re.compile(r"/aanvragen/\d+$"))
    check(ilse)
    care = Application.objects.get(person=world.fatima, offer=world.care.offer)
    assert care.consent is not None
    assert care.consent.organisation == world.rwc
    assert (care.amount_cents, care.own_cents) == (110_000, 0)
    assert sorted(
        (f.right.funder.organisation.name, f.amount_cents) for f in care.fundings.all()
    ) == [("O&O-fonds Retail", 15_000), ("RetailFlex Uitzendbureau", 95_000)]

    # Fatima sees the plan and both applications; then she ends the consent.
    page.goto(f"{app}/mijn-ontwikkelplan")
    check(page)
    expect(page.locator("main")).to_contain_text("Starten in de zorg")
    expect(page.locator("main")).to_contain_text("Zo leert u de basis van de zorg.")
    page.goto(f"{app}/aanvragen")
    check(page)
    expect(page.locator("tbody tr")).to_have_count(2)
    page.goto(f"{app}/mijn-toestemmingen")
    press(page, page.get_by_role("link", name=re.compile(world.rwc.name)))
    check(page)
    press(page, page.get_by_role("button", name=nl("Yes, stop the help")))
    page.wait_for_url(f"{app}/mijn-toestemmingen")
    check(page)
    expect(page.locator('[data-active="no"]')).to_contain_text(world.rwc.name)
    gone = ilse.goto(f"{app}/adviseur/clienten/{world.fatima.pk}")
    assert gone is not None
    assert gone.status == 404
