# SPDX-License-Identifier: EUPL-1.2
"""Simulate a window before it opens: the same budget under each policy, over a synthetic
applicant population, with grants and money per education group.

**Arrival assumption** (documented in docs/enrolment.md): in a click race the digitally
skilled and the higher-educated arrive first. Each applicant's arrival after the opening is
exponential with a mean of ``ARRIVAL_MEAN_MINUTES`` by CBS education group (low 90, middle 40,
high 15 minutes). STAP's portal queued 250,000 devices within minutes and the budget was gone
in 2.5 hours; the Rekenkamer found 10 % of recipients low-educated against 23 % of the
population (population_nl.md section 7).

Who applies: persons of ``llo.people.population`` drawn with an assumed take-up by education
(low 15 %, middle 23 %, high 35 %: the LLO participation rates of population_nl.json), and an
amount per applicant uniform between EUR 300 and EUR 1,000 (STAP's average grant: about
EUR 800).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from llo.enrolment.allocation import Entry, Outcome, Policy, allocate
from llo.people.population import generate_with_education

GROUPS = ("low", "middle", "high")
ARRIVAL_MEAN_MINUTES = (90.0, 40.0, 15.0)
TAKE_UP = (0.15, 0.23, 0.35)


@dataclass(frozen=True)
class GroupResult:
    group: str
    applicants: int
    grants: int
    amount_cents: int


@dataclass(frozen=True)
class SimulationResult:
    policy: str
    budget_cents: int
    granted_cents: int
    groups: tuple[GroupResult, ...]

    @property
    def low_share(self) -> float:
        total = sum(g.grants for g in self.groups)
        return self.groups[0].grants / total if total else 0.0


def applicants(
    n_population: int, seed: int, peildatum: dt.date
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(education bucket, arrival minutes, amount cents) of the applicants."""
    _pop, education = generate_with_education(n_population, seed=seed, peildatum=peildatum)
    rng = np.random.default_rng(seed + 1)
    applies = rng.random(len(education)) < np.asarray(TAKE_UP)[education]
    edu = education[applies]
    arrival = rng.exponential(np.asarray(ARRIVAL_MEAN_MINUTES)[edu])
    amount = rng.integers(300, 1001, size=len(edu)) * 100
    return edu, arrival, amount


def run(
    policy: str,
    *,
    n_population: int = 100_000,
    seed: int = 2023,
    budget_percent: int = 30,
    peildatum: dt.date = dt.date(2023, 5, 1),
) -> SimulationResult:
    """One policy over the applicants; the budget pays ``budget_percent`` % of the demand
    (whole cents, rounded down: money never passes through a float)."""
    edu, arrival, amount = applicants(n_population, seed, peildatum)
    budget = int(amount.sum()) * budget_percent // 100
    # Arrival order is the sequence number, as in the intake.
    seq_of = np.argsort(arrival, kind="stable")
    entries = [
        Entry(
            seq=rank + 1,
            person=int(i),
            training=0,
            amount_cents=int(amount[i]),
            group_rank=0 if edu[i] == 0 else 1,
        )
        for rank, i in enumerate(seq_of)
    ]
    result = allocate(
        entries,
        budget_cents=budget,
        policy=Policy(policy),
        seed=f"simulate-{seed}",
        then=Policy.LOTTERY,
        waiting_list=True,
    )
    groups = []
    for g, name in enumerate(GROUPS):
        mine = [e for e in entries if edu[e.person] == g]
        won = [e for e in mine if result.outcomes[e.seq] == Outcome.GRANTED]
        groups.append(GroupResult(name, len(mine), len(won), sum(e.amount_cents for e in won)))
    return SimulationResult(policy, budget, result.granted_cents, tuple(groups))
