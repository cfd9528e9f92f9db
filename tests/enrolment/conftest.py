# SPDX-License-Identifier: EUPL-1.2
"""Builders for enrolment tests: a UWV budget under the STAP rules with a window in 2023, a
provider with a published offer, persons."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from llo.accounts import services as accounts
from llo.accounts.models import Budget
from llo.core import audit
from llo.core.money import Money
from llo.enrolment.models import Window
from llo.people import services as people
from llo.people.models import Organisation, OrganisationKind, Person
from llo.register.models import Offer, Offering, OfferState, Opleider, QualityMark
from tests.accounts.conftest import make_org, make_person

ACTOR = audit.Actor("test:enrolment", "burger")
OPENS = dt.datetime(2023, 5, 1, 9, 0, tzinfo=dt.UTC)
CLOSES = dt.datetime(2023, 6, 30, 23, 0, tzinfo=dt.UTC)
DURING = OPENS + dt.timedelta(hours=1)
START = dt.date(2023, 8, 1)
_kvk = itertools.count(70_100_000)
_code = itertools.count(1)


def make_provider(name: str = "Academie Vakwerk") -> Opleider:
    org = Organisation.objects.create(
        kvk=str(next(_kvk)), name=name, kind=OrganisationKind.PROVIDER, gemeente_id="GM0599"
    )
    opleider = Opleider.objects.create(organisation=org, kind="private")
    QualityMark.objects.create(opleider=opleider, kind="nrto", valid_from=dt.date(2020, 1, 1))
    return opleider


def make_offer(
    opleider: Opleider,
    *,
    fee: int = 90_000,
    start: dt.date = START,
    state: str = OfferState.PUBLISHED,
) -> tuple[Offer, Offering]:
    offer = Offer.objects.create(
        opleider=opleider,
        code=f"E{next(_code)}",
        title=f"Cursus {next(_code)}",
        offer_type="course",
        level="eqf_2",
        # Ends with a test: from 1 May 2023 STAP pays only training whose learning is
        # assessed (Stcrt. 2023, 4426); a course that leads to nothing leaves that unknown.
        leads_to="microcredential",
        legal_status="cursist",
        modes=["presential"],
        fee_cents=fee,
        price_cents=fee,
        state=state,
    )
    return offer, Offering.objects.create(offer=offer, start_date=start)


def make_window(total: int = 10_000_000, window_cents: int = 300_000, **fields: Any) -> Window:
    funder = accounts.ensure_funder(make_org("uwv", name="UWV"))
    budget: Budget = accounts.create_budget(
        actor=ACTOR,
        funder=funder,
        name="STAP 2023",
        total=Money(total),
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        scheme="stap",
    )
    values: dict[str, Any] = {"policy": "fcfs", "training_cap": 300}
    values.update(fields)
    return Window.objects.create(
        budget=budget,
        name="Mei 2023",
        opens_at=OPENS,
        closes_at=CLOSES,
        budget_cents=window_cents,
        **values,
    )


@dataclass
class World:
    window: Window
    opleider: Opleider
    offer: Offer
    offering: Offering

    @property
    def provider(self) -> Organisation:
        return self.opleider.organisation


@pytest.fixture
def world(db: None) -> World:
    opleider = make_provider()
    offer, offering = make_offer(opleider)
    return World(make_window(), opleider, offer, offering)


#: The day the persons of these tests said what the rules need and llo does not hold: insured
#: in the Netherlands for years, no study support (the apply page asks; people.PersonFact).
STATED_ON = OPENS.date() - dt.timedelta(days=1)


def person(level: str = "eqf_2", position: str = "flex", *, stated: bool = True) -> Person:
    someone = make_person(level=level, position=position)
    if stated:
        state_history(someone)
    return someone


def state_history(someone: Person, on: dt.date = STATED_ON) -> None:
    people.state_fact(
        actor=ACTOR, person=someone, name="insured_since", value=dt.date(2001, 9, 1), on=on
    )
    people.state_fact(
        actor=ACTOR, person=someone, name="receives_study_support", value=False, on=on
    )


def enrol_start_and_drop_out(world: World, app: Any, *, dropped_on: dt.date) -> None:
    """The provider enrols the person (10 sessions), reports the start on 15 July 2023, then a
    stop without an excuse on ``dropped_on``: the path of a drop-out that several tests walk."""
    from llo.enrolment import services

    provider = world.provider
    services.enrol(actor=ACTOR, provider=provider, application=app, sessions_planned=10)
    services.start(actor=ACTOR, provider=provider, application=app, on=dt.date(2023, 7, 15))
    services.drop_out(
        actor=ACTOR, provider=provider, application=app, excused=False, reason="", on=dropped_on
    )
