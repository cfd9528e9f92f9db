# SPDX-License-Identifier: EUPL-1.2
"""bench/compare: a person comparing trainings in a window (issue 15, Sanne's journey).

The page decides what the window pays for every candidate training (up to 150) before it
shows the cheapest for her. Two ways, in the same run, on the same facts:

* ``decide_rows``: the person's facts once, one vectorised run of the rules for all rows
  (``llo.enrolment.deciding.decide_rows``, what the page uses);
* one ``decide()`` per training (the rules' single-decision path with its decision record,
  what the preview uses for the one training a person applies for).

Both must give the same eligibility, amounts and failed reasons. Prints the median of
``LLO_BENCH_COMPARE_ROUNDS`` (5) rounds per size and the ratio. No database.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from typing import Any

from llo.core.identifiers import Level
from llo.enrolment.deciding import decide_rows
from llo.schemes.decision import decide
from llo.schemes.facts import OfferFacts, PersonFacts

DAY = dt.date(2026, 12, 7)
#: UWV's conditions in the demo: job seekers, to find work or to switch.
RULES: dict[str, Any] = {
    "labour_positions": ["job_seeker"],
    "purposes": ["work", "switch"],
    "key": "budget_1",
    "name": "UWV",
    "kind": "uwv",
}
SIZES = (20, 150)
TYPES = ("course", "programme", "module", "microcredential", "evc", "basic_skills")


def _person() -> PersonFacts:
    months = frozenset(dt.date(2024 + (m // 12), m % 12 + 1, 1) for m in range(0, 35) if m < 35)
    return PersonFacts(
        birth_date=dt.date(1995, 4, 12),
        highest_level=Level.EQF_6,
        labour_position="job_seeker",
        insured_months=months,
        receives_study_support=False,
        gemeente="GM0344",
        region="AM13",
        funder_balance_cents=250_000,
    )


def _offers(n: int) -> list[OfferFacts]:
    return [
        OfferFacts(
            level=Level.EQF_4 if i % 3 else Level.EQF_6,
            offer_type=TYPES[i % len(TYPES)],
            fee_cents=50_000 + 7_919 * i,
            exam_cents=(i % 4) * 2_500,
            materials_cents=(i % 5) * 1_000,
            prices_include_vat=True,
            in_register=i % 11 != 0,
            quality_mark_valid=i % 13 != 0,
            purpose="work",
            start_date=DAY + dt.timedelta(days=30 + i),
        )
        for i in range(n)
    ]


def _same(vector: list[Any], single: list[Any]) -> bool:
    return all(
        v.eligible == s.eligible
        and v.amount_cents == s.amount_cents
        and [r["text"] for r in v.failed] == [r.text for r in (*s.failed, *s.not_known)]
        and v.missing == s.missing
        for v, s in zip(vector, single, strict=True)
    )


def main() -> dict[str, Any]:
    rounds = int(os.environ.get("LLO_BENCH_COMPARE_ROUNDS", "5"))
    person = _person()
    decide_rows(RULES, person, _offers(2), DAY)  # build the system and the funder variant once
    decide(person, _offers(1)[0], DAY, RULES)
    rows = []
    print(
        f"{'trainings':>10} {'one run (ms)':>14} {'one by one (ms)':>16} {'ratio':>7} {'same':>5}"
    )
    for n in SIZES:
        offers = _offers(n)
        vector_times, single_times = [], []
        same = True
        for _ in range(rounds):
            started = time.perf_counter()
            vector = decide_rows(RULES, person, offers, DAY)
            vector_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            single = [decide(person, offer, DAY, RULES) for offer in offers]
            single_times.append(time.perf_counter() - started)
            same = same and _same(vector, single)
        one_run = statistics.median(vector_times) * 1000
        one_by_one = statistics.median(single_times) * 1000
        row = {
            "trainings": n,
            "one_run_ms": round(one_run, 1),
            "one_by_one_ms": round(one_by_one, 1),
            "ratio": round(one_by_one / one_run, 1),
            "same_result": same,
        }
        rows.append(row)
        print(
            f"{n:>10} {row['one_run_ms']:>14} {row['one_by_one_ms']:>16} "
            f"{row['ratio']:>6}x {same!s:>5}"
        )
    return {"rounds": rounds, "rows": rows}
