# SPDX-License-Identifier: EUPL-1.2
"""The data of UWV's and Sanne's journeys for the browser tests: the personas (``app``), a
provider with online trainings, fifty job seekers, UWV's rounds exactly as ``make demo`` makes
them (``llo.demo.windows``, relative to today), and a window on STAP left open since before
windows chose their rules, which must be offered nowhere (issue 15, finding 2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from playwright.sync_api import Page

from llo.accounts import services as accounts
from llo.core import audit
from llo.core.money import Money
from llo.core.timeutil import AMSTERDAM, today
from llo.demo import personas
from llo.demo.windows import ROUND_1, ROUND_2, load_windows
from llo.enrolment.models import Window
from llo.people.models import Organisation, Person
from llo.register.models import Offer, Offering, OfferState, Opleider, QualityMark
from tests.accounts.conftest import make_person

ACTOR = audit.Actor.system("tests")
SEED = 20261123


@dataclass
class Nursing:
    """Three starts of nursing programmes Sanne compares (price, days from today)."""

    near: Offering  # € 6.180, in 60 days
    cheap: Offering  # € 5.655, in 200 days
    soon: Offering  # € 8.580, in 10 days


@dataclass
class WindowsWorld:
    uwv: Organisation
    round_1: Window
    round_2: Window
    stap: Window
    nursing: Nursing
    sanne: Person


def _provider() -> Opleider:
    org = Organisation.objects.create(
        kvk="70999001", name="ROC Stap", kind="provider", gemeente_id="GM0344"
    )
    opleider = Opleider.objects.create(organisation=org, kind="private", status="admitted")
    QualityMark.objects.create(opleider=opleider, kind="nrto", valid_from=dt.date(2020, 1, 1))
    return opleider


def _training(opleider: Opleider, code: str, title: str, cents: int, days: int) -> Offering:
    offer = Offer.objects.create(
        opleider=opleider, code=code, title=title, offer_type="programme", level="eqf_4",
        leads_to="diploma", legal_status="student", modes=["presential"], online=True,
        fee_cents=cents, price_cents=cents, state=OfferState.PUBLISHED,
    )  # fmt: skip
    return Offering.objects.create(offer=offer, start_date=today() + dt.timedelta(days=days))


def _stap_window(uwv: Organisation) -> Window:
    """A window on STAP rules, open today: made directly, as windows were before they chose
    their rules (the demo's 'Scholingsvenster UWV 2026')."""
    on = today()
    budget = accounts.create_budget(
        actor=ACTOR,
        funder=accounts.ensure_funder(uwv, actor=ACTOR),
        name=f"STAP-achtige scholing {on.year}",
        total=Money(50_000_000),
        period_start=dt.date(on.year, 1, 1),
        period_end=dt.date(on.year, 12, 31),
        scheme="stap",
    )
    return Window.objects.create(
        budget=budget,
        name=f"Scholingsvenster UWV {on.year}",
        opens_at=dt.datetime.combine(on - dt.timedelta(days=30), dt.time(9), tzinfo=AMSTERDAM),
        closes_at=dt.datetime.combine(on + dt.timedelta(days=30), dt.time(17), tzinfo=AMSTERDAM),
        budget_cents=25_000_000,
        policy="fcfs",
    )


def build() -> WindowsWorld:
    """Everything both journeys need; call after the ``app`` fixture made the personas."""
    uwv = Organisation.objects.get(
        kvk=next(o.kvk for o in personas.ORGANISATIONS if o.key == "uwv")
    )
    sanne = Person.objects.by_bsn(next(p.bsn for p in personas.PERSONS if p.key == "sanne"))
    assert sanne is not None
    opleider = _provider()
    titles = [
        ("Onderwijsassistent", 399_500), ("Programmeren in Python", 159_000),
        ("Verzorgende IG voor zij-instromers", 420_000), ("Lassen TIG", 184_500),
        ("Logistiek medewerker", 250_000), ("Servicedesk ICT", 310_000),
        ("Doktersassistent", 480_000), ("Leidinggeven in de praktijk", 236_500),
    ]  # fmt: skip
    for n, (title, cents) in enumerate(titles):
        _training(opleider, f"W{n}", title, cents, 50 + 7 * n)
    nursing = Nursing(
        near=_training(opleider, "VP1", "Verpleegkunde", 618_000, 60),
        cheap=_training(opleider, "VP2", "Verpleegkunde (deeltijd)", 565_500, 200),
        soon=_training(opleider, "VP3", "Verpleegkunde", 858_000, 10),
    )
    for n in range(50):
        make_person(
            name=f"Werkzoekende {n}", position="job_seeker", gemeente="GM0344",
            level=("eqf_2", "eqf_3", "eqf_4", "eqf_6")[n % 4],
        )  # fmt: skip
    load_windows(seed=SEED)
    return WindowsWorld(
        uwv=uwv,
        round_1=Window.objects.get(name=ROUND_1),
        round_2=Window.objects.get(name=ROUND_2),
        stap=_stap_window(uwv),
        nursing=nursing,
        sanne=sanne,
    )


def fits_width(page: Page, width: int = 320) -> None:
    """The page at ``width`` CSS pixels: nothing wider than the screen (WCAG 1.4.10 reflow)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.reload()
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    culprits = page.evaluate(
        """width => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5)
            .filter(e => ![...e.children].some(
                c => c.getBoundingClientRect().right > width + 0.5))
            .slice(0, 5)
            .map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 40))""",
        width,
    )
    assert wide <= width, f"{page.url} is {wide} px wide at {width} px: {culprits}"
