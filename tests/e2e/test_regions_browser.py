# SPDX-License-Identifier: EUPL-1.2
"""The journey of the regional partners of Twente (JOURNEYS.md) in a real browser: a provider
subscribes to welding; the regional work centre states demand for 120 welders and 60
maintenance technicians; the region's page and map show which regional offers fill it and where
the gap is; the provider finds the notification; an anonymous visitor downloads the same
figures. Every page visited passes axe-core's WCAG 2.2 AA rules, also with field errors, and
the Content-Security-Policy stays intact (the charts draw without inline code)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import BrowserContext, Page, expect

from llo.people.models import Organisation
from llo.register.models import Offer, Offering, OfferState, Opleider, ProviderKind
from llo.register.store import offer_terms
from tests.e2e.conftest import CspWatch, assert_no_axe_violations
from tests.e2e.test_browser import log_in_as, nl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NewContext = Callable[..., BrowserContext]
VAKWERK_KVK = "90000009"


def _offer(
    opleider: Opleider,
    title: str,
    occupation: str,
    places: tuple[str, ...],
    runs: tuple[tuple[dt.date, int], ...],
    online: bool = False,
) -> None:
    offer = Offer.objects.create(
        opleider=opleider,
        code=title[:20],
        offer_type="course",
        title=title,
        level="eqf_3",
        leads_to="none",
        legal_status="cursist",
        occupations=[occupation],
        skills=["lassen"] if occupation.startswith("7212") else ["onderhoud"],
        online=online,
        modes=["online" if online else "presential"],
        fee_cents=120_000,
        price_cents=120_000,
        state=OfferState.PUBLISHED,
    )
    offer.gemeenten.set(places)
    offer_terms.replace([offer.pk])  # as the register's use cases do
    for start, capacity in runs:
        Offering.objects.create(offer=offer, start_date=start, capacity=capacity)


def _register_offers() -> None:
    """The regional offer of Twente: welding at Academie Vakwerk (private, Enschede) and a
    public mbo school in Hengelo; one online course; one welding course in Rotterdam."""
    end_of_year = dt.date(dt.date.today().year, 12, 31)
    vakwerk = Opleider.objects.create(
        organisation=Organisation.objects.get(kvk=VAKWERK_KVK), kind=ProviderKind.PRIVATE
    )
    roc = Opleider.objects.create(
        organisation=Organisation.objects.create(
            kvk="82900001", name="ROC van Twente", kind="provider", gemeente_id="GM0164"
        ),
        kind=ProviderKind.PUBLIC,
        funded=True,
        institution_code="25PZ",
    )
    rotterdam = Opleider.objects.create(
        organisation=Organisation.objects.create(
            kvk="82900002", name="Lasschool Rijnmond", kind="provider", gemeente_id="GM0599"
        ),
        kind=ProviderKind.PRIVATE,
    )
    _offer(
        vakwerk,
        "Lassen MIG/MAG (microcredential)",
        "7212.3",
        ("GM0153",),
        ((end_of_year, 12), (end_of_year, 16)),
    )
    _offer(roc, "Lasser BMBE (mbo-certificaat)", "7212.3", ("GM0164",), ((end_of_year, 20),))
    _offer(roc, "Monteur mechatronica", "7233.7", ("GM0164",), ((end_of_year, 24),))
    _offer(vakwerk, "Lastheorie online", "7212.3", (), ((end_of_year, 30),), online=True)
    _offer(rotterdam, "Lassen TIG", "7212.3", ("GM0599",), ((end_of_year, 10),))


def _context(new_context: NewContext, **kwargs: Any) -> tuple[Page, CspWatch]:
    page = new_context(bypass_csp=True, **kwargs).new_page()
    csp = CspWatch()
    csp.attach(page)
    return page, csp


def _log_out(page: Page) -> None:
    page.get_by_role("button", name=nl("Log out")).click()


def test_twente_partners_state_demand_and_see_the_gap(app: str, new_context: NewContext) -> None:
    _register_offers()
    page, csp = _context(new_context, accept_downloads=True)

    # 1. Academie Vakwerk subscribes to new demand for welders.
    log_in_as(page, app, "vakwerk")
    page.get_by_role("link", name=nl("New demand in your field")).click()
    expect(page.locator("h1")).to_have_text(nl("New demand in your field"))
    assert_no_axe_violations(page)
    page.locator("#id_occupation").fill("lasser")
    page.locator("#id_email").fill("planning@academievakwerk.example")
    page.get_by_role("button", name=nl("Subscribe")).click()
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    expect(page.locator("main")).to_contain_text("lasser")
    assert_no_axe_violations(page)
    _log_out(page)

    # 2. The regional work centre of Twente states demand.
    log_in_as(page, app, "twente")
    page.get_by_role("link", name=nl("State the demand of your region")).click()
    expect(page.locator("h1")).to_have_text(nl("Your statements of demand"))
    assert_no_axe_violations(page)
    page.get_by_role("link", name=nl("State demand")).first.click()
    expect(page.locator("#id_region")).to_have_value("AM05")  # the work centre's region
    page.locator("#id_occupation").fill("lasser")
    page.locator("#id_people").fill("-120")
    page.locator("#id_urgency").select_option("high")
    page.locator("#id_source").fill("Arbeidsmarktverkenning Twente")
    page.get_by_role("button", name=nl("Record the demand")).click()
    # A negative number: the message stands beside the field, nothing is recorded.
    expect(page.locator("#id_people-error")).to_contain_text(
        nl("The number of people cannot be negative.")
    )
    expect(page.locator("#id_people")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)
    page.locator("#id_people").fill("120")
    page.get_by_role("button", name=nl("Record the demand")).click()
    expect(page.locator("h1")).to_have_text(
        nl("%(n)s people needed in %(name)s") % {"n": "120", "name": "Twente"}
    )
    expect(page.locator("main")).to_contain_text("lasser")
    assert_no_axe_violations(page)

    page.goto(f"{app}/regio/vraag/nieuw")
    page.locator("#id_occupation").fill("onderhoudsmonteur")
    page.locator("#id_people").fill("60")
    page.locator("#id_level").select_option("eqf_4")
    page.locator("#id_source").fill("Sectorplan techniek Twente")
    page.get_by_role("button", name=nl("Record the demand")).click()
    expect(page.locator("h1")).to_have_text(
        nl("%(n)s people needed in %(name)s") % {"n": "60", "name": "Twente"}
    )
    expect(page.locator("main")).to_contain_text("monteur industriële machines")

    # 3. The region's page: which offers fill the demand, and where the gap is.
    page.get_by_role("link", name=nl("Back to %(name)s") % {"name": "Twente"}).click()
    expect(page.locator("h1")).to_have_text(
        nl("Demand and training in %(name)s") % {"name": "Twente"}
    )
    expect(page.locator("#chart-bars")).to_have_attribute("data-drawn", "true")
    row = page.locator("tr", has=page.get_by_role("link", name="lasser", exact=True))
    # 120 needed; 12 + 16 + 20 places in Twente (the online 30 and Rotterdam's 10 do not close it).
    expect(row.locator("td").nth(0)).to_have_text("120")
    expect(row.locator("td").nth(2)).to_have_text("48")
    expect(row.locator("td").nth(4)).to_have_text("30")
    expect(row.locator("td").nth(5)).to_have_text("72")
    monteur = page.locator("tr", has=page.get_by_role("link", name="monteur industriële machines"))
    expect(monteur.locator("td").nth(5)).to_have_text("36")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="lasser", exact=True).click()
    expect(page.locator("main")).to_contain_text("Lassen MIG/MAG (microcredential)")
    expect(page.locator("main")).to_contain_text("Lasser BMBE (mbo-certificaat)")
    expect(page.locator("main")).to_contain_text("Lastheorie online")
    expect(page.locator("main")).not_to_contain_text("Lassen TIG")  # Rotterdam is not Twente
    expect(page.locator("main")).to_contain_text("Arbeidsmarktverkenning Twente")
    assert_no_axe_violations(page)
    _log_out(page)

    # 4. The provider is notified, in llo and by e-mail.
    assert [m.subject for m in mail.outbox] == [
        nl("New demand in %(region)s: %(people)s people for %(what)s.")
        % {"region": "Twente", "people": 120, "what": "lasser"}
    ]
    log_in_as(page, app, "vakwerk")
    page.locator(".llo-header__link").click()
    expect(page.locator("main")).to_contain_text("Nieuwe vraag in Twente: 120 mensen voor lasser.")
    assert_no_axe_violations(page)
    assert csp.messages == []


def test_an_anonymous_visitor_sees_the_map_and_downloads_the_figures(
    app: str, new_context: NewContext
) -> None:
    _register_offers()
    from llo.core.audit import Actor
    from llo.regions.services import demand

    demand.record(
        actor=Actor.system("test"),
        organisation=Organisation.objects.get(kvk="90000017"),
        data=demand.DemandInput(
            region="AM05",
            occupation="lasser",
            people=120,
            period_start=dt.date.today(),
            period_end=dt.date(dt.date.today().year + 1, 12, 31),
            source="Arbeidsmarktverkenning Twente",
        ),
    )
    page, csp = _context(new_context, accept_downloads=True)
    page.goto(f"{app}/regio?beroep=gaslasser")
    expect(page.locator("#chart-map")).to_have_attribute("data-drawn", "true")
    twente = page.locator("tr", has=page.get_by_role("link", name="Twente", exact=True))
    expect(twente.locator("td").nth(0)).to_have_text("120")
    expect(twente.locator("td").nth(2)).to_have_text("72")
    assert_no_axe_violations(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=nl("CSV (for a spreadsheet)")).click()
    text = download_info.value.path().read_text(encoding="utf-8-sig")
    rows = {r["region"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert len(rows) == 35
    assert (rows["AM05"]["label"], rows["AM05"]["peopleNeeded"], rows["AM05"]["gap"]) == (
        "lasser",
        "120",
        "72",
    )
    # A narrow screen (320 px): the table is still there, the map scrolls in its box.
    narrow, _csp = _context(new_context, viewport={"width": 320, "height": 800})
    narrow.goto(f"{app}/regio/AM05")
    assert_no_axe_violations(narrow)
    assert csp.messages == []
