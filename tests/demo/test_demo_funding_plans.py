# SPDX-License-Identifier: EUPL-1.2
"""Every demo persona's funding plan for every demo offer they could apply for is the same as
in the fixture written before the rules moved into OpenFisca (issue 13), except for the
differences named in :func:`intended`: defects fixed on purpose.

The fixture was written by ``scripts/demo_funding_plans.py`` from a full ``llo loaddemo``;
the personas' rights do not depend on how many other persons the demo generates, so the test
loads a small population (the script's ``--persons 50 --check`` showed no difference).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import time_machine

from llo.accounts.models import Budget
from llo.demo import funding_snapshot, loader, review
from llo.register.models import Offer, OfferState
from llo.skills import codes

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "data" / "demo_funding_plans.json"


#: The Python checker's codes of conditions and the rules engine's conditions they became.
ENGINE_CONDITION = {
    "offer_type": "funder_offer_type_ok",
    "occupation": "funder_occupation_ok",
    "purpose": "funder_purpose_ok",
    "sector": "funder_sector_ok",
    "region": "funder_region_ok",
    "labour_position": "funder_labour_position_ok",
    "max_level": "funder_level_ok",
    "not_yet_valid": "funder_budget_valid",
    "no_longer_valid": "funder_budget_valid",
    "cost_components": "funder_has_eligible_costs",
}

#: Defects fixed on purpose, by persona and funder (each named in the closing note): the
#: Python checker refused a right on a fact llo does not hold; the rules engine says the
#: condition is not known yet, pays nothing until it is, and the apply page names it.
NOT_KNOWN_YET = {
    # The register names the occupations of most offers ("Lasser") without their ISCO-08
    # codes; "does not lead to an occupation on the list" was a guess. (An offer that names no
    # occupation at all still does not lead to one: that refusal stays.)
    ("jan", "O&O-fonds Techniek"): "funder_occupation_ok",
    # The purpose of a training is stated when applying (issue 15); an empty purpose was read
    # as "not this goal".
    ("sanne", "UWV"): "funder_purpose_ok",
}


def intended(before: dict[str, Any], named_occupations: set[str]) -> dict[str, Any]:
    """The fixture with the checker's codes renamed and every intended difference applied.
    ``named_occupations``: the offers whose occupations the register names without codes."""
    after = copy.deepcopy(before)
    for key, persona in after["personas"].items():
        funders = [label.split(" | ")[0] for label in persona["rights"]]
        for offer, plan in persona["plans"].items():
            for funder, line in zip(funders, plan[2], strict=True):
                failed = sorted({ENGINE_CONDITION[code] for code in line[2]})
                line[2:] = [failed, []]
                fixed = NOT_KNOWN_YET.get((key, funder))
                if fixed == "funder_occupation_ok" and offer not in named_occupations:
                    continue
                if fixed is not None and line[1] == "not_eligible" and failed == [fixed]:
                    line[1:] = ["unknown", [], [fixed]]
    return after


def _coded(code: Any) -> bool:
    text = str(code).strip()
    return text.isdigit() or codes.is_esco_code(text)


def _named_occupations() -> set[str]:
    offers = Offer.objects.exclude(occupations=[]).select_related("opleider__organisation")
    return {
        funding_snapshot.offer_key(offer)
        for offer in offers
        if not all(_coded(o) for o in offer.occupations)
    }


def _esco_groups() -> dict[str, set[int]]:
    """Issue 17: the demo's offers name ESCO occupations (7212.3); the rules get their ISCO-08
    unit groups (7212). The fixture was written when they were free text."""
    offers = Offer.objects.exclude(occupations=[]).select_related("opleider__organisation")
    return {
        funding_snapshot.offer_key(offer): {
            int(codes.unit_group(str(o))) for o in offer.occupations
        }
        for offer in offers
        if any(codes.is_esco_code(str(o)) for o in offer.occupations)
        and all(_coded(o) for o in offer.occupations)
    }


def _decided_by_unit_group(
    expected: dict[str, Any], now: dict[str, Any], groups: dict[str, set[int]], listed: set[int]
) -> int:
    """Jan's O&O-fund lines for offers with ESCO codes: the occupation condition fails exactly
    when none of the offer's unit groups is on the fund's list (checked here); the rest of the
    line is the engine's, as the fixture's guess from free text is no oracle for it."""
    checked = 0
    persona, now_persona = expected["personas"]["jan"], now["personas"]["jan"]
    funders = [label.split(" | ")[0] for label in persona["rights"]]
    for offer, plan in persona["plans"].items():
        if offer not in groups or offer not in now_persona["plans"]:
            continue
        now_plan = now_persona["plans"][offer]
        for i, funder in enumerate(funders):
            if funder != "O&O-fonds Techniek":
                continue
            line = now_plan[2][i]
            fails = "funder_occupation_ok" in line[2]
            assert fails == (not groups[offer] & listed), (offer, groups[offer], line)
            plan[2][i] = line
            checked += 1
    return checked


#: Issue 16 item 3: Jan saved his 2025 sector budget (``llo.demo.accounts``), so the welding
#: course took the money that expires first and his 2026 money is left for the programme his
#: EVC shortens. The fixture predates that right.
JAN_SAVED = "O&O-fonds Techniek | Scholingsbudget techniek 2025 | money"


def _jan_saved_2025(expected: dict[str, Any], now: dict[str, Any]) -> int:
    """Add Jan's saved 2025 right to the expected plans. Its line is today's, checked here:
    it never pays (the welding course used all of it); it fails the conditions exactly where
    the 2026 right does (the same conditions), else it is empty. Returns the lines checked."""
    persona, now_persona = expected["personas"]["jan"], now["personas"]["jan"]
    assert now_persona["rights"] == [JAN_SAVED, *persona["rights"]]
    persona["rights"] = list(now_persona["rights"])
    checked = 0
    for offer, plan in persona["plans"].items():
        now_plan = now_persona["plans"].get(offer)
        if now_plan is None:
            plan[2].insert(0, None)
            continue
        saved, this_year = now_plan[2][0], now_plan[2][1]
        assert saved[0] == 0, (offer, saved)
        if this_year[1] in ("not_eligible", "unknown"):
            assert saved[1:] == this_year[1:], (offer, saved, this_year)
        else:
            assert saved[1] == "empty", (offer, saved)
        plan[2].insert(0, saved)
        checked += 1
    return checked


def test_every_persona_plan_is_as_before_except_the_named_fixes() -> None:
    before = json.loads(FIXTURE.read_text(encoding="utf-8"))
    with time_machine.travel(funding_snapshot.FROZEN_AT, tick=False):
        loader.load(persons=20)
        now = funding_snapshot.snapshot()
    assert sum(len(p["plans"]) for p in now["personas"].values()) > 10_000
    expected = intended(before, _named_occupations())
    # Issue 15 item 7: the demo's review queue holds Academie Vakwerk's bookkeeping course
    # after its price went from € 840 to € 1.495 (llo.demo.review), so it is not on offer
    # until register staff decide; no persona has a plan for it meanwhile.
    in_review = f"{review.VAKWERK_KVK}:AV-BOEKH"
    assert not Offer.objects.filter(
        opleider__organisation__kvk=review.VAKWERK_KVK, code="AV-BOEKH", state=OfferState.PUBLISHED
    ).exists()
    for persona in expected["personas"].values():
        persona["plans"].pop(in_review, None)
    listed = {
        int(c)
        for b in Budget.objects.filter(funder__organisation__name="O&O-fonds Techniek")
        for c in (b.conditions or {}).get("occupations", [])
    }
    assert listed
    assert _jan_saved_2025(expected, now) > 1_000
    assert _decided_by_unit_group(expected, now, _esco_groups(), listed) > 0
    # What Jan pays follows from his lines checked above: where his 2026 money was empty (the
    # welding course had all of it) it now pays, at most the EUR 1,300 left of it.
    for plan in expected["personas"]["jan"]["plans"].values():
        if None not in plan[2]:
            assert all(line[0] <= 130_000 for line in plan[2])
            plan[1] = plan[0] - sum(line[0] for line in plan[2])
    found = funding_snapshot.differences(expected, now)
    assert not found, "\n".join(found[:50]) + f"\n({len(found)} differences)"
