# SPDX-License-Identifier: EUPL-1.2
"""The planner of the register's pages (:mod:`llo.register.plans`): a person's funding plan
for each offer on a search page, a provider page or an offer page.

One ``accounts.funding_plans`` call for all the offers of a page: one run of the rules engine
decides every right for every offer (offers x rights). The offer is the register's as the
facts adapter reads it on the day, without an application's own facts (no start date chosen,
no purpose stated, no grants counted): the apply page decides with those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import prefetch_related_objects

from llo.accounts.plan import funding_plans
from llo.register.models import Offer
from llo.register.plans import OfferPlan, PlanPart
from llo.schemes import facts_adapter


def offer_plans(user: Any, offers: Sequence[Offer], on: dt.date) -> dict[int, OfferPlan]:
    person = getattr(user, "person", None)
    if person is None or not offers:
        return {}
    # The adapter reads each provider's quality marks: once for the page, not per offer.
    prefetch_related_objects(list(offers), "opleider__quality_marks")
    # With the offer's id: the person's price after accepted exemptions (issue 16), the same
    # price the exemptions page and the apply page show.
    asked = [(facts_adapter.offer_facts(offer, on)[0], offer.title, offer.pk) for offer in offers]
    plans = funding_plans(person, asked, on)
    return {
        offer.pk: OfferPlan(
            price_cents=plan.price_cents,
            own_cents=plan.own_cents,
            full_price_cents=plan.full_price_cents,
            reductions=tuple(r.text for r in plan.reductions),
            parts=tuple(PlanPart(line.funder, line.amount_cents, line.text) for line in plan.lines),
        )
        for offer, plan in zip(offers, plans, strict=True)
    }
