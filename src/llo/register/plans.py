# SPDX-License-Identifier: EUPL-1.2
"""What a logged-in person pays for an offer, as the search and offer pages show it (issue 15
item 4: "u betaalt € 0; uw werkgever € 600; het O&O-fonds € 400").

The register sits below the accounts in the layers of DESIGN.md section 2, so it cannot make a
funding plan itself. The enrolment app, which already turns the register's offers into the
plan's facts, provides the planner when Django starts (``EnrolmentConfig.ready``). Without a
planner, or for someone who is not a person, the pages show the price only. The rules stay in
``accounts.funding_plans``: nothing here decides who pays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from llo.register.models import Offer


@dataclass(frozen=True)
class PlanPart:
    """One funder of a person's plan for one offer."""

    funder: str
    amount_cents: int
    #: Why it pays, or why not, in B1 (from the funding plan).
    text: str = ""


@dataclass(frozen=True)
class OfferPlan:
    price_cents: int
    own_cents: int
    #: Every right of the person, paying or not, in the plan's order.
    parts: tuple[PlanPart, ...] = ()
    #: The price before what this person does not pay (exemptions), and why, in B1.
    full_price_cents: int | None = None
    reductions: tuple[str, ...] = ()

    @property
    def funded_cents(self) -> int:
        return self.price_cents - self.own_cents

    @property
    def paying(self) -> tuple[PlanPart, ...]:
        return tuple(p for p in self.parts if p.amount_cents > 0)


#: ``(user, offers, date) -> {offer id: plan}``; an empty mapping for someone with no plan.
Planner = Callable[[Any, Sequence[Offer], dt.date], Mapping[int, OfferPlan]]

_planner: Planner | None = None


def provide(planner: Planner) -> None:
    """Set the planner (once, at start-up, by the app that can make funding plans)."""
    global _planner
    _planner = planner


def can_plan(user: Any) -> bool:
    """Whether pages can show this user what they pay: a logged-in person."""
    return (
        _planner is not None
        and bool(getattr(user, "is_authenticated", False))
        and getattr(user, "person_id", None) is not None
    )


def for_offers(user: Any, offers: Sequence[Offer], on: dt.date) -> dict[int, OfferPlan]:
    """The person's plan for each offer, by offer id; empty when there is none."""
    if not offers or _planner is None or not can_plan(user):
        return {}
    return dict(_planner(user, offers, on))
