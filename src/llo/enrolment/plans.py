# SPDX-License-Identifier: EUPL-1.2
"""The planner of the register's pages (:mod:`llo.register.plans`): a person's funding plan
for each offer on a search page or an offer page.

One ``accounts.funding_plan`` call per offer: the accounts app has no plan for many offers
at once (``accounts/plan.py`` is owned by the rules work of issue 13), so the pages ask for
the offers they show only (one page of results; the filter "what my rights pay for" looks at
a bounded number of matches and says so). bench/search_plans measures what it costs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from llo.accounts.plan import funding_plan
from llo.enrolment.services.facts import plan_offer_facts
from llo.register.models import Offer
from llo.register.plans import OfferPlan, PlanPart


def offer_plans(user: Any, offers: Sequence[Offer], on: dt.date) -> dict[int, OfferPlan]:
    person = getattr(user, "person", None)
    if person is None:
        return {}
    plans: dict[int, OfferPlan] = {}
    for offer in offers:
        plan = funding_plan(person, plan_offer_facts(offer), on)
        plans[offer.pk] = OfferPlan(
            price_cents=plan.price_cents,
            own_cents=plan.own_cents,
            parts=tuple(PlanPart(line.funder, line.amount_cents, line.text) for line in plan.lines),
        )
    return plans
