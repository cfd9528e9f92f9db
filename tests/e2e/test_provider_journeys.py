# SPDX-License-Identifier: EUPL-1.2
"""The providers' journeys (JOURNEYS.md: ROC Maasstad and Academie Vakwerk "publish offers on
equal terms, enrol, report attendance and completion, issue credentials, and get paid") in
chromium, the same pages for the public and the private provider:

publish an offer from the form with a start moment → a person applies for it (their one
funder pays all of it) → the provider enrols them, reports the start (the advance), the
attendance and the completion (the final payment) → the payment statement shows both and what
was paid in all → the provider gives the certificate and the person sees it on their overview.
Academie Vakwerk's EVC assessor (the login ``vakwerk-evc``) then gives Jan an experience
certificate for Vakwerk's EVC procedure, and Jan sees it too.

axe-core (WCAG 2.2 AA) and the Dutch checker on every page the provider and the assessor see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import dateformat, translation
from playwright.sync_api import BrowserContext, Page, expect

from llo.core.money import Money
from llo.core.timeutil import today
from llo.credentials.models import Credential
from llo.demo import accounts as demo_accounts
from llo.demo import personas
from llo.enrolment.models import Application, Payment
from llo.register.models import Offer, Offering, OfferState
from tests.e2e.journey_world import (
    apply_from_offer_page,
    budget_for,
    check,
    offering,
    person,
    provider,
)
from tests.e2e.test_browser import log_in_as, nl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NewContext = Callable[..., BrowserContext]


@dataclass(frozen=True)
class NewOffer:
    code: str
    title: str
    kind: str
    level: str
    leads_to: str
    fee: str  # as typed, Dutch
    cents: int
    place: str  # a gemeente, by name
    occupations: str = ""
    formal: bool = False  # recognised education (a diploma or mbo-certificaat)
    outcomes: str = ""  # a microcredential's learning outcomes, one per line


def publish(page: Page, app: str, new: NewOffer) -> Offering:
    """The provider adds the offer, submits, publishes it, and adds a start in 30 days."""
    page.locator("main").get_by_role("link", name=nl("Publish your courses")).click()
    check(page)
    page.get_by_role("link", name=nl("Add an offer")).click()
    check(page)
    page.locator("#id_code").fill(new.code)
    page.locator("#id_title").fill(new.title)
    page.locator("#id_description").fill(
        f"{new.title}: je leert het vak in de praktijk, met een begeleider en een examen."
    )
    page.locator("#id_offer_type").select_option(new.kind)
    page.locator("#id_level").select_option(new.level)
    page.locator("#id_level_basis").select_option("indicative")
    page.locator("#id_study_load_value").fill("80")
    page.locator("#id_study_load_unit").select_option("hour")
    page.locator("#id_leads_to").select_option(new.leads_to)
    page.locator("#id_legal_status").select_option("student" if new.formal else "cursist")
    if new.formal:
        page.locator("#id_formal").check()
    if new.occupations:
        page.locator("#id_occupations").fill(new.occupations)
    if new.outcomes:
        page.locator("#id_learning_outcomes").fill(new.outcomes)
        page.locator("#id_assessment_type").select_option("practical_exam")
        page.locator("#id_quality_assurance").fill("Een externe examinator beoordeelt het werk.")
    page.locator("input[name=modes][value=presential]").check()
    page.locator("#id_gemeenten").fill(new.place)
    page.locator("#id_fee").fill(new.fee)
    page.get_by_role("button", name=nl("Save")).click()
    page.wait_for_load_state()
    errors = page.locator(".llo-error-summary")
    assert errors.count() == 0, errors.inner_text()
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    check(page)
    page.locator("form[action$='/stap'] button").first.click()  # submit for review
    page.get_by_role("button", name=nl("Publish")).click()
    offer = Offer.objects.get(code=new.code)
    expect(page.locator("main")).to_contain_text(str(OfferState.PUBLISHED.label))
    check(page)
    assert (offer.state, offer.fee_cents) == (OfferState.PUBLISHED, new.cents)

    start = today() + dt.timedelta(days=30)
    page.get_by_label(nl("Start date")).fill(start.isoformat())
    page.get_by_label(nl("End date")).fill((start + dt.timedelta(days=50)).isoformat())
    page.get_by_label(nl("Places")).fill("12")
    page.get_by_role("button", name=nl("Add"), exact=True).click()
    page.wait_for_load_state()
    check(page)
    made = Offering.objects.get(offer=offer)
    assert made.start_date == start
    with translation.override("nl"):
        expect(page.locator("#offerings ~ div table").first).to_contain_text(
            dateformat.format(start, "j F Y")
        )
    return made


def enrol_complete_and_get_paid(page: Page, app: str, key: str, application: Application) -> None:
    """Enrol, start (advance), attendance, completion (final payment), on the course's days."""
    receipt = application.receipt
    page.goto(f"{app}/home")
    page.locator("main").get_by_role("link", name=nl("Enrol students")).click()
    check(page)
    page.get_by_role("link", name=receipt).click()
    check(page)
    page.get_by_label(nl("Number of lessons")).fill("20")
    page.get_by_role("button", name=nl("Enrol"), exact=True).click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "enrolled")
    check(page)
    later = dt.datetime.combine(
        application.offering.start_date + dt.timedelta(days=55), dt.time(10), tzinfo=dt.UTC
    )
    with time_machine.travel(later, tick=True):
        log_in_as(page, app, key)
        page.goto(f"{app}/opleider/aanvragen/{application.pk}")
        page.get_by_role("button", name=nl("The training has started")).click()
        expect(page.locator("[data-status]")).to_have_attribute("data-status", "started")
        check(page)
        page.get_by_label(nl("Lessons attended")).fill("18")
        page.get_by_role("button", name=nl("Save attendance")).click()
        expect(page.locator("main")).to_contain_text("18")
        page.get_by_role("button", name=nl("Report completion")).click()
        expect(page.locator("[data-status]")).to_have_attribute("data-status", "paid")
        check(page)


def statement_shows(page: Page, application: Application) -> None:
    """The payment statement: the advance and the final payment add up to what was funded."""
    page.get_by_role("link", name=nl("All applications")).click()
    page.get_by_role("link", name=nl("Payment statement")).first.click()
    check(page)
    kinds = sorted(Payment.objects.filter(application=application).values_list("kind", flat=True))
    assert set(kinds) == {"advance", "final"}
    total = sum(
        Payment.objects.filter(application=application).values_list("amount_cents", flat=True)
    )
    assert total == application.amount_cents
    row = page.locator(f'tr[data-offer="{application.offer_id}"]')
    expect(row.locator("[data-net]")).to_have_text(Money(total).format())
    lines = page.locator("tr", has_text=application.receipt)
    expect(lines.filter(has_text=nl("Advance")).first).to_be_visible()
    expect(lines.filter(has_text=nl("Final payment")).first).to_be_visible()


def give_certificate(page: Page, app: str, who: str, course: str) -> None:
    page.goto(f"{app}/certificaten")
    check(page)
    page.get_by_role("button", name=nl("Give the certificate to %(name)s") % {"name": who}).click()
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    check(page)
    expect(page.locator("main")).to_contain_text(course)


def roc_maasstad_publishes_enrols_reports_gets_paid_and_gives_the_certificate(
    app: str, new_context: NewContext
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "maasstad")  # makes the personas
    # A public mbo school: recognised by OCW, so its mbo-certificates have civil effect.
    provider("maasstad", ("nrto", "ocw"), kind="public", funded=True, institution_code="25PJ")
    demo_accounts._persona_employments()  # Fatima works at RetailFlex
    fatima = person("fatima")
    budget_for("retailflex", fatima, 110_000)
    page.reload()
    check(page)
    new = NewOffer(
        "MS-T-ZB", "Basis zorg en welzijn (mbo-certificaat)", "course", "eqf_2",
        "mbo_certificate", "1.100,00", 110_000, "Rotterdam", formal=True,
    )  # fmt: skip
    start = publish(page, app, new)

    fatima_page = new_context(bypass_csp=True).new_page()
    log_in_as(fatima_page, app, "fatima")
    application = apply_from_offer_page(fatima_page, app, start)
    assert (application.amount_cents, application.own_cents) == (110_000, 0)

    enrol_complete_and_get_paid(page, app, "maasstad", application)
    later = dt.datetime.combine(
        start.start_date + dt.timedelta(days=56), dt.time(10), tzinfo=dt.UTC
    )
    with time_machine.travel(later, tick=True):
        log_in_as(page, app, "maasstad")
        page.goto(f"{app}/opleider/aanvragen/{application.pk}")
        statement_shows(page, application)
        give_certificate(page, app, fatima.display_name, new.title)
        assert Credential.objects.filter(person=fatima).count() == 1
        log_in_as(fatima_page, app, "fatima")
        expect(fatima_page.locator("section[aria-labelledby=your-certificates]")).to_contain_text(
            new.title
        )
        check(fatima_page)


def academie_vakwerk_and_its_assessor_walk_the_same_journey(
    app: str, new_context: NewContext
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "vakwerk")  # makes the personas
    vakwerk = provider("vakwerk", ("nrto", "crkbo"))
    procedure = offering(
        vakwerk, "AV-T-EVC", "EVC onderhoudsmonteur", kind="evc", level="eqf_4",
        cents=120_000, leads_to="experience_certificate",
    )  # fmt: skip
    demo_accounts._persona_employments()  # Jan works at Metaalbedrijf Twente Precisie
    demo_accounts._reach_relations()  # a member firm of O&O-fonds Techniek
    jan = person("jan")
    budget_for("ootechniek", jan, 150_000, occupations=["7212"], sectors=["metal"])
    page.reload()
    check(page)
    new = NewOffer(
        "AV-T-TIG", "Lassen TIG (microcredential)", "microcredential", "eqf_3",
        "microcredential", "900,00", 90_000, "Enschede", occupations="lasser",
        outcomes="Last een hoeknaad volgens de lasmethodebeschrijving.",
    )  # fmt: skip
    start = publish(page, app, new)
    assert Offer.objects.get(code=new.code).occupations  # "lasser" became an occupation

    jan_page = new_context(bypass_csp=True).new_page()
    log_in_as(jan_page, app, "jan")
    application = apply_from_offer_page(jan_page, app, start)
    assert (application.amount_cents, application.own_cents) == (90_000, 0)
    assert [f.right.funder.organisation.name for f in application.fundings.all()] == [
        "O&O-fonds Techniek"
    ]

    enrol_complete_and_get_paid(page, app, "vakwerk", application)
    later = dt.datetime.combine(
        start.start_date + dt.timedelta(days=56), dt.time(10), tzinfo=dt.UTC
    )
    with time_machine.travel(later, tick=True):
        log_in_as(page, app, "vakwerk")
        page.goto(f"{app}/opleider/aanvragen/{application.pk}")
        statement_shows(page, application)
        give_certificate(page, app, jan.display_name, new.title)

        # The assessor gives Jan his EVC at the end of Vakwerk's procedure.
        assessor = new_context(bypass_csp=True).new_page()
        log_in_as(assessor, app, "vakwerk-evc")
        check(assessor)
        assessor.get_by_role("link", name=nl("Give an experience certificate (EVC)")).click()
        check(assessor)
        spec = next(p for p in personas.PERSONS if p.key == "jan")
        assessor.get_by_label(nl("EVC procedure")).select_option(str(procedure.offer_id))
        assessor.get_by_label(nl("BSN of the candidate")).fill(spec.bsn)
        assessor.get_by_label(nl("Date of birth of the candidate")).fill(
            spec.birth_date.isoformat()
        )
        assessor.get_by_label(nl("Date of the assessment")).fill(later.date().isoformat())
        assessor.locator("#id_confirm").check()
        assessor.get_by_role("button", name=nl("Give the certificate")).click()
        expect(assessor.locator(".utrecht-alert--ok")).to_be_visible()
        check(assessor)
        expect(assessor.locator("main")).to_contain_text(jan.display_name)

        log_in_as(jan_page, app, "jan")
        mine = jan_page.locator("section[aria-labelledby=your-certificates]")
        expect(mine).to_contain_text(new.title)
        expect(mine).to_contain_text("EVC onderhoudsmonteur")
        check(jan_page)
    assert Credential.objects.filter(person=jan).count() == 2


def test_the_public_and_the_private_provider_walk_the_same_journey(
    app: str, new_context: NewContext
) -> None:
    """Both providers in one test: one database set-up for the two (the serialized rollback
    of a browser test costs more than either journey's pages)."""
    roc_maasstad_publishes_enrols_reports_gets_paid_and_gives_the_certificate(app, new_context)
    academie_vakwerk_and_its_assessor_walk_the_same_journey(app, new_context)
