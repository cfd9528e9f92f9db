# SPDX-License-Identifier: EUPL-1.2
"""Helpers the organisations' journey tests share (funders, providers, Peter): the demo
personas by key, an admitted provider of a persona organisation, a published offer with one
start, a budget for one person, and a person applying from the offer page in the browser.

Each journey's world gives a person one funder's money only, so the tests do not depend on
the order in which several funders' money is used (policy: issue 15, the closing note on
Fatima)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from playwright.sync_api import Page, expect

from llo.accounts import services as accounts
from llo.accounts.models import Budget
from llo.core import audit
from llo.core.money import Money
from llo.core.timeutil import today
from llo.demo import personas
from llo.enrolment.models import Application
from llo.people.models import Organisation, Person
from llo.regions.models import Gemeente
from llo.register.models import Offer, Offering, OfferState, Opleider, QualityMark
from llo.register.search.indexer import reindex
from llo.skills.resolve import Resolver
from tests.e2e.conftest import assert_no_axe_violations
from tests.e2e.dutch import assert_dutch
from tests.e2e.test_browser import nl

ACTOR = audit.Actor.system("tests")


def check(page: Page) -> None:
    """Every page of a journey: no WCAG 2.2 AA violation, and Dutch B1 without English or
    raw codes (issue 15, finding 10)."""
    assert_no_axe_violations(page)
    assert_dutch(page)


def person(key: str) -> Person:
    found = Person.objects.by_bsn(next(p.bsn for p in personas.PERSONS if p.key == key))
    assert found is not None
    return found


def org(key: str) -> Organisation:
    return Organisation.objects.get(kvk=next(o.kvk for o in personas.ORGANISATIONS if o.key == key))


def provider(key: str, marks: tuple[str, ...] = ("nrto",), **defaults: Any) -> Opleider:
    """A persona provider, admitted, with its quality ``marks``, and one offer published
    before (so it is not new: a new provider's offers go to staff review, issue 15 item 7)."""
    opleider, _ = Opleider.objects.get_or_create(
        organisation=org(key), defaults={"kind": "private", "status": "admitted", **defaults}
    )
    for kind in marks:
        QualityMark.objects.get_or_create(
            opleider=opleider, kind=kind, defaults={"valid_from": dt.date(2020, 1, 1)}
        )
    if not Offer.objects.filter(opleider=opleider, code="EERDER").exists():
        offering(opleider, "EERDER", "Veilig werken", kind="course", level="eqf_2", cents=25_000)
    return opleider


def offering(
    opleider: Opleider,
    code: str,
    title: str,
    *,
    kind: str,
    level: str,
    cents: int,
    occupation: str = "",
    gemeente: str = "",
    days: int = 45,
    leads_to: str = "",
) -> Offering:
    """A published offer with one start in ``days`` days (in time for every scheme)."""
    offer = Offer.objects.create(
        opleider=opleider, code=code, title=title, offer_type=kind, level=level,
        leads_to=leads_to or ("none" if kind == "basic_skills" else "mbo_certificate"),
        legal_status="cursist", modes=["presential"], fee_cents=cents, price_cents=cents,
        occupations=[Resolver("occupation").resolve(occupation)] if occupation else [],
        state=OfferState.PUBLISHED,
        description=f"{title}. Voor volwassenen die verder willen in hun werk.",
    )  # fmt: skip
    if gemeente:
        offer.gemeenten.add(Gemeente.objects.get(code=gemeente))
    reindex([offer.pk])
    return Offering.objects.create(offer=offer, start_date=today() + dt.timedelta(days=days))


def budget_for(funder_key: str, who: Person, cents: int, **conditions: Any) -> Budget:
    """A budget of a persona funder that runs this year and next, and ``cents`` on ``who``'s
    account (the funder must reach them: decision 010)."""
    on = today()
    budget = accounts.create_budget(
        actor=ACTOR,
        funder=accounts.ensure_funder(org(funder_key), actor=ACTOR),
        name=f"Ontwikkelbudget {funder_key}",
        total=Money(10 * cents),
        period_start=on - dt.timedelta(days=30),
        period_end=on + dt.timedelta(days=400),
        conditions=conditions,
    )
    accounts.deposit(actor=ACTOR, budget=budget, person=who, amount=Money(cents), on=on)
    return budget


def apply_from_offer_page(
    page: Page, app: str, start: Offering, own: str = "€ 0,00"
) -> Application:
    """The person opens the offer, chooses its start and applies; returns the application."""
    page.goto(f"{app}/opleidingen/{start.offer_id}")
    check(page)
    page.locator(f'a[href="/aanvragen/nieuw/{start.pk}"]').first.click()
    page.wait_for_url(re.compile(r"/aanvragen/nieuw/\d+"))
    check(page)
    expect(page.locator("#own-pay")).to_have_text(
        nl("You pay € 0,00 yourself.")
        if own == "€ 0,00"
        else nl("You pay %(amount)s yourself.") % {"amount": own}
    )
    page.get_by_label(nl("I checked this. I want to apply.")).check()
    page.get_by_role("button", name=nl("Apply"), exact=True).click()
    page.wait_for_url(re.compile(r"/aanvragen/\d+$"))
    check(page)
    return Application.objects.get(pk=int(page.url.rsplit("/", 1)[1]))
