# SPDX-License-Identifier: EUPL-1.2
"""Which results rest on a fact that is not known.

Where llo's data lacks a fact a rule needs (months insured, study support, the purpose of a
training), the decision says so: that condition is *not yet known*, and the person is asked
for the fact or a source (issue 13). OpenFisca has no "unknown" value, so an unknown fact gets
a placeholder and we follow what the formulas read instead: a :class:`DependencyTracer` records
which variable read which while they are computed (the same for every row of a vectorised
run), and a result is unknown in a row where anything it read, directly or through other
variables, is an input that is unknown in that row.

This is exact for what a formula reads, not for what it would have needed: a formula that
reads an unknown fact and then does not use it still makes its result unknown. So the rules
read a fact only where it applies: a dated condition returns before it reads anything on a
date it does not apply (``stap/variables/stap.py``), and a condition that matters only in some
rows has a companion variable ``<condition>_applies`` (True in those rows, read from
parameters only): elsewhere its result counts as known (a funder without a purpose list does
not need the purpose; ``funder/variables/funder.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

import numpy as np
from openfisca_core.tracers import SimpleTracer

#: Suffix of the variable that says in which rows a condition needs its facts.
APPLIES = "_applies"


class DependencyTracer(SimpleTracer):
    """OpenFisca's plain tracer (it keeps the stack that finds cycles) plus one edge per read:
    ``reads[a]`` holds every variable the formula of ``a`` asked for, cached or not."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: dict[str, set[str]] = defaultdict(set)

    def record_calculation_start(self, variable: str, period: object) -> None:
        stack = self.stack
        if stack:
            self.reads[str(stack[-1]["name"])].add(variable)
        super().record_calculation_start(variable, period)


def read_by(reads: Mapping[str, Iterable[str]], name: str, stop: Iterable[str] = ()) -> set[str]:
    """Every variable ``name`` read, directly or through others (not ``name`` itself); the
    variables in ``stop`` are reached but not looked into."""
    halt = set(stop)
    seen: set[str] = set()
    todo = list(reads.get(name, ()))
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current not in halt:
            todo.extend(reads.get(current, ()))
    return seen


def unknown_results(
    reads: Mapping[str, Iterable[str]],
    names: Iterable[str],
    unknown: Mapping[str, np.ndarray],
    count: int,
    *,
    applies: Mapping[str, np.ndarray] | None = None,
    stop: Iterable[str] = (),
) -> dict[str, np.ndarray]:
    """For each result: a boolean row mask, True where it read an input unknown in that row.

    ``unknown`` maps input names to such masks (an input unknown in no row may be left out);
    ``applies`` maps a result to the rows where it needs its facts at all; the walk does not
    look into the results in ``stop`` (an amount is not unknown *because* a condition is).
    """
    result: dict[str, np.ndarray] = {}
    halt = set(stop)
    for name in names:
        mask = np.zeros(count, dtype=bool)
        for source in read_by(reads, name, halt - {name}) | {name}:
            rows = unknown.get(source)
            if rows is not None:
                mask |= rows
        if applies is not None and name in applies:
            mask &= applies[name]
        result[name] = mask
    return result


def masks(unknown_per_row: Iterable[Iterable[str]], count: int) -> dict[str, np.ndarray]:
    """Per-row lists of unknown input names as one mask per input."""
    out: dict[str, np.ndarray] = {}
    for row, names in enumerate(unknown_per_row):
        for name in names:
            if name not in out:
                out[name] = np.zeros(count, dtype=bool)
            out[name][row] = True
    return out
