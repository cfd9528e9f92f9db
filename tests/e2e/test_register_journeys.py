# SPDX-License-Identifier: EUPL-1.2
"""The register's journeys in a real browser (issue 15 items 4, 6 and 7; JOURNEYS.md: both
providers "publish offers on equal terms"; register staff "review new offers ... with a public
reason"; Sanne "compares offers by price ... and wants to know if she is eligible").

Each test clicks the way a person would, asserts what they see, and runs axe-core's WCAG 2.2
AA rules on every page it visits; the search and offer pages also at 320 px wide.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from llo.accounts import services as accounts
from llo.core import audit
from llo.core.money import Money
from llo.core.timeutil import today
from llo.people.models import Organisation, Person
from llo.register import services
from llo.register.models import Offer, Offering, OfferState, Opleider, QualityMark
from llo.register.search import indexer
from tests.accounts.conftest import ACTOR, employ, make_org
from tests.e2e.conftest import assert_no_axe_violations
from tests.e2e.test_browser import log_in_as, nl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NewContext = Callable[..., BrowserContext]
SYSTEM = audit.Actor.system("tests")
DESCRIPTION = (
    "Je leert veilig en netjes lassen volgens de MIG/MAG-methode, in de werkplaats, met een "
    "vaste begeleider en een praktijkexamen aan het eind."
)


def provider(kvk: str, name: str = "", *, established: bool = True) -> Opleider:
    """The provider of an organisation (the demo login made it), admitted with NRTO and
    CRKBO marks; ``established``: with an offer published before."""
    org = Organisation.objects.filter(kvk=kvk).first() or Organisation.objects.create(
        kvk=kvk, name=name, kind="provider", gemeente_id="GM0153"
    )
    opleider, _ = Opleider.objects.get_or_create(organisation=org, defaults={"kind": "private"})
    for kind in ("nrto", "crkbo"):
        QualityMark.objects.get_or_create(
            opleider=opleider, kind=kind, defaults={"valid_from": dt.date(2020, 1, 1)}
        )
    if established:
        services.create_offer(actor=SYSTEM, opleider=opleider, data=offer_input("EERDER"))
        Offer.objects.filter(opleider=opleider, code="EERDER").update(state=OfferState.PUBLISHED)
    return opleider


def offer_input(code: str, **changes: object) -> services.OfferInput:
    data = services.OfferInput(
        code=code, offer_type="course", title="Lassen MIG/MAG voor beginners", level="eqf_2",
        leads_to="none", legal_status="cursist", description=DESCRIPTION,
        study_load_value=Decimal(40), study_load_unit="hour", modes=["presential"],
        gemeenten=["GM0153"], fee_cents=95_000,
    )  # fmt: skip
    return dataclasses.replace(data, **changes)  # type: ignore[arg-type]


def shot(page: Page, name: str) -> None:
    """A full-page screenshot to look at, when LLO_E2E_SHOTS names a folder."""
    folder = os.environ.get("LLO_E2E_SHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def fits_320(page: Page, name: str = "") -> None:
    """At 320 px nothing scrolls sideways, and the page passes axe there too."""
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide at 320 px"
    # No cell holds more than it shows (stacked table cells once overlapped the next line).
    spilled = page.evaluate(
        "() => [...document.querySelectorAll('td, dd')]"
        ".filter(c => c.scrollHeight > c.clientHeight + 1).map(c => c.textContent.trim())"
    )
    assert spilled == [], f"{page.url}: text spills out of {spilled}"
    assert_no_axe_violations(page)
    if name:
        shot(page, f"{name}-320")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_provider_publishes_and_edits_an_offer_with_dutch_numbers(
    app: str, new_context: NewContext
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "vakwerk")
    provider("90000009")

    page.get_by_role("link", name=nl("Publish your courses")).click()
    expect(page.locator("h1")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=nl("Add an offer")).click()
    assert_no_axe_violations(page)
    page.locator("#id_code").fill("AV-LAS-B")
    page.locator("#id_title").fill("Lassen MIG/MAG voor beginners")
    page.locator("#id_description").fill(DESCRIPTION)
    page.locator("#id_offer_type").select_option("course")
    page.locator("#id_level").select_option("eqf_2")
    page.locator("#id_level_basis").select_option("indicative")
    page.locator("#id_study_load_value").fill("40,5")
    page.locator("#id_study_load_unit").select_option("hour")
    page.locator("#id_leads_to").select_option("none")
    page.locator("#id_legal_status").select_option("cursist")
    page.locator("input[name=modes][value=presential]").check()
    page.locator("#id_gemeenten").fill("Enschede")
    page.locator("#id_fee").fill("1.250,00")
    page.get_by_role("button", name=nl("Save")).click()
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    shot(page, "provider-1-saved")
    offer = Offer.objects.get(code="AV-LAS-B")
    assert (offer.study_load_value, offer.fee_cents) == (Decimal("40.5"), 125_000)
    assert_no_axe_violations(page)

    # Next step: only labelled steps, no raw "edit".
    steps = page.locator("form[action$='/stap'] button")
    expect(steps).to_have_text([nl("Submit for review")])
    steps.first.click()
    # An established provider's clean offer is approved by the checks at once.
    expect(page.get_by_role("button", name=nl("Publish"))).to_be_visible()
    offer.refresh_from_db()
    assert offer.state == OfferState.APPROVED
    expect(page.locator("form[action$='/stap'] button[value=edit]")).to_have_count(0)
    page.get_by_role("button", name=nl("Publish")).click()
    offer.refresh_from_db()
    assert offer.state == OfferState.PUBLISHED

    # Edit: the form shows Dutch numbers and takes them back unchanged.
    page.get_by_role("link", name=nl("Change")).click()
    expect(page.locator("#id_study_load_value")).to_have_value("40,5")
    expect(page.locator("#id_fee")).to_have_value("1.250,00")
    assert_no_axe_violations(page)
    shot(page, "provider-2-edit")
    page.locator("#id_title").fill("Lassen MIG/MAG voor beginners en herintreders")
    page.get_by_role("button", name=nl("Save")).click()
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    offer.refresh_from_db()
    assert offer.state == OfferState.PUBLISHED
    assert offer.title.endswith("herintreders")
    assert offer.study_load_value == Decimal("40.5")

    # Everyone sees it, also at 320 px.
    page.get_by_role("link", name=nl("See it as others do")).click()
    expect(page.locator("h1")).to_have_text("Lassen MIG/MAG voor beginners en herintreders")
    expect(page.locator("main")).to_contain_text("€ 1.250,00")
    assert_no_axe_violations(page)
    fits_320(page, "provider-3-public")


def test_register_staff_decide_the_review_queue_with_a_reason(
    app: str, new_context: NewContext
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "register")
    new = provider("81900001", "Snel Vakman Academie", established=False)
    rich = services.create_offer(
        actor=SYSTEM, opleider=new,
        data=offer_input(
            "RIJK", title="Gegarandeerd rijk worden met lassen", fee_cents=1_499_900,
            study_load_value=Decimal(8),
            description="In één dag leer je lassen. Daarna word je gegarandeerd rijk als lasser.",
        ),
    )  # fmt: skip
    services.transition(actor=SYSTEM, offer=rich, action="submit", who="opleider")
    assert Offer.objects.get(pk=rich.pk).state == OfferState.SUBMITTED

    page.get_by_role("link", name=nl("Review new offers")).click()
    expect(page.locator("h1")).to_have_text(nl("Offers to review"))
    row = page.locator("tr", has_text="Gegarandeerd rijk worden met lassen")
    expect(row).to_contain_text("€ 14.999,00")
    expect(row).to_contain_text("per uur")
    expect(row).to_contain_text("eerste")
    assert_no_axe_violations(page)
    shot(page, "staff-1-queue")

    page.get_by_role("link", name="Gegarandeerd rijk worden met lassen").click()
    expect(page.locator("main")).to_contain_text("gegarandeerd")
    assert_no_axe_violations(page)
    # A decision without a reason: the message stands beside the field; nothing changes.
    page.get_by_role("button", name=nl("Approve")).click()
    expect(page.locator("#id_reason-error")).to_be_visible()
    expect(page.locator("#id_reason")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_title(re.compile("^" + re.escape(nl("Error:"))))
    assert_no_axe_violations(page)
    assert Offer.objects.get(pk=rich.pk).state == OfferState.SUBMITTED
    shot(page, "staff-2-no-reason")

    reason = "Een dag lassen maakt niemand rijk, en € 1.875 per uur is te duur."
    page.locator("#id_reason").fill(reason)
    page.get_by_role("button", name=nl("Send back to the provider")).click()
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Gegarandeerd rijk worden met lassen")
    assert_no_axe_violations(page)
    rich.refresh_from_db()
    assert rich.state == OfferState.DRAFT
    assert rich.review_events.filter(action="reject", reason=reason).exists()


def test_a_person_searches_and_sees_what_she_pays(app: str, new_context: NewContext) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "fatima")
    fatima = Person.objects.get(display_name="Fatima El Amrani")
    on = today()
    vakwerk = provider("90000009")
    for code, title, level, fee in (
        ("K1", "Kassa en klantcontact", "eqf_2", 40_000),
        ("K2", "Kassa voor leidinggevenden", "eqf_5", 40_000),
    ):
        offer = services.create_offer(
            actor=SYSTEM, opleider=vakwerk,
            data=offer_input(code, title=title, level=level, fee_cents=fee),
        )  # fmt: skip
        Offering.objects.create(offer=offer, start_date=on + dt.timedelta(days=40))
        Offer.objects.filter(pk=offer.pk).update(state=OfferState.PUBLISHED)
        indexer.reindex([offer.pk])
    shop = make_org("employer", name="Winkelketen Test")
    employ(fatima, shop)  # an employer deposits only to its own people (decision 010)
    funder = accounts.ensure_funder(shop)
    budget = accounts.create_budget(
        actor=ACTOR, funder=funder, name="Ontwikkelbudget", total=Money(1_000_000),
        period_start=on.replace(month=1, day=1), period_end=on.replace(month=12, day=31),
        conditions={"max_level": "eqf_4"},
    )  # fmt: skip
    accounts.deposit(actor=ACTOR, budget=budget, person=fatima, amount=Money(30_000))

    # The overview at 320 px: the table of budgets stacks, no amount breaks or overlaps.
    page.goto(f"{app}/home")
    fits_320(page, "person-0-home")
    page.locator("main").get_by_role("link", name=nl("Search courses")).first.click()
    page.locator("#id_q").fill("kassa")
    page.get_by_role("button", name=nl("Search"), exact=True).click()
    # Results first: the first result is in view without scrolling.
    first = page.locator("li.llo-card").first
    expect(first).to_be_in_viewport()
    paid = page.locator("li.llo-card", has_text="Kassa en klantcontact")
    expect(paid).to_contain_text("U betaalt zelf")
    expect(paid.locator("[data-own-cents]")).to_have_text("€ 100,00")
    expect(paid).to_contain_text("Winkelketen Test: € 300,00")
    other = page.locator("li.llo-card", has_text="Kassa voor leidinggevenden")
    expect(other.locator("[data-own-cents]")).to_have_text("€ 400,00")
    assert_no_axe_violations(page)
    shot(page, "person-1-results")
    fits_320(page, "person-1-results")

    # The filters fold open (a <details>: no script needed); each label checks its own box.
    page.locator("summary").click()
    label = page.locator("label[for='f-level-eqf_2']")
    label.click()
    expect(page.locator("#f-level-eqf_2")).to_be_checked()
    label.click()
    assert_no_axe_violations(page)

    # Only what my budgets pay for.
    page.get_by_label(nl("Only courses that my budgets pay for")).check()
    page.get_by_role("button", name=nl("Search"), exact=True).click()
    expect(page.locator("li.llo-card")).to_have_count(1)
    expect(page.locator("#results-title")).to_contain_text("1 opleiding die uw budgetten betalen")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Kassa en klantcontact").click()
    plan = page.locator("section[aria-labelledby=your-plan]")
    expect(plan).to_contain_text("U betaalt zelf € 100,00.")
    expect(plan.locator("li")).to_contain_text(["Winkelketen Test: € 300,00"])
    assert_no_axe_violations(page)
    shot(page, "person-2-offer")
    fits_320(page, "person-2-offer")
