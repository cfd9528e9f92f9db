# SPDX-License-Identifier: EUPL-1.2
"""Peter's journey (JOURNEYS.md: a policy officer "changes a parameter of the new LLO scheme
from 2027, runs the what-if over the whole population, compares reach among low-educated
people, and later sees predicted against actual reach") in chromium:

the schemes and their parameters with their history, in Dutch (the parameter notes too:
issue 15, finding 10) → the what-if with an example reform ("tot en met mbo 4" read as the
person's level) and with his own change pasted as YAML (the scheme pays up to mbo 3 from
2027), each compared with the rules as they are, split by education → the public spending
register. Predicted against actual reach has no page yet (the closing note of issue 15 says
so). axe-core (WCAG 2.2 AA) and the Dutch checker on every page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import BrowserContext, Page, expect

from llo.schemes.simulation.run import DIMENSION_LABELS, EDUCATION_LABELS
from tests.e2e.journey_world import check
from tests.e2e.test_browser import log_in_as, nl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NewContext = Callable[..., BrowserContext]

MBO_3 = """name: Tot en met mbo 3
description: De nieuwe LLO-regeling betaalt opleidingen tot en met niveau 3.
changes:
  llo_regeling.max_level:
    2027-01-01: eqf_3
"""


def table(page: Page, caption: str) -> dict[str, list[str]]:
    """A results table of the new LLO scheme, by the start of its caption: label → cells."""
    section = page.locator('section[aria-labelledby="scheme-llo_regeling"]')
    rows = section.locator("table", has=page.locator("caption", has_text=caption)).first
    return {
        r.locator("th").inner_text().strip(): [c.strip() for c in r.locator("td").all_inner_texts()]
        for r in rows.locator("tbody tr").all()
    }


def whole(text: str) -> int:
    """A Dutch whole number as the page shows it ("1.234", "-17", with a minus sign too)."""
    return int(text.replace(".", "").replace("\u2212", "-").replace("+", ""))


def run_what_if(page: Page) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Run the what-if; return the totals and the reach by education of the new scheme."""
    page.get_by_label(nl("Number of persons")).fill("2000")
    page.get_by_role("button", name=nl("Run the what-if")).click()
    expect(page.locator("#results-title")).to_be_visible(timeout=60_000)
    check(page)
    with translation.override("nl"):
        totals = table(page, gettext("Totals over %(n)s persons") % {"n": "2.000"})
        by_education = table(
            page, gettext("Eligible persons") + ": " + str(DIMENSION_LABELS["education"])
        )
    return totals, by_education


def test_peter_reads_the_rules_runs_the_what_if_and_sees_the_spending(
    app: str, new_context: NewContext
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "peter")
    check(page)

    # The schemes, and the new LLO scheme's parameters with their history.
    page.locator("main").get_by_role("link", name=nl("See the schemes")).click()
    check(page)
    row = page.locator("tr", has_text="Nieuwe LLO-regeling")
    expect(row).to_contain_text("1 januari 2027")
    # Every scheme's page reads as Dutch, its parameter notes too (only the names he copies
    # into a reform are code).
    schemes = page.locator("main tbody tr th a")
    for href in [h for h in schemes.evaluate_all("els => els.map(e => e.pathname)") if h]:
        page.goto(f"{app}{href}")
        check(page)
    page.goto(f"{app}/beleid/regelingen")
    row.get_by_role("link").first.click()
    page.wait_for_url(f"{app}/beleid/regelingen/llo_regeling")
    check(page)
    level = page.locator("section", has=page.locator("h3", has_text="llo_regeling.max_level"))
    expect(level).to_contain_text("Het hoogste NLQF-niveau dat de regeling betaalt")
    expect(level.locator("tbody tr").first).to_contain_text("Niveau 4 (mbo 4, havo)")
    expect(page.locator("main")).to_contain_text("€ 1.000,00")

    # The what-if: an example reform, over a synthetic population, on 1 March 2027.
    page.goto(f"{app}/beleid/wat-als")
    check(page)
    page.get_by_label(nl("Example reform")).select_option(
        label="Tot en met mbo 4 gaat over de persoon"
    )
    totals, _by_education = run_what_if(page)
    eligible = totals[nl("Eligible persons")]
    assert whole(eligible[0]) > 0
    assert whole(eligible[0]) + whole(eligible[2]) == whole(eligible[1])  # baseline + diff

    # His own change, pasted: up to mbo 3 from 2027. Fewer people qualify, and fewer of
    # them have a low education; the money it would cost goes down too.
    page.get_by_label(nl("Example reform")).select_option("")
    page.get_by_label(nl("Or paste the reform (YAML)")).fill(MBO_3)
    totals, by_education = run_what_if(page)
    expect(page.locator("main")).to_contain_text("Tot en met mbo 3")
    eligible = totals[nl("Eligible persons")]
    assert whole(eligible[2]) < 0, eligible
    assert totals[nl("Expected cost")][2].startswith("-"), totals
    low = by_education[str(EDUCATION_LABELS["low"])]
    assert whole(low[3]) <= whole(low[1]), low  # eligible low-educated: reform ≤ baseline

    # The public spending register.
    page.goto(f"{app}/home")
    page.locator("main").get_by_role("link", name=nl("Public spending register")).click()
    check(page)
    expect(page.locator("h1")).to_be_visible()
