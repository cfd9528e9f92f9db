# SPDX-License-Identifier: EUPL-1.2
"""Log in as the demo personas in a real browser; check WCAG 2.2 AA with axe-core.

JOURNEYS.md: Fatima reads Dutch with difficulty and needs B1 text; every page works without
JavaScript (DESIGN.md section 1); accessibility is WCAG 2.2 AA, checked with axe-core in a real
browser (DESIGN.md section 4).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import BrowserContext, Page, expect

from llo.core.identifiers import IdentifierError, validate_bsn
from llo.demo.personas import LOGINS
from tests.e2e.conftest import CspWatch, assert_no_axe_violations

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data; serialized_rollback gives the next test back the
    # regions and gemeenten that the migrations loaded.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NewContext = Callable[..., BrowserContext]


def nl(msgid: str) -> str:
    with translation.override("nl"):
        return translation.gettext(msgid)


def log_in_as(page: Page, app: str, key: str) -> None:
    page.goto(f"{app}/inloggen/demo")
    page.locator(f'button[data-persona="{key}"]').click()
    page.wait_for_url(f"{app}/home")


def test_fatima_logs_in_and_sees_her_overview(
    app: str, new_context: NewContext, tmp_path: Path
) -> None:
    context = new_context()
    page = context.new_page()
    csp = CspWatch()
    csp.attach(page)

    log_in_as(page, app, "fatima")

    expect(page.locator("h1")).to_have_text(nl("My learning overview"))
    assert nl("My learning overview") == "Mijn leeroverzicht"
    expect(page.locator("main")).to_contain_text("Fatima El Amrani")
    expect(page.locator("header")).to_contain_text("Fatima El Amrani")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    # The theme and our style sheet are applied (no inline styles are allowed by the CSP).
    font = page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "Noto Serif" in font
    page.screenshot(path=str(tmp_path / "home-fatima.png"), full_page=True)
    assert (tmp_path / "home-fatima.png").stat().st_size > 10_000
    assert csp.messages == []


def test_axe_reports_no_violations_on_the_public_pages(app: str, new_context: NewContext) -> None:
    page = new_context(bypass_csp=True).new_page()
    for path in ["/", "/inloggen", "/inloggen/demo"]:
        page.goto(f"{app}{path}")
        assert_no_axe_violations(page)


def test_axe_reports_no_violations_with_a_field_error(app: str, new_context: NewContext) -> None:
    page = new_context(bypass_csp=True).new_page()
    page.goto(f"{app}/inloggen/demo")
    page.locator("#id_bsn").fill("123456789")
    page.locator("form.llo-form button[type=submit]").click()

    with translation.override("nl"), pytest.raises(IdentifierError) as error:
        validate_bsn("123456789")
    message = str(error.value)
    # The message stands in the BSN field, right above its input, and the input points at it.
    field = page.locator(".utrecht-form-field", has=page.locator("#id_bsn"))
    expect(field.locator(".utrecht-form-field-error-message")).to_contain_text(message)
    expect(page.locator("#id_bsn")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_bsn")).to_have_attribute(
        "aria-describedby", re.compile("id_bsn-error")
    )
    expect(page).to_have_title(re.compile("^" + re.escape(nl("Error:"))))
    assert_no_axe_violations(page)


@pytest.mark.parametrize("key", [login.key for login in LOGINS])
def test_axe_reports_no_violations_on_each_home_page(
    app: str, new_context: NewContext, key: str
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, key)
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_first_tab_focuses_the_skip_link_and_shows_it(
    app: str, new_context: NewContext
) -> None:
    page = new_context().new_page()
    csp = CspWatch()
    csp.attach(page)
    page.goto(f"{app}/")
    skip = page.locator("a.utrecht-skip-link")
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 0, "hidden above the page at first"

    page.keyboard.press("Tab")

    assert page.evaluate("() => document.activeElement.classList.contains('utrecht-skip-link')")
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0, box
    assert box["height"] >= 24, box
    expect(skip).to_be_in_viewport()
    expect(skip).to_have_text(nl("Skip to main content"))

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert csp.messages == []


def test_everything_works_without_javascript(app: str, new_context: NewContext) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{app}/")
    page.get_by_role("link", name=nl("Log in")).first.click()
    page.get_by_role("link", name=nl("Demo login")).click()
    expect(page).to_have_url(f"{app}/inloggen/demo")

    # A typed number with an error comes back with the message, without any script.
    page.locator("#id_bsn").fill("12")
    page.locator("form.llo-form button[type=submit]").click()
    expect(page.locator("#id_bsn-error")).to_be_visible()

    # Switch to English and back, then log in as Jan with his persona button.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Demo login")
    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    page.locator('button[data-persona="jan"]').click()
    expect(page).to_have_url(f"{app}/home")
    expect(page.locator("h1")).to_have_text(nl("My learning overview"))
    expect(page.locator("main")).to_contain_text("Jan Hofstede")

    page.get_by_role("button", name=nl("Log out")).click()
    expect(page).to_have_url(f"{app}/")
