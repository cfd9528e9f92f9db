# SPDX-License-Identifier: EUPL-1.2
"""Completed enrolments to issue on, through the enrolment services (money included)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from llo.core import audit
from llo.enrolment import services as enrolment
from llo.enrolment.models import Application, Enrolment
from llo.people.models import Person
from llo.register.models import Offer, Offering, Opleider, QualityMark
from tests.enrolment.conftest import DURING, World, make_offer, make_provider, make_window, person

ACTOR = audit.Actor("test:credentials", "opleider")
_n = itertools.count(1)


def completed(
    world: World, who: Person | None = None, offering: Offering | None = None
) -> Enrolment:
    """An enrolment of ``who`` in ``offering`` that went the whole way: granted, enrolled,
    started, completed, paid."""
    who = who or person()
    offering = offering or world.offering
    shown = enrolment.preview(
        actor=ACTOR, person=who, offering=offering, window=world.window, on=DURING.date()
    )
    entry = enrolment.submit(
        actor=ACTOR,
        window=world.window,
        shown=shown,
        amount_cents=shown.amount_cents,
        idempotency_key=f"k{next(_n)}",
        at=DURING,
    ).entry
    enrolment.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    app = Application.objects.get(intake=entry)
    provider = offering.offer.opleider.organisation
    enrolment.enrol(actor=ACTOR, provider=provider, application=app, sessions_planned=10)
    enrolment.start(actor=ACTOR, provider=provider, application=app, on=offering.start_date)
    enrolment.report_attendance(actor=ACTOR, provider=provider, application=app, attended=10)
    enrolment.complete(
        actor=ACTOR, provider=provider, application=app, credential="", on=offering.start_date
    )
    return Enrolment.objects.get(application=app)


def microcredential_offer(opleider: Opleider) -> tuple[Offer, Offering]:
    offer, offering = make_offer(opleider)
    offer.offer_type = "microcredential"
    offer.leads_to = "microcredential"
    offer.title = "Lassen MIG/MAG (microcredential)"
    offer.level = "eqf_3"
    offer.skills = ["Lassen", "Metaalbewerking"]
    offer.occupations = ["Lasser"]
    offer.learning_outcomes = ["Je last een hoeknaad volgens de lasmethodebeschrijving."]
    offer.study_load_value = Decimal(120)
    offer.study_load_unit = "hour"
    offer.save()
    return offer, offering


@pytest.fixture
def world(db: None) -> World:
    opleider = make_provider()
    offer, offering = microcredential_offer(opleider)
    return World(make_window(total=50_000_000, window_cents=20_000_000), opleider, offer, offering)


__all__ = ["QualityMark", "completed", "microcredential_offer", "person"]
