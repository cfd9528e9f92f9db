# SPDX-License-Identifier: EUPL-1.2
"""A published lottery can be re-run by anyone, and it is the same on SQLite and PostgreSQL
(issue 15; decision 016). The draw keys on each entry's number in its window (arrival order:
1, 2, ...), which the window publishes with its seed, never on the database's ids: they are
shared by every window and differ between databases (a rolled-back insert burns a
PostgreSQL sequence value, SQLite reuses it)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llo.enrolment import allocation, services
from llo.enrolment.models import IntakeEntry
from tests.enrolment.conftest import make_offer, make_provider
from tests.enrolment.test_allocator import AFTER, add_entries, make_window

#: An arrival: the database id it got, amount, priority group, person, training.
arrivals = st.lists(
    st.tuples(
        st.integers(1, 10**12), st.integers(1, 300_000), st.integers(0, 2),
        st.integers(1, 8), st.integers(1, 4),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda a: a[0],
)  # fmt: skip
seeds = st.text(alphabet="0123456789abcdef", min_size=1, max_size=32)
policies = st.sampled_from(
    [(allocation.Policy.LOTTERY, allocation.Policy.FCFS),
     (allocation.Policy.PRIORITY, allocation.Policy.LOTTERY)]
)  # fmt: skip


def _numbered(arrived: list[tuple[int, int, int, int, int]]) -> list[allocation.Entry]:
    """As the allocator numbers them: in arrival (id) order, 1, 2, ..."""
    in_order = sorted(arrived, key=lambda a: a[0])
    return [
        allocation.Entry(n, person, training, amount, rank)
        for n, (_id, amount, rank, person, training) in enumerate(in_order, start=1)
    ]


@given(arrivals, seeds, policies, st.integers(0, 5_000_000))
def test_the_draw_is_re_run_from_the_seed_and_the_published_numbers(
    arrived: list[tuple[int, int, int, int, int]],
    seed: str,
    policy: tuple[allocation.Policy, allocation.Policy],
    budget: int,
) -> None:
    entries = _numbered(arrived)
    result = allocation.allocate(entries, budget_cents=budget, policy=policy[0], then=policy[1],
                                 seed=seed)  # fmt: skip
    # What the window publishes: the seed, and per entry its number and priority group.
    published = [(e.seq, e.group_rank) for e in entries]
    again = sorted(published, key=lambda p: (p[1], allocation.lottery_key(seed, p[0]), p[0]))
    if policy[0] == allocation.Policy.LOTTERY:
        again = sorted(published, key=lambda p: (allocation.lottery_key(seed, p[0]), p[0]))
    assert result.order == [seq for seq, _rank in again]


@given(arrivals, st.integers(1, 10**6), seeds, policies, st.integers(0, 5_000_000))
def test_other_ids_in_the_same_arrival_order_give_the_same_outcome(
    arrived: list[tuple[int, int, int, int, int]],
    shift: int,
    seed: str,
    policy: tuple[allocation.Policy, allocation.Policy],
    budget: int,
) -> None:
    """Another database gives the same arrivals other ids (shifted, with gaps): every entry
    keeps its number and its outcome."""
    other = [(a[0] * 3 + shift, *a[1:]) for a in arrived]
    one = allocation.allocate(_numbered(arrived), budget_cents=budget, policy=policy[0],
                              then=policy[1], seed=seed)  # fmt: skip
    two = allocation.allocate(_numbered(other), budget_cents=budget, policy=policy[0],
                              then=policy[1], seed=seed)  # fmt: skip
    assert one.order == two.order
    assert one.outcomes == two.outcomes


@pytest.mark.django_db
def test_two_windows_with_the_same_arrivals_draw_the_same_on_this_database() -> None:
    """In the database (SQLite and PostgreSQL alike): the same arrivals in two windows, the
    second's ids far apart and interleaved with a third window's, decide the same with the
    same seed; the stored numbers and places are the re-run of the published draw."""
    opleider = make_provider()
    offerings = [make_offer(opleider)[1] for _ in range(2)]
    amounts = [90_000, 120_000, 60_000, 150_000, 80_000, 100_000, 70_000]
    kwargs = {"window_cents": 300_000, "policy": "lottery", "training_cap": None}
    first, second, other = (make_window(**kwargs) for _ in range(3))
    add_entries(first, offerings, amounts)
    for n, amount in enumerate(amounts):  # interleaved: the second window's ids have gaps
        for window in (other, second):
            (made,) = add_entries(window, offerings, [amount])
            IntakeEntry.objects.filter(pk=made.pk).update(idempotency_key=f"k{n}")
    outcomes = []
    for window in (first, second):
        services.allocate_window(window, at=AFTER, seed="gepubliceerde-code")
        rows = IntakeEntry.objects.filter(window=window).order_by("pk")
        seqs = [r.seq for r in rows]
        assert seqs == list(range(1, len(amounts) + 1))
        by_place = sorted(rows, key=lambda r: r.position or 0)
        redrawn = sorted(seqs, key=lambda s: (allocation.lottery_key("gepubliceerde-code", s), s))
        assert [r.seq for r in by_place] == redrawn
        outcomes.append([(r.seq, r.outcome, r.position) for r in rows])
    assert outcomes[0] == outcomes[1]
    ids = [IntakeEntry.objects.filter(window=w).order_by("pk")[0].pk for w in (first, second)]
    assert ids[0] != ids[1]
