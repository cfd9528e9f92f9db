# SPDX-License-Identifier: EUPL-1.2
"""Allocation policies of a funding window, over plain data (no database).

STAP's windows were first come, first served (pmc.nl: "wie het eerst komt, wie het eerst
maalt", no waiting list), the budget was gone within hours and the race was called a lottery
(issue; seed 004: "volledige uitputting"). A window here has one of three policies:

* ``fcfs``: exact arrival order (the intake sequence number).
* ``lottery``: after the window closes, the order is a keyed hash of a published seed and the
  entry's sequence number: anyone with the seed and the list of entries re-runs it and gets
  the same order (:func:`lottery_key`).
* ``priority``: target groups first (lower rank first), then ``fcfs`` or ``lottery`` inside a
  group (seed 004: "kwetsbare groepen, in het bijzonder ... die minder onderwijs hebben
  genoten").

Then the same greedy pass for every policy: in order, an entry is granted when its amount fits
in what is left of the window budget and its training is under the per-training cap
(STAP art. 12a, "verleningsgrens", 300 a calendar year); an entry that does not fit goes to
the waiting list (or is refused when the window has none); a later, smaller entry may still
fit. So the budget is never exceeded and order is exact: an entry passed over for money is
never behind a granted entry of the same or a larger amount.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

#: Entries younger than this are not allocated yet during an FCFS window: a request that took
#: its sequence number earlier may still be committing (requests time out well before this).
WATERMARK = dt.timedelta(seconds=2)


class Policy(StrEnum):
    FCFS = "fcfs"
    LOTTERY = "lottery"
    PRIORITY = "priority"


class Outcome(StrEnum):
    GRANTED = "granted"
    WAITING = "waiting"
    REFUSED_BUDGET = "refused_budget"
    REFUSED_CAP = "refused_cap"  # the training reached its cap this year (art. 12a)
    REFUSED_DUPLICATE = "refused_duplicate"  # this person already has an entry / a grant
    # After the decision, on the waiting list (never given by :func:`allocate`): the entry
    # holds a waiting outcome itself (decision 013), so it also holds how the wait ended.
    LAPSED = "lapsed"  # the window's period ended without money for it
    CANCELLED = "cancelled"  # the person left the waiting list


class Entry(NamedTuple):
    """One entry as the policies see it (a tuple: a window holds 250,000 of them)."""

    seq: int  # arrival order: the intake sequence number
    person: int
    training: int  # the offer
    amount_cents: int
    group_rank: int = 0  # 0 = the first priority group; larger = later


@dataclass
class Result:
    order: list[int]  # seqs in the order the policy looked at them
    outcomes: dict[int, Outcome]  # by seq
    granted_cents: int
    grants_by_training: dict[int, int] = field(default_factory=dict)

    def seqs(self, outcome: Outcome) -> list[int]:
        """The seqs with ``outcome``, in policy order (the waiting list is in this order)."""
        return [s for s in self.order if self.outcomes[s] == outcome]


def lottery_key(seed: str, seq: int) -> str:
    """The draw of one entry: SHA-256 of ``"<seed>:<seq>"`` in hex. Sorting entries by it is
    the lottery; it needs nothing but the published seed and the published sequence numbers."""
    return hashlib.sha256(f"{seed}:{seq}".encode()).hexdigest()


def _draw_key(seed: str, seq: int, group_rank: int = 0) -> bytes:
    """The sort key of (group, :func:`lottery_key`, seq) as one byte string: the group in two
    bytes, the digest itself, the number in eight, all big-endian, so bytes compare exactly
    as that tuple does (hex digits sort as the bytes they spell; the digests have one
    length). One comparison of bytes instead of a tuple of a 64-character text: a third of
    a 250,000-entry lottery's time (issue 18)."""
    digest = hashlib.sha256(f"{seed}:{seq}".encode()).digest()
    return group_rank.to_bytes(2, "big") + digest + seq.to_bytes(8, "big")


def order(
    entries: Sequence[Entry], policy: Policy, *, seed: str = "", then: Policy = Policy.FCFS
) -> list[Entry]:
    """The entries in the order the policy grants them: first come by ``seq``; a lottery by
    (:func:`lottery_key`, seq); priority by (group, seq) or (group, lottery_key, seq)."""
    if policy == Policy.FCFS:
        return sorted(entries, key=lambda e: e.seq)
    if policy == Policy.LOTTERY:
        if not seed:
            raise ValueError("a lottery needs a seed")
        return sorted(entries, key=lambda e: _draw_key(seed, e.seq))
    if policy == Policy.PRIORITY:
        if then == Policy.LOTTERY:
            if not seed:
                raise ValueError("a lottery needs a seed")
            return sorted(entries, key=lambda e: _draw_key(seed, e.seq, e.group_rank))
        return sorted(entries, key=lambda e: (e.group_rank, e.seq))
    raise ValueError(f"unknown policy {policy!r}")


def allocate(
    entries: Iterable[Entry],
    *,
    budget_cents: int,
    policy: Policy | str,
    seed: str = "",
    then: Policy | str = Policy.FCFS,
    training_cap: int | None = None,
    grants_so_far: Mapping[int, int] | None = None,
    excluded_persons: Iterable[int] = (),
    waiting_list: bool = True,
) -> Result:
    """Decide every entry. ``grants_so_far``: grants per training earlier this calendar year
    (other windows); ``excluded_persons``: persons who had a grant this year already (STAP:
    once a calendar year)."""
    if budget_cents < 0:
        raise ValueError("the budget cannot be negative")
    ordered = order(list(entries), Policy(policy), seed=seed, then=Policy(then))
    left = budget_cents
    counts: dict[int, int] = dict(grants_so_far or {})
    seen: set[int] = set(excluded_persons)
    outcomes: dict[int, Outcome] = {}
    new_grants: dict[int, int] = {}
    for entry in ordered:
        if entry.person in seen:
            outcomes[entry.seq] = Outcome.REFUSED_DUPLICATE
            continue
        if training_cap is not None and counts.get(entry.training, 0) >= training_cap:
            outcomes[entry.seq] = Outcome.REFUSED_CAP
            continue
        if 0 < entry.amount_cents <= left:
            left -= entry.amount_cents
            counts[entry.training] = counts.get(entry.training, 0) + 1
            new_grants[entry.training] = new_grants.get(entry.training, 0) + 1
            seen.add(entry.person)
            outcomes[entry.seq] = Outcome.GRANTED
        else:
            outcomes[entry.seq] = Outcome.WAITING if waiting_list else Outcome.REFUSED_BUDGET
            seen.add(entry.person)
    return Result(
        order=[e.seq for e in ordered],
        outcomes=outcomes,
        granted_cents=budget_cents - left,
        grants_by_training=new_grants,
    )
