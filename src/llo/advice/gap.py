# SPDX-License-Identifier: EUPL-1.2
"""The skills gap, without a database: what a goal occupation needs (its ESCO essential
skills) against what a person holds, and how far the steps of a plan close it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Gap:
    held: tuple[str, ...]  # essential skills the person has
    missing: tuple[str, ...]  # essential skills the person does not have yet
    #: For each missing skill, the positions of the steps that teach it.
    covered_by: Mapping[str, tuple[int, ...]]

    @property
    def left(self) -> tuple[str, ...]:
        """Missing skills that no step teaches yet."""
        return tuple(s for s in self.missing if not self.covered_by.get(s))


def skills_gap(
    essential: Sequence[str],
    held: Iterable[str],
    steps: Mapping[int, Iterable[str]] | None = None,
) -> Gap:
    """``essential`` in the occupation's order; ``steps``: position → skills the step's offer
    teaches."""
    have = set(held)
    steps = steps or {}
    missing = tuple(s for s in essential if s not in have)
    covered = {
        s: tuple(sorted(pos for pos, taught in steps.items() if s in set(taught))) for s in missing
    }
    return Gap(
        held=tuple(s for s in essential if s in have),
        missing=missing,
        covered_by=covered,
    )
