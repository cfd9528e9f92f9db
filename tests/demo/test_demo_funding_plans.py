# SPDX-License-Identifier: EUPL-1.2
"""Every demo persona's funding plan for every demo offer they could apply for is the same as
in the approved fixture (``tests/demo/data/demo_funding_plans.json``), written by
``scripts/demo_funding_plans.py``.

A change of a plan is a change of what a person is told they pay: it is approved by
rewriting the fixture and reading every changed line of its diff (the commit that rewrites it
says what changed and why). History of the approvals:

* issue 13: the fixture was first written by the Python condition checker, before the rules
  moved into OpenFisca; until 976a1ab this test translated it and named every intended
  difference (the checker's codes renamed; Jan's O&O-fund occupation and Sanne's UWV purpose
  "not known yet" instead of refused; Jan's saved 2025 sector budget; his plans decided by
  ISCO-08 unit group; Academie Vakwerk's bookkeeping course held in review). At 976a1ab that
  translation equalled the engine's plans, so the fixture was rewritten in the engine's form
  (issue 15) and the translation removed.
* issue 15, decision 015: money earmarked for a kind of training goes first, the gemeente's
  NT1 voucher is not "other money first", and ROC Maasstad's NT1 course has a price that the
  gemeente pays: Fatima's demo application is that course, so her employer's and O&O-fund's
  money is no longer reserved at the frozen date.
* issue 15, Mohammed: Academie Vakwerk's two courses in Almere toward occupations on the LLO
  scheme's logistics list were added (Mohammed's and Jan's plans gained them; Jan's O&O fund
  refuses the forklift course, not on its list; Mohammed has only information rights).

The personas' rights do not depend on how many other persons the demo generates, so the test
loads a small population (the script's ``--persons 20`` writes the same plans).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import time_machine

from llo.demo import funding_snapshot, loader, review
from llo.register.models import Offer, OfferState

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "data" / "demo_funding_plans.json"


def test_every_persona_plan_is_as_approved() -> None:
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    with time_machine.travel(funding_snapshot.FROZEN_AT, tick=False):
        loader.load(persons=20)
        now = funding_snapshot.snapshot()
    assert sum(len(p["plans"]) for p in now["personas"].values()) > 10_000
    # Issue 15 item 7: the review queue holds Academie Vakwerk's bookkeeping course after its
    # price jump (llo.demo.review), so no persona has a plan for it until staff decide.
    assert not Offer.objects.filter(
        opleider__organisation__kvk=review.VAKWERK_KVK, code="AV-BOEKH", state=OfferState.PUBLISHED
    ).exists()
    assert all(f"{review.VAKWERK_KVK}:AV-BOEKH" not in p["plans"] for p in now["personas"].values())
    found = funding_snapshot.differences(expected, now)
    assert not found, "\n".join(found[:50]) + f"\n({len(found)} differences)"
