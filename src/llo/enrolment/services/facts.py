# SPDX-License-Identifier: EUPL-1.2
"""Stored data as the facts the rules and the funding plan take: the register's offer as the
rules engine's OfferFacts and as the plan's offer, the facts the people app does not hold
yet, and a training's grants this year.

Moved here unchanged from the former ``services.py``; the facts adapter next to the rules
(issue 13, ``w13-rules``) replaces this module.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from llo.accounts.conditions import OfferFacts as PlanOffer
from llo.enrolment.models import TrainingCounter
from llo.register.models import Offer, Offering, OfferState
from llo.schemes.facts import OfferFacts

_OFFER_TYPES = {
    "programme": "programme",
    "course": "course",
    "module": "module",
    "evc": "evc",
    "basic_skills": "basic_skills",
    "microcredential": "microcredential",
}


def scheme_offer_facts(
    offer: Offer, offering: Offering, on: dt.date, grants_this_year: int = 0
) -> OfferFacts:
    """The register's offer as the rules engine's OfferFacts (the register has no adapter
    for scheme facts yet; see docs/enrolment.md)."""
    opleider = offer.opleider
    marked = opleider.funded or any(m.is_valid_on(on) for m in opleider.quality_marks.all())
    return OfferFacts(
        level=offer.level,  # type: ignore[arg-type]  # checked by OfferFacts
        offer_type=_OFFER_TYPES.get(offer.offer_type, "other"),
        fee_cents=offer.fee_cents,
        exam_cents=offer.exam_cents,
        materials_cents=offer.materials_cents,
        prices_include_vat=True,
        in_register=offer.state == OfferState.PUBLISHED and opleider.status == "admitted",
        quality_mark_valid=marked,
        purpose="grow",
        start_date=offering.start_date,
        grants_this_year=grants_this_year,
    )


def plan_offer_facts(offer: Offer) -> PlanOffer:
    return PlanOffer(
        price_components={
            "tuition": offer.fee_cents,
            "exam": offer.exam_cents,
            "materials": offer.materials_cents,
        },
        level=offer.level,  # type: ignore[arg-type]
        offer_type=offer.offer_type,
        occupations=frozenset(str(o) for o in offer.occupations or []),
        title=offer.title,
    )


def _default_extra(on: dt.date) -> dict[str, Any]:
    """What the people app does not hold yet: insured the last 31 months, no study support.
    The apply page asks the person to confirm both (docs/enrolment.md lists this gap)."""
    first = on.replace(day=1)
    months = set()
    for back in range(1, 32):
        index = first.year * 12 + first.month - 1 - back
        months.add(dt.date(index // 12, index % 12 + 1, 1))
    return {"insured_months": frozenset(months), "receives_study_support": False}


def _grants_this_year(offer: Offer, year: int) -> int:
    row = (
        TrainingCounter.objects.filter(offer=offer, year=year)
        .values_list("grants", flat=True)
        .first()
    )
    return int(row or 0)
