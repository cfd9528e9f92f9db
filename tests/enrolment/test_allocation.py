# SPDX-License-Identifier: EUPL-1.2
"""Allocation policies as properties: order exact, budget never exceeded, the lottery
reproducible from its seed, priority groups respected, the per-training cap held."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llo.enrolment.allocation import Entry, Outcome, Policy, allocate, lottery_key, order

entries_st = st.lists(
    st.builds(
        Entry,
        seq=st.integers(1, 10_000),
        person=st.integers(1, 60),
        training=st.integers(1, 4),
        amount_cents=st.integers(1, 100_000),
        group_rank=st.integers(0, 2),
    ),
    max_size=60,
    unique_by=lambda e: e.seq,
)
policies = st.sampled_from([Policy.FCFS, Policy.LOTTERY, Policy.PRIORITY])
SETTINGS = settings(max_examples=150)


@SETTINGS
@given(
    entries_st,
    st.integers(0, 2_000_000),
    policies,
    st.text(min_size=1, max_size=8),
    st.one_of(st.none(), st.integers(0, 5)),
)
def test_budget_never_exceeded(
    entries: list[Entry], budget: int, policy: Policy, seed: str, cap: int | None
) -> None:
    result = allocate(entries, budget_cents=budget, policy=policy, seed=seed, training_cap=cap)
    granted = [e for e in entries if result.outcomes[e.seq] == Outcome.GRANTED]
    assert sum(e.amount_cents for e in granted) == result.granted_cents <= budget
    # once per person, and the cap per training
    assert len({e.person for e in granted}) == len(granted)
    if cap is not None:
        for t in {e.training for e in granted}:
            assert sum(1 for e in granted if e.training == t) <= cap
    assert set(result.outcomes) == {e.seq for e in entries}


@SETTINGS
@given(entries_st, st.integers(0, 2_000_000), policies, st.text(min_size=1, max_size=8))
def test_order_exact(entries: list[Entry], budget: int, policy: Policy, seed: str) -> None:
    """Nobody passed over for money is behind a granted entry of the same or larger amount."""
    result = allocate(entries, budget_cents=budget, policy=policy, seed=seed)
    by_seq = {e.seq: e for e in entries}
    position = {s: i for i, s in enumerate(result.order)}
    waiting = result.seqs(Outcome.WAITING)
    for w in waiting:
        for g in result.seqs(Outcome.GRANTED):
            if position[g] > position[w]:
                assert by_seq[g].amount_cents < by_seq[w].amount_cents


@SETTINGS
@given(entries_st)
def test_fcfs_is_arrival_order(entries: list[Entry]) -> None:
    assert [e.seq for e in order(entries, Policy.FCFS)] == sorted(e.seq for e in entries)


@SETTINGS
@given(entries_st, st.text(min_size=1, max_size=16), st.integers(0, 10**6))
def test_lottery_reproducible_from_seed(entries: list[Entry], seed: str, budget: int) -> None:
    first = allocate(entries, budget_cents=budget, policy=Policy.LOTTERY, seed=seed)
    again = allocate(list(reversed(entries)), budget_cents=budget, policy=Policy.LOTTERY, seed=seed)
    assert first.order == again.order
    assert first.outcomes == again.outcomes
    # anyone can recompute the draw from the seed and the sequence numbers alone
    assert first.order == [s for _, s in sorted((lottery_key(seed, e.seq), e.seq) for e in entries)]


@SETTINGS
@given(entries_st, st.text(min_size=1, max_size=8), st.sampled_from([Policy.FCFS, Policy.LOTTERY]))
def test_priority_groups_first(entries: list[Entry], seed: str, then: Policy) -> None:
    ranked = order(entries, Policy.PRIORITY, seed=seed, then=then)
    ranks = [e.group_rank for e in ranked]
    assert ranks == sorted(ranks)
    if then == Policy.FCFS:
        for r in set(ranks):
            seqs = [e.seq for e in ranked if e.group_rank == r]
            assert seqs == sorted(seqs)
    else:  # the published re-run: (group, lottery_key, number), as text (issue 18: bytes)
        assert [e.seq for e in ranked] == [
            s
            for _g, _k, s in sorted(
                (e.group_rank, lottery_key(seed, e.seq), e.seq) for e in entries
            )
        ]


def test_lottery_needs_seed() -> None:
    with pytest.raises(ValueError, match="seed"):
        order([Entry(1, 1, 1, 1)], Policy.LOTTERY)


def test_waiting_list_or_refusal() -> None:
    entries = [Entry(1, 1, 1, 600), Entry(2, 2, 1, 600), Entry(3, 3, 1, 300)]
    result = allocate(entries, budget_cents=1000, policy=Policy.FCFS)
    assert result.outcomes == {1: Outcome.GRANTED, 2: Outcome.WAITING, 3: Outcome.GRANTED}
    result = allocate(entries, budget_cents=1000, policy=Policy.FCFS, waiting_list=False)
    assert result.outcomes[2] == Outcome.REFUSED_BUDGET
    capped = allocate(
        entries, budget_cents=10_000, policy=Policy.FCFS, training_cap=2, grants_so_far={1: 1}
    )
    assert capped.outcomes == {1: Outcome.GRANTED, 2: Outcome.REFUSED_CAP, 3: Outcome.REFUSED_CAP}
