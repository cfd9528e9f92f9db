# SPDX-License-Identifier: EUPL-1.2
"""The credentials journeys in a real browser (Debian's chromium), axe-core on every page:

* a provider completes Fatima's course and gives her certificate; it appears in her
  Leeroverzicht, is valid on the public verify page and downloads in both forms;
* Academie Vakwerk's assessor gives Jan his EVC from a page (bad input named beside the
  fields); it proposes exemptions in a programme; Academie Vakwerk accepts two and refuses one
  with a reason; Jan's price, funding plan and apply page follow, and he applies;
* a withdrawn certificate shows as withdrawn everywhere (overview, certificate page, shared
  link, public verify page and API).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import BrowserContext, Page, expect

from llo.core import audit
from llo.core.roles import Role
from llo.core.timeutil import today
from llo.credentials.models import Credential
from llo.demo.accounts import load_accounts
from llo.demo.credentials import load_credentials
from llo.demo.enrolment import load_enrolment
from llo.demo.loader import DEMO_SEED
from llo.demo.offers import load_offers
from llo.demo.personas import PERSONS
from llo.enrolment.models import Application
from llo.people.models import Organisation
from llo.people.services import grant_role
from llo.register.models import Offer
from tests.e2e.conftest import app, assert_no_axe_violations, browser, new_context  # noqa: F401
from tests.e2e.test_browser import log_in_as, nl

TEST_ACTOR = audit.Actor.system("test")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _demo(with_enrolment: bool = False, issue_evc: bool = False) -> None:
    """The personas' providers and offers (no generated ones), and what each test needs."""
    load_offers(seed=DEMO_SEED, providers=0, offers=0)
    if with_enrolment:
        load_accounts(seed=DEMO_SEED)
        load_enrolment(seed=DEMO_SEED)
    load_credentials(seed=DEMO_SEED, issue_evc=issue_evc)


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

    # ROC Maasstad reports Fatima's attendance and, once the course has run (a completion
    # before the start date is refused: issue 15), that she completed it; the rest of the
    # journey happens then too (a certificate is valid from the day it is issued).
    later = dt.datetime.combine(
        app_row.offering.start_date + dt.timedelta(days=60), dt.time(10), tzinfo=dt.UTC
    )
    with time_machine.travel(later, tick=True):
        log_in_as(page, app, "maasstad")
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


def test_jans_evc_becomes_exemptions_and_his_plan_and_price_follow(
    app: str,  # noqa: F811 - fixture
    new_context: Callable[..., BrowserContext],  # noqa: F811 - fixture
    tmp_path: Path,
) -> None:
    """Issue 16, "Done when": Jan's EVC becomes a credential that proposes exemptions in a
    programme, the provider accepts two and refuses one with a reason, and his funding plan
    and price follow."""
    provider = _page(new_context)
    log_in_as(provider, app, "vakwerk")
    # Jan's O&O rights (2025 saved, 2026) and his welding course, which used the 2025 money
    # and EUR 200 of 2026's: the demo as it is, nothing deposited by the test.
    _demo(with_enrolment=True)
    jan_spec = next(p for p in PERSONS if p.key == "jan")
    vakwerk = Organisation.objects.get(kvk="90000009")
    grant_role(actor=TEST_ACTOR, organisation=vakwerk, role=Role.ASSESSOR, reason="EVC-aanbieder")

    # Academie Vakwerk's assessor (a role of its own) gives Jan his EVC; bad input first.
    assessor = _page(new_context)
    log_in_as(assessor, app, "vakwerk-evc")
    assessor.get_by_role("link", name=nl("Give an experience certificate (EVC)")).click()
    assert_no_axe_violations(assessor)
    assessor.get_by_role("button", name=nl("Give the certificate")).click()
    for field, message in (
        ("procedure", "Choose the EVC procedure."),
        ("bsn", "Fill in the BSN of the candidate."),
        ("confirm", "Tick the box. Only then can you give the certificate."),
    ):
        expect(assessor.locator(f"#id_{field}-error")).to_contain_text(nl(message))
    expect(assessor.locator("#id_bsn")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(assessor)
    assessor.locator("#id_procedure").select_option(label="EVC onderhoudsmonteur")
    assessor.locator("#id_bsn").fill(jan_spec.bsn)
    assessor.locator("#id_birth_date").fill("1970-01-01")  # not Jan's date of birth
    assessed = (today() - dt.timedelta(days=7)).isoformat()
    assessor.locator("#id_assessed_on").fill(assessed)
    assessor.locator("#id_confirm").check()
    assessor.get_by_role("button", name=nl("Give the certificate")).click()
    expect(assessor.locator("#id_bsn-error")).to_contain_text(
        nl("We cannot find a person with this BSN and date of birth. Check both.")
    )
    assert not Credential.objects.exists()
    assessor.locator("#id_birth_date").fill(jan_spec.birth_date.isoformat())
    assessor.locator("#id_confirm").check()
    assessor.get_by_role("button", name=nl("Give the certificate")).click()
    expect(assessor.locator(".utrecht-alert--ok")).to_contain_text("Jan Hofstede")
    expect(assessor.locator("li[data-credential]")).to_contain_text("EVC onderhoudsmonteur")
    assert_no_axe_violations(assessor)
    assessor.screenshot(path=str(tmp_path / "evc-issued.png"), full_page=True)

    # Jan sees it, and it proposes three exemptions in the programme.
    jan = _page(new_context)
    log_in_as(jan, app, "jan")
    expect(jan.locator("section[aria-labelledby=your-certificates]")).to_contain_text(
        "EVC onderhoudsmonteur"
    )
    jan.goto(f"{app}/mijn-certificaten")
    assert_no_axe_violations(jan)
    jan.locator("#id_programme").select_option(
        label="Allround onderhoudsmonteur (Academie Vakwerk)"
    )
    jan.get_by_role("button", name=nl("Look for exemptions")).click()
    expect(jan.locator('tr[data-state="proposed"]')).to_have_count(3)
    expect(jan.locator("tbody").first).to_contain_text("Storingsanalyse")
    # Nothing decided yet: the full price of EUR 5,000.
    expect(jan.locator("[data-price]")).to_have_attribute("data-price", "500000")
    own_before = int(jan.locator("[data-own]").get_attribute("data-own") or "-1")
    lines_before = [
        int(a or 0)
        for a in jan.locator("tr[data-plan-line]").evaluate_all(
            "rows => rows.map(r => r.dataset.amount)"
        )
    ]
    assert_no_axe_violations(jan)
    exemptions_url = jan.url

    provider.goto(f"{app}/certificaten")
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
            card.get_by_role("button", name=nl(decision)).click()  # no reason: not possible
            expect(card.locator(".utrecht-form-field-error-message")).to_contain_text(
                nl("Say why you refuse this exemption.")
            )
            assert_no_axe_violations(provider)
            card.get_by_label(nl("Reason (needed when you refuse)")).fill(reason)
        card.get_by_role("button", name=nl(decision)).click()
        expect(provider.locator(".utrecht-alert--ok")).to_be_visible()
        assert_no_axe_violations(provider)
    assert provider.locator('article[data-state="proposed"]').count() == 0

    # The price and the funding plan follow.
    jan.goto(exemptions_url)
    expect(jan.locator('tr[data-state="accepted"]')).to_have_count(2)
    expect(jan.locator('tr[data-state="refused"]')).to_contain_text("praktijkexamen")
    # Fee EUR 4,800 over 600 hours of units; two units of 160 hours off: EUR 2,560 less.
    expect(jan.locator("[data-price]")).to_have_attribute("data-price", "244000")
    expect(jan.locator("[data-reductions] li")).to_have_count(2)
    own_after = int(jan.locator("[data-own]").get_attribute("data-own") or "-1")
    lines_after = [
        int(a or 0)
        for a in jan.locator("tr[data-plan-line]").evaluate_all(
            "rows => rows.map(r => r.dataset.amount)"
        )
    ]
    assert sum(lines_after) + own_after == 244_000
    assert sum(lines_before) + own_before == 500_000
    # O&O-fonds Techniek pays what is left of Jan's 2026 money (EUR 1,500 minus the EUR 200
    # the welding course took); the programme is NLQF 4, so no 20 % co-payment applies.
    assert lines_after == [0, 130_000]
    assert own_after == 244_000 - 130_000
    expect(jan.locator("tr[data-plan-line]").nth(1)).to_contain_text("O&O-fonds Techniek")
    assert own_after < own_before
    assert all(after <= before for after, before in zip(lines_after, lines_before, strict=True))
    assert_no_axe_violations(jan)
    jan.screenshot(path=str(tmp_path / "exemptions-after.png"), full_page=True)

    # The offer page (as the search page) shows the same price after the exemptions.
    programme = Offer.objects.get(code="AV-OM")
    jan.goto(f"{app}/opleidingen/{programme.pk}")
    expect(jan.locator("p[data-price-cents]")).to_have_attribute("data-price-cents", "244000")
    expect(jan.locator("[data-own-cents]").first).to_have_attribute(
        "data-own-cents", str(own_after)
    )
    assert_no_axe_violations(jan)
    jan.go_back()

    # The apply page shows the same price, names the exemptions and reserves what the plan says.
    start = re.escape(nl("Apply for the start on %(date)s") % {"date": ""})
    jan.get_by_role("link", name=re.compile(f"^{start}")).click()
    expect(jan.locator("dd[data-price]")).to_have_attribute("data-price", "244000")
    expect(jan.locator("[data-exemptions] li")).to_have_count(2)
    expect(jan.locator("[data-exemptions]")).to_contain_text("Preventief onderhoud")
    assert_no_axe_violations(jan)
    jan.screenshot(path=str(tmp_path / "apply.png"), full_page=True)
    jan.get_by_label(nl("I checked this. I want to apply.")).check()
    jan.get_by_role("button", name=nl("Apply")).click()
    expect(jan.locator("[data-status]")).to_be_visible()
    applied = Application.objects.get(offer__code="AV-OM")
    assert applied.amount_cents + applied.own_cents == 244_000
    assert (applied.amount_cents, applied.own_cents) == (sum(lines_after), own_after)


def test_withdrawn_certificate_shows_as_withdrawn_everywhere(
    app: str,  # noqa: F811 - fixture
    new_context: Callable[..., BrowserContext],  # noqa: F811 - fixture
) -> None:
    jan = _page(new_context)
    log_in_as(jan, app, "jan")
    _demo(issue_evc=True)
    jan.goto(f"{app}/mijn-certificaten")
    jan.get_by_role("link", name="EVC onderhoudsmonteur").click()
    jan.locator("#id_expires").fill("2099-12-31")
    jan.get_by_role("button", name=nl("Make a link")).click()
    expect(jan.locator(".utrecht-form-field-error-message")).to_be_visible()  # more than a year

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

    # And no exemptions come from it any more.
    jan.goto(f"{app}/mijn-certificaten")
    jan.locator("#id_programme").select_option(
        label="Allround onderhoudsmonteur (Academie Vakwerk)"
    )
    jan.get_by_role("button", name=nl("Look for exemptions")).click()
    expect(jan.locator("main")).to_contain_text(
        nl("Your certificates do not cover a part of this programme.")
    )
    expect(jan.locator("tr[data-state]")).to_have_count(0)
    assert_no_axe_violations(jan)
