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

from llo.demo import funding_snapshot, loader

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "data" / "demo_funding_plans.json"


def intended(before: dict[str, Any]) -> dict[str, Any]:
    """The fixture with every intended difference applied (none yet)."""
    return copy.deepcopy(before)


def test_every_persona_plan_is_as_before_except_the_named_fixes() -> None:
    before = json.loads(FIXTURE.read_text(encoding="utf-8"))
    with time_machine.travel(funding_snapshot.FROZEN_AT, tick=False):
        loader.load(persons=20)
        now = funding_snapshot.snapshot()
    assert sum(len(p["plans"]) for p in now["personas"].values()) > 10_000
    found = funding_snapshot.differences(intended(before), now)
    assert not found, "\n".join(found[:50]) + f"\n({len(found)} differences)"
