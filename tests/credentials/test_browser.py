# SPDX-License-Identifier: EUPL-1.2
"""The credentials journeys in a real browser (Debian's chromium), axe-core on every page:

* a provider completes Fatima's course and gives her certificate; it appears in her
  Leeroverzicht, is valid on the public verify page and downloads in both forms;
* Jan's EVC proposes exemptions in a programme; Academie Vakwerk accepts two and refuses one
  with a reason; Jan sees the decisions and the lower price;
* a withdrawn certificate shows as withdrawn everywhere (overview, certificate page, shared
  link, public verify page and API).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from llo.demo.accounts import load_accounts
from llo.demo.credentials import load_credentials
from llo.demo.enrolment import load_enrolment
from llo.demo.loader import DEMO_SEED
from llo.demo.offers import load_offers
from llo.enrolment.models import Application
from tests.e2e.conftest import app, assert_no_axe_violations, browser, new_context  # noqa: F401
from tests.e2e.test_browser import log_in_as, nl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _demo(with_enrolment: bool = False) -> None:
    """The personas' providers and offers (no generated ones), and what each test needs."""
    load_offers(seed=DEMO_SEED, providers=0, offers=0)
    if with_enrolment:
        load_accounts(seed=DEMO_SEED)
        load_enrolment(seed=DEMO_SEED)
    load_credentials(seed=DEMO_SEED)


def _page(make: Callable[..., BrowserContext]) -> Page:
    return make(bypass_csp=True, accept_downloads=True).new_page()


def _paste_and_verify(page: Page, base: str, text: str) -> None:
    page.goto(f"{base}/verifieren")
    assert_no_axe_violations(page)
    page.locator("#id_credential").fill(text)
    page.get_by_role("button", name=nl("Check")).click()
    expect(page.locator("[data-valid]")).to_be_visible()


def test_fatima_gets_her_certificate_and_anyone_can_check_it(
    app: str,  # noqa: F811 - fixture
    new_context: Callable[..., BrowserContext],  # noqa: F811 - fixture
) -> None:
    page = _page(new_context)
    log_in_as(page, app, "maasstad")  # the demo login makes the personas
    _demo(with_enrolment=True)
    app_row = Application.objects.get(person__display_name="Fatima El Amrani")
    course = app_row.offer.title

    # ROC Maasstad reports Fatima's attendance and that she completed the course...
    page.goto(f"{app}/opleider/aanvragen/{app_row.pk}")
    page.locator("input[name=attended]").fill("18")
    page.get_by_role("button", name=nl("Save attendance")).click()
    page.get_by_role("button", name=nl("Report completion")).click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "paid")
    # ...and gives her the certificate.
    page.goto(f"{app}/certificaten")
    assert_no_axe_violations(page)
    page.get_by_role(
        "button", name=nl("Give the certificate to %(name)s") % {"name": "Fatima El Amrani"}
    ).click()
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    assert_no_axe_violations(page)

    fatima = _page(new_context)
    log_in_as(fatima, app, "fatima")
    certificates = fatima.locator("section[aria-labelledby=your-certificates]")
    expect(certificates).to_contain_text(course)
    assert_no_axe_violations(fatima)
    certificates.get_by_role("link", name=course).click()
    expect(fatima.locator("[data-valid]")).to_have_attribute("data-valid", "true")
    assert_no_axe_violations(fatima)
    texts = []
    for label in ("Download as JSON-LD (Open Badges 3.0)", "Download as JWT"):
        with fatima.expect_download() as info:
            fatima.get_by_role("link", name=nl(label)).click()
        path = info.value.path()
        texts.append(Path(path).read_text(encoding="utf-8"))
    assert json.loads(texts[0])["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert texts[1].count(".") == 2

    # Anyone checks both forms on the public page, without logging in.
    visitor = _page(new_context)
    for text in texts:
        _paste_and_verify(visitor, app, text)
        expect(visitor.locator("[data-valid]")).to_have_attribute("data-valid", "true")
        for check in ("signature", "issuer", "status", "dates", "schema"):
            expect(visitor.locator(f'tr[data-check="{check}"]')).to_have_attribute(
                "data-outcome", "passed"
            )
        assert_no_axe_violations(visitor)
    # A changed character: invalid, with the reason.
    _paste_and_verify(visitor, app, texts[0].replace("El Amrani", "El Amrany"))
    expect(visitor.locator("[data-valid]")).to_have_attribute("data-valid", "false")
    expect(visitor.locator('tr[data-check="signature"]')).to_have_attribute(
        "data-outcome", "failed"
    )


def test_jans_evc_gives_exemptions_the_provider_decides(
    app: str,  # noqa: F811 - fixture
    new_context: Callable[..., BrowserContext],  # noqa: F811 - fixture
) -> None:
    jan = _page(new_context)
    log_in_as(jan, app, "jan")
    _demo()
    jan.goto(f"{app}/home")
    expect(jan.locator("section[aria-labelledby=your-certificates]")).to_contain_text(
        "EVC onderhoudsmonteur"
    )
    jan.goto(f"{app}/mijn-certificaten")
    assert_no_axe_violations(jan)
    jan.locator("#id_programme").select_option(
        label="Allround onderhoudsmonteur (Academie Vakwerk)"
    )
    jan.get_by_role("button", name=nl("Look for exemptions")).click()
    rows = jan.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(jan.locator("tbody")).to_contain_text("Storingsanalyse")
    assert_no_axe_violations(jan)
    exemptions_url = jan.url

    provider = _page(new_context)
    log_in_as(provider, app, "vakwerk")
    provider.goto(f"{app}/certificaten")
    assert_no_axe_violations(provider)
    for title, decision, reason in (
        ("Preventief onderhoud", "Accept", ""),
        ("Storingsanalyse", "Accept", ""),
        (
            "Lastechniek voor onderhoud",
            "Refuse",
            "Voor lassen is een praktijkexamen nodig; de EVC toont dat niet aan.",
        ),
    ):
        card = provider.locator("article[data-exemption]").filter(has_text=title)
        if reason:
            card.get_by_label(nl("Reason (needed when you refuse)")).fill(reason)
        card.get_by_role("button", name=nl(decision)).click()
        expect(provider.locator(".utrecht-alert--ok")).to_be_visible()
    # A refusal without a reason is not possible (the form says why).
    assert provider.locator('article[data-state="proposed"]').count() == 0

    jan.goto(exemptions_url)
    expect(jan.locator('tr[data-state="accepted"]')).to_have_count(2)
    expect(jan.locator('tr[data-state="refused"]')).to_contain_text("praktijkexamen")
    # Fee EUR 4,800 over 600 hours of units; two units of 160 hours off: EUR 2,560 less.
    expect(jan.locator("[data-price]")).to_have_attribute("data-price", "244000")
    assert_no_axe_violations(jan)


def test_withdrawn_certificate_shows_as_withdrawn_everywhere(
    app: str,  # noqa: F811 - fixture
    new_context: Callable[..., BrowserContext],  # noqa: F811 - fixture
) -> None:
    jan = _page(new_context)
    log_in_as(jan, app, "jan")
    _demo()
    jan.goto(f"{app}/mijn-certificaten")
    jan.get_by_role("link", name="EVC onderhoudsmonteur").click()
    jan.locator("#id_expires").fill("2099-12-31")
    jan.get_by_role("button", name=nl("Make a link")).click()
    expect(jan.locator(".utrecht-form-field-error-message")).to_be_visible()  # more than a year
    from llo.core.timeutil import today

    soon = today().replace(year=today().year + 1, day=1).isoformat()
    jan.locator("#id_expires").fill(soon)
    jan.get_by_role("button", name=nl("Make a link")).click()
    shared = jan.locator("[data-share-url]").inner_text()
    with jan.expect_download() as info:
        jan.get_by_role("link", name=nl("Download as JSON-LD (Open Badges 3.0)")).click()
    document = Path(info.value.path()).read_text(encoding="utf-8")
    detail_url = jan.url

    provider = _page(new_context)
    log_in_as(provider, app, "vakwerk")
    provider.goto(f"{app}/certificaten")
    card = provider.locator("article[data-credential]").filter(has_text="EVC onderhoudsmonteur")
    card.get_by_label(nl("Reason")).fill("Het assessment is niet goed uitgevoerd.")
    card.get_by_role("button", name=nl("Withdraw")).click()
    expect(provider.locator('article[data-state="revoked"]')).to_have_count(1)
    assert_no_axe_violations(provider)

    revoked = nl("Not valid: withdrawn by the issuer.")
    jan.goto(f"{app}/home")
    expect(jan.locator('li[data-state="revoked"]')).to_contain_text(nl("Withdrawn"))
    jan.goto(detail_url)
    expect(jan.locator("[data-valid]")).to_contain_text(revoked)
    expect(jan.locator("main")).to_contain_text("Het assessment is niet goed uitgevoerd.")
    assert_no_axe_violations(jan)

    visitor = _page(new_context)
    visitor.goto(shared)
    expect(visitor.locator("[data-valid]")).to_contain_text(revoked)
    assert_no_axe_violations(visitor)
    _paste_and_verify(visitor, app, document)
    expect(visitor.locator("[data-valid]")).to_contain_text(revoked)
    expect(visitor.locator('tr[data-check="status"]')).to_have_attribute("data-outcome", "failed")
    answer = visitor.request.post(
        f"{app}/api/v1/credentials/verify", data=json.dumps({"credential": document}),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert answer.json()["status"] == "revoked"
