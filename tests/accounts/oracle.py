# SPDX-License-Identifier: EUPL-1.2
"""An independent, plain-Python reading of a funder's conditions, for tests only.

Production asks the rules engine alone (``llo.schemes.funder``; issue 13). This oracle is
written from the funder form's meaning, one condition at a time, without numpy or OpenFisca,
so a property test can compare the two on generated funders, persons and offers: where they
differ, one of them misreads the form. It is the successor of the Python checker that the
funding plan used before the rules moved into OpenFisca.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llo.schemes.facts import OfferFacts, PersonFacts
from llo.schemes.funder_conditions import FunderConditions

LEVELS = (
    "eqf_0", "eqf_1", "eqf_2", "eqf_3", "eqf_4", "nlqf_4plus", "eqf_5", "eqf_6", "eqf_7", "eqf_8",
)  # fmt: skip


def _rank(level: str) -> int:
    return LEVELS.index(level)


@dataclass(frozen=True)
class Verdict:
    conditions: dict[str, bool]
    amount_cents: int
    co_payment_cents: int

    @property
    def eligible(self) -> bool:
        return all(self.conditions.values())


def cost(offer: OfferFacts, fee: bool = True, exam: bool = True, materials: bool = True) -> int:
    total = (offer.fee_cents if fee else 0) + (offer.exam_cents if exam else 0)
    total += offer.materials_cents if materials else 0
    if offer.prices_include_vat:
        return total
    return total + (total * offer.vat_percent + 50) // 100


def check(
    c: FunderConditions, person: PersonFacts, offer: OfferFacts, on: dt.date, balance: int
) -> Verdict:
    """Every condition of the funder rule, and what the funder pays for this offer alone.
    Outside its validity only ``funder_budget_valid`` is read (the other conditions have no
    meaning there, and the budget pays nothing)."""
    valid = (c.valid_from is None or c.valid_from <= on) and (
        c.valid_until is None or on <= c.valid_until
    )
    if not valid:
        return Verdict({"funder_budget_valid": False}, 0, 0)
    level = _rank(offer.level.value)
    parts = set(c.cost_components)
    pays_fee = not parts or "tuition" in parts or ("evc" in parts and offer.offer_type == "evc")
    pays_exam = not parts or "exam" in parts
    pays_materials = not parts or "materials" in parts
    eligible_cost = cost(offer, pays_fee, pays_exam, pays_materials)
    gemeente = int(person.gemeente[2:]) if person.gemeente else 0
    region = int(person.region[2:]) if person.region else 0
    places = [int(g[2:]) for g in c.gemeenten] + [int(r[2:]) for r in c.regions]
    conditions = {
        "funder_budget_valid": valid,
        "funder_level_ok": c.max_level is None or level <= _rank(c.max_level),
        "funder_offer_type_ok": not c.offer_types or offer.offer_type in c.offer_types,
        # A listed ISCO-08 group of n digits holds the unit groups that begin with those digits.
        "funder_occupation_ok": not c.occupations
        or any(
            f"{unit:04d}".startswith(group)
            for unit in offer.occupations or ()
            if unit
            for group in c.occupations
        ),
        "funder_region_ok": not places
        or gemeente in [int(g[2:]) for g in c.gemeenten]
        or region in [int(r[2:]) for r in c.regions],
        "funder_sector_ok": not c.sectors or person.sector in c.sectors,
        "funder_labour_position_ok": not c.labour_positions
        or person.labour_position in c.labour_positions,
        "funder_purpose_ok": not c.purposes or offer.purpose in c.purposes,
        "funder_basic_skills_ok": not c.needs_basic_skills or bool(person.needs_basic_skills),
        "funder_register_ok": not c.requires_register
        or bool(offer.in_register and offer.quality_mark_valid),
        "funder_balance_left": balance > 0,
        "funder_has_eligible_costs": eligible_cost > 0,
    }
    price = cost(offer)
    applies = c.co_payment_pct > 0 and (
        c.co_payment_above_level is None or level > _rank(c.co_payment_above_level)
    )
    own = -(-price * c.co_payment_pct // 100) if applies else 0
    amount = min(eligible_cost, price - own, balance)
    if c.max_per_offer_cents is not None:
        amount = min(amount, c.max_per_offer_cents)
    if c.accumulation_cap_cents is not None:
        amount = min(amount, max(0, c.accumulation_cap_cents - (offer.other_funding_cents or 0)))
    verdict = Verdict(conditions, 0, own)
    return Verdict(conditions, amount if verdict.eligible else 0, own)
