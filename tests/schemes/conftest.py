# SPDX-License-Identifier: EUPL-1.2
"""Facts of the JOURNEYS.md personas and offers, for the rules engine tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from llo.core.identifiers import Level
from llo.schemes.facts import OfferFacts, PersonFacts
from llo.schemes.system import LloSystem, build_system


def months(first: dt.date, last: dt.date) -> frozenset[dt.date]:
    """First days of every calendar month from ``first`` to ``last`` (both included)."""
    found = set()
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        found.add(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return frozenset(found)


ALWAYS_INSURED = months(dt.date(2019, 1, 1), dt.date(2030, 12, 1))
#: Every fact a decision may need is known in these personas: no grants this year yet.
KNOWN_HISTORY: dict[str, Any] = {
    "stap_grants_received_this_year": 0,
    "llo_received_this_year_cents": 0,
}
#: The facts of the STAP amendments for a training that meets them all.
CLEAN_OFFER: dict[str, Any] = {
    "other_funding_cents": 0,
    "gifts_or_perks": False,
    "given_abroad": False,
    "market_rate": True,
    "labour_market_oriented": True,
    "programme_teacher_assessment": True,
}


def fatima(**changes: Any) -> PersonFacts:
    facts = PersonFacts(
        birth_date=dt.date(1982, 5, 14),
        highest_level=Level.EQF_2,
        labour_position="flex",
        insured_months=ALWAYS_INSURED,
        receives_study_support=False,
        gemeente="GM0599",
        region="AM22",
        sector="retail",
        employer_size=240,
        needs_basic_skills=True,
        funder_balance_cents=100000,
        **KNOWN_HISTORY,
    )
    return dataclasses.replace(facts, **changes)


def jan(**changes: Any) -> PersonFacts:
    facts = PersonFacts(
        birth_date=dt.date(1968, 9, 2),
        highest_level=Level.EQF_4,
        labour_position="employed",
        insured_months=ALWAYS_INSURED,
        receives_study_support=False,
        gemeente="GM0153",
        region="AM05",
        sector="metal",
        employer_size=45,
        needs_basic_skills=False,
        funder_balance_cents=150000,
        **KNOWN_HISTORY,
    )
    return dataclasses.replace(facts, **changes)


def sanne(**changes: Any) -> PersonFacts:
    facts = PersonFacts(
        birth_date=dt.date(1995, 3, 21),
        highest_level=Level.EQF_6,
        labour_position="job_seeker",
        insured_months=ALWAYS_INSURED,
        receives_study_support=False,
        gemeente="GM0344",
        region="AM13",
        sector="none",
        employer_size=0,
        needs_basic_skills=False,
        funder_balance_cents=250000,
        **KNOWN_HISTORY,
    )
    return dataclasses.replace(facts, **changes)


def mohammed(**changes: Any) -> PersonFacts:
    facts = PersonFacts(
        birth_date=dt.date(2003, 1, 9),
        highest_level=Level.EQF_1,
        labour_position="flex",
        insured_months=months(dt.date(2021, 6, 1), dt.date(2030, 12, 1)),
        receives_study_support=False,
        gemeente="GM0034",
        region="AM11",
        sector="business_support",
        employer_size=1200,
        needs_basic_skills=True,
        funder_balance_cents=0,
        **KNOWN_HISTORY,
    )
    return dataclasses.replace(facts, **changes)


def care_course(start: dt.date, **changes: Any) -> OfferFacts:
    """A module that leads to an mbo-certificate for care assistants (ISCO 5321), NLQF 3,
    VAT exempt."""
    offer = OfferFacts(
        level=Level.EQF_3,
        offer_type="module",
        fee_cents=145000,
        exam_cents=0,
        materials_cents=0,
        prices_include_vat=True,
        in_register=True,
        quality_mark_valid=True,
        purpose="switch",
        start_date=start,
        occupations=(5321,),
        ocw_recognised=True,
        **CLEAN_OFFER,
    )
    return dataclasses.replace(offer, **changes)


def welding(start: dt.date, **changes: Any) -> OfferFacts:
    """A welding microcredential (ISCO 7212), NLQF 2, EUR 826.45 excl. 21 % VAT."""
    offer = OfferFacts(
        level=Level.EQF_2,
        offer_type="microcredential",
        fee_cents=82645,
        exam_cents=0,
        materials_cents=0,
        prices_include_vat=False,
        vat_percent=21,
        in_register=True,
        quality_mark_valid=True,
        purpose="grow",
        start_date=start,
        occupations=(7212,),
        ocw_recognised=False,
        **CLEAN_OFFER,
    )
    return dataclasses.replace(offer, **changes)


@pytest.fixture(scope="session")
def system() -> LloSystem:
    return build_system()
