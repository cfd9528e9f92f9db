# SPDX-License-Identifier: EUPL-1.2
"""The what-if run: a synthetic population, every scheme, the baseline and a reform.

1. Check everything first (nothing runs half): the number of persons, the date, the schemes
   (each must take applications on the date), the reform (every change against the rules),
   the take-up rates, and a dry run of a few persons, so a missing input is named before the
   big run starts.
2. Build the population with a planned training per person (``population_inputs``).
3. Evaluate every chosen scheme in one vectorised engine run for the baseline, then again for
   the reform, and reduce each run at once to counts per cell (education x level x age band x
   labour-market position x region); the per-person arrays are dropped before the next run.
4. Split the cells into tables: totals and one table per dimension, with the reform minus the
   baseline.

Money stays integer: amounts are summed in whole cents; expected figures multiply by take-up
rates held as whole parts per million, so a table's rows add up *exactly* to its total (in
cents x ppm); the cents shown are rounded once, half away from zero.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

import llo
from llo.core.identifiers import Level
from llo.core.vocabulary import LabourPosition
from llo.people.population import LABOUR_POSITIONS, age_bands
from llo.regions.reference import gemeente_rows
from llo.schemes import engine
from llo.schemes.errors import InvalidInputError, OutsideValidityError, UnknownSchemeError
from llo.schemes.simulation import population_inputs
from llo.schemes.simulation.population_inputs import SimulationInputs
from llo.schemes.simulation.reform import ReformSpec
from llo.schemes.simulation.take_up import EDUCATION, PPM, SchemeTakeUp, TakeUp, load_take_up
from llo.schemes.system import Scheme, build_system

DEFAULT_SEED = 20261123
MAX_PERSONS = 20_000_000
#: From this many persons baseline and reform run side by side (below, threads cost more
#: than they save).
PARALLEL_FROM = 200_000
#: Persons in the dry run that checks every input is there before the big run.
DRY_RUN_PERSONS = 16
#: Schemes a what-if cannot run: funder budgets are conditions of private money, set per
#: funder in a form, not policy parameters.
NOT_SIMULATED = ("funder",)

DIMENSIONS: tuple[str, ...] = ("education", "level", "age_band", "labour_position", "region")
DIMENSION_LABELS: dict[str, Promise] = {
    "education": _("Education (CBS)"),
    "level": _("Highest level (NLQF)"),
    "age_band": _("Age"),
    "labour_position": _("Labour-market position"),
    "region": _("Labour-market region"),
}
EDUCATION_LABELS: dict[str, Promise] = {
    "low": _("Low (up to vmbo, mbo 1)"),
    "middle": _("Middle (havo, vwo, mbo 2 to 4)"),
    "high": _("High (hbo, wo)"),
}

#: Called at the start of each stage: (what, stage number from 0, number of stages).
Progress = Callable[[str, int, int], None]


# --- Results -----------------------------------------------------------------------------------


def round_ppm(value: int) -> int:
    """Parts per million to whole units, half away from zero (so -0.5 and 0.5 are symmetric)."""
    whole, rest = divmod(abs(value), PPM)
    if 2 * rest >= PPM:
        whole += 1
    return whole if value >= 0 else -whole


@dataclass(frozen=True)
class Figures:
    """One cell of one run: eligible persons, the amount they would get if all applied, and
    the expected applicants and cost (x take-up), both in exact parts per million."""

    eligible: int
    amount_cents: int
    expected_applicants_ppm: int
    expected_cost_ppm: int

    @property
    def expected_applicants(self) -> int:
        return round_ppm(self.expected_applicants_ppm)

    @property
    def expected_cost_cents(self) -> int:
        return round_ppm(self.expected_cost_ppm)

    def __sub__(self, other: Figures) -> Figures:
        return Figures(
            self.eligible - other.eligible,
            self.amount_cents - other.amount_cents,
            self.expected_applicants_ppm - other.expected_applicants_ppm,
            self.expected_cost_ppm - other.expected_cost_ppm,
        )

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.eligible + other.eligible,
            self.amount_cents + other.amount_cents,
            self.expected_applicants_ppm + other.expected_applicants_ppm,
            self.expected_cost_ppm + other.expected_cost_ppm,
        )


ZERO = Figures(0, 0, 0, 0)


@dataclass(frozen=True)
class Row:
    group: str
    label: str | Promise
    persons: int
    baseline: Figures
    reform: Figures | None = None

    @property
    def difference(self) -> Figures | None:
        return None if self.reform is None else self.reform - self.baseline


@dataclass(frozen=True)
class ConditionRow:
    """How many persons do not meet one condition (each condition counted on its own)."""

    name: str
    label: str
    baseline_not_met: int
    reform_not_met: int | None = None


@dataclass(frozen=True)
class SchemeResult:
    key: str
    title: str
    status: str
    rule_version: str
    reform_rule_version: str | None
    take_up: SchemeTakeUp | None
    total: Row
    splits: dict[str, tuple[Row, ...]]
    conditions: tuple[ConditionRow, ...]


@dataclass(frozen=True)
class ReformEffect:
    """A reform change as it stands on the simulation date."""

    parameter: str
    start: dt.date
    value: Any
    baseline_on_date: Any
    reform_on_date: Any
    line: int = 0

    @property
    def applies(self) -> bool:
        return self.baseline_on_date != self.reform_on_date


@dataclass(frozen=True)
class SimulationResult:
    persons: int
    seed: int
    on: dt.date
    schemes: tuple[SchemeResult, ...]
    reform: ReformSpec | None = None
    effects: tuple[ReformEffect, ...] = ()
    take_up_source: str = ""
    warnings: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    llo_version: str = llo.__version__

    def scheme(self, key: str) -> SchemeResult:
        for result in self.schemes:
            if result.key == key:
                return result
        raise KeyError(key)


# --- Checks ------------------------------------------------------------------------------------


def choose_schemes(system: engine.System, on: dt.date, keys: Sequence[str] | None) -> list[Scheme]:
    """The schemes to run: the ones named (each must take applications on ``on``), or every
    scheme that does."""
    known = engine.schemes_of(system)
    if keys:
        chosen = []
        for key in dict.fromkeys(keys):
            if key in NOT_SIMULATED:
                open_keys = ", ".join(k for k in known if k not in NOT_SIMULATED)
                raise UnknownSchemeError(
                    f"'{key}': funder budgets are not simulated (their conditions are set per "
                    f"funder); choose from: {open_keys}",
                    item=key,
                )
            scheme = engine.scheme_of(system, key)
            scheme.check_date(on)
            chosen.append(scheme)
        return chosen
    chosen = [
        s
        for s in known.values()
        if s.key not in NOT_SIMULATED and s.valid_from is not None and s.applies_on(on)
    ]
    if not chosen:
        periods = "; ".join(
            f"{s.key} from {s.valid_from}" + (f" to {s.valid_until}" if s.valid_until else "")
            for s in known.values()
            if s.key not in NOT_SIMULATED and s.valid_from is not None
        )
        raise OutsideValidityError(
            f"no scheme takes applications on {on.isoformat()}; choose a date in: {periods}",
            item="date",
        )
    return chosen


def _value_on(system: engine.System, path: str, on: dt.date) -> Any:
    try:
        return engine.find_parameter(system, path)(on.isoformat())
    except Exception:  # a parameter without a value on that day
        return None


def reform_effects(
    base: engine.System, reformed: engine.System, spec: ReformSpec, on: dt.date
) -> tuple[ReformEffect, ...]:
    return tuple(
        ReformEffect(
            change.parameter,
            change.start,
            change.value,
            _value_on(base, change.parameter, on),
            _value_on(reformed, change.parameter, on),
            change.line,
        )
        for change in spec.changes
    )


# --- Cells -------------------------------------------------------------------------------------


class Cells:
    """Every person's cell (education x level x age band x position x region) as one int32 key,
    so a whole run reduces to a few ``bincount`` calls, and every table is a sum of cells."""

    def __init__(self, data: SimulationInputs) -> None:
        population = data.population
        bands = age_bands()
        band_of_age = np.zeros(int(population.age.max(initial=0)) + 1, dtype=np.int32)
        for index, (low, _high, _share) in enumerate(bands):
            band_of_age[low:] = index
        self.band_names = tuple(
            f"{low}-{high}" if high is not None else f"{low}-AOW" for low, high, _ in bands
        )
        self.region_codes = population.region_codes
        self.shape = (
            len(EDUCATION),
            len(Level),
            len(bands),
            len(LABOUR_POSITIONS),
            len(population.region_codes),
        )
        key = data.education.astype(np.int32)
        for size, column in zip(
            self.shape[1:],
            (population.level_rank, None, population.labour_position, population.region_index),
            strict=True,
        ):
            key *= size
            key += band_of_age[population.age] if column is None else column
        self.key = key
        self.size = int(np.prod(self.shape))
        self.count = len(population)
        self.persons = np.bincount(key, minlength=self.size).astype(np.int64)

    def count_true(self, mask: np.ndarray) -> np.ndarray:
        counts = np.bincount(self.key, weights=mask, minlength=self.size)
        return np.rint(counts).astype(np.int64)

    def total(self, values: np.ndarray) -> np.ndarray:
        """Sum of integer ``values`` per cell, exact: float64 bincount while every partial sum
        stays below 2**53 (it holds integers exactly), int64 ``add.at`` beyond that."""
        largest = int(np.abs(values).max(initial=0))
        if largest * self.count < 2**53:
            return np.rint(np.bincount(self.key, weights=values, minlength=self.size)).astype(
                np.int64
            )
        sums = np.zeros(self.size, dtype=np.int64)
        np.add.at(sums, self.key, values.astype(np.int64))
        return sums

    def by(self, cells: np.ndarray, dimension: str) -> np.ndarray:
        """(education, group) sums for a dimension (education itself: (3, 3) diagonal)."""
        grid = cells.reshape(self.shape)
        axis = DIMENSIONS.index(dimension)
        if axis == 0:
            return np.diag(grid.sum(axis=(1, 2, 3, 4)))
        others = tuple(a for a in range(1, 5) if a != axis)
        return grid.sum(axis=others)

    def groups(self, dimension: str) -> list[tuple[str, str | Promise]]:
        if dimension == "education":
            return [(g, EDUCATION_LABELS[g]) for g in EDUCATION]
        if dimension == "level":
            return [(level.value, level.label) for level in Level]
        if dimension == "age_band":
            return [(name, _age_label(name)) for name in self.band_names]
        if dimension == "labour_position":
            return [(p, LabourPosition(p).label) for p in LABOUR_POSITIONS]
        names = _region_names()
        return [(code, f"{code} {names.get(code, '')}".strip()) for code in self.region_codes]


def _age_label(name: str) -> str | Promise:
    low, high = name.split("-")
    if high == "AOW":
        return _("%(low)s to AOW age") % {"low": low}
    return f"{low}-{high}"


def _region_names() -> dict[str, str]:
    return {row.region_code: row.region_name for row in gemeente_rows()}


@dataclass
class _Run:
    """One run reduced to cells: eligible counts and amounts per scheme, and per condition
    the persons who do not meet it."""

    eligible: dict[str, np.ndarray] = field(default_factory=dict)
    amount: dict[str, np.ndarray] = field(default_factory=dict)
    not_met: dict[str, dict[str, int]] = field(default_factory=dict)


def _reduce(cells: Cells, outputs: dict[str, np.ndarray], schemes: Sequence[Scheme]) -> _Run:
    run = _Run()
    for scheme in schemes:
        eligible = outputs[scheme.eligible]
        amount = outputs[scheme.amount]
        if np.any(amount[~eligible] != 0):  # the engine promises 0 for the not eligible
            raise InvalidInputError(
                f"'{scheme.amount}' is not 0 for a person who is not eligible", item=scheme.amount
            )
        run.eligible[scheme.key] = cells.count_true(eligible)
        run.amount[scheme.key] = cells.total(amount)
        run.not_met[scheme.key] = {
            name: cells.count - int(np.count_nonzero(outputs[name]))
            for name in scheme.condition_names
        }
    return run


def _figures(eligible: np.ndarray, amount: np.ndarray, ppm: Sequence[int]) -> Figures:
    """Figures from (education,) vectors: expected = sum over groups x the group's rate."""
    counts = [int(x) for x in eligible]
    sums = [int(x) for x in amount]
    return Figures(
        sum(counts),
        sum(sums),
        sum(c * p for c, p in zip(counts, ppm, strict=True)),
        sum(s * p for s, p in zip(sums, ppm, strict=True)),
    )


def _rows(
    cells: Cells,
    dimension: str,
    baseline: tuple[np.ndarray, np.ndarray],
    reform: tuple[np.ndarray, np.ndarray] | None,
    ppm: Sequence[int],
) -> tuple[Row, ...]:
    persons = cells.by(cells.persons, dimension).sum(axis=0)
    base_e, base_a = (cells.by(a, dimension) for a in baseline)
    ref = tuple(cells.by(a, dimension) for a in reform) if reform is not None else None
    rows = []
    for index, (group, label) in enumerate(cells.groups(dimension)):
        rows.append(
            Row(
                group,
                label,
                int(persons[index]),
                _figures(base_e[:, index], base_a[:, index], ppm),
                _figures(ref[0][:, index], ref[1][:, index], ppm) if ref is not None else None,
            )
        )
    return tuple(rows)


def _scheme_result(
    cells: Cells,
    scheme: Scheme,
    base_system: engine.System,
    reform_system: engine.System | None,
    baseline: _Run,
    reform: _Run | None,
    rate: SchemeTakeUp | None,
) -> SchemeResult:
    ppm = rate.ppm_by_education if rate is not None else (0,) * len(EDUCATION)
    key = scheme.key
    base_cells = (baseline.eligible[key], baseline.amount[key])
    ref_cells = (reform.eligible[key], reform.amount[key]) if reform is not None else None
    splits = {d: _rows(cells, d, base_cells, ref_cells, ppm) for d in DIMENSIONS}
    # The total from the education split: every split sums to the same total (a test pins it).
    total = Row("total", _("Total"), cells.count, ZERO, None if reform is None else ZERO)
    for row in splits["education"]:
        total = replace(
            total,
            baseline=total.baseline + row.baseline,
            reform=None
            if total.reform is None or row.reform is None
            else total.reform + row.reform,
        )
    conditions = tuple(
        ConditionRow(
            name,
            str(base_system.variables[name].label or name),
            baseline.not_met[key][name],
            reform.not_met[key][name] if reform is not None else None,
        )
        for name in scheme.condition_names
    )
    return SchemeResult(
        key=key,
        title=scheme.title,
        status=scheme.status,
        rule_version=engine.rule_version(base_system, key),
        reform_rule_version=engine.rule_version(reform_system, key) if reform_system else None,
        take_up=rate,
        total=total,
        splits=splits,
        conditions=conditions,
    )


# --- The run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Everything checked and ready: what :func:`run` needs besides the population."""

    persons: int
    on: dt.date
    seed: int
    schemes: tuple[Scheme, ...]
    base_system: engine.System
    reform_system: engine.System | None
    reform: ReformSpec | None
    take_up: TakeUp
    effects: tuple[ReformEffect, ...]
    warnings: tuple[str, ...]


def prepare(
    persons: int,
    on: dt.date,
    *,
    seed: int = DEFAULT_SEED,
    reform: ReformSpec | None = None,
    schemes: Sequence[str] | None = None,
    take_up: TakeUp | None = None,
    system: engine.System | None = None,
) -> Plan:
    """Check every input of a what-if before anything heavy runs (raises RulesError)."""
    if isinstance(persons, bool) or not isinstance(persons, int) or not 1 <= persons <= MAX_PERSONS:
        raise InvalidInputError(
            f"the population must be 1 to {MAX_PERSONS:,} persons, not {persons!r}",
            item="population",
        )
    if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
        raise InvalidInputError("the date must be a date (YYYY-MM-DD)", item="date")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise InvalidInputError("the seed must be a whole number of 0 or more", item="seed")
    base = system or build_system()
    chosen = tuple(choose_schemes(base, on, schemes))
    reformed = engine.apply_reform(reform.as_changes(), system=base) if reform else None
    take_up = take_up or load_take_up(system=base)
    warnings: list[str] = []
    effects: tuple[ReformEffect, ...] = ()
    if reform is not None and reformed is not None:
        effects = reform_effects(base, reformed, reform, on)
        keys = {s.key for s in chosen}
        for effect in effects:
            owner = effect.parameter.split(".", 1)[0]
            if owner in engine.schemes_of(base) and owner not in keys:
                warnings.append(
                    f"{reform.source}:{effect.line}: '{effect.parameter}' belongs to '{owner}', "
                    f"which is not simulated on {on.isoformat()}"
                )
            elif effect.start > on:
                warnings.append(
                    f"{reform.source}:{effect.line}: '{effect.parameter}' changes from "
                    f"{effect.start}, after the simulation date {on.isoformat()}: no effect here"
                )
    for scheme in chosen:
        if take_up.get(scheme.key) is None:
            warnings.append(
                f"no take-up rate for '{scheme.key}' in {take_up.source}: expected figures are 0"
            )
    # A dry run on a few persons: a missing input (or any other engine error) is named now,
    # before minutes of work, and the big run cannot fail half-way for that reason.
    dry = population_inputs.build(DRY_RUN_PERSONS, on, seed=seed)
    keys_run = [s.key for s in chosen]
    for run_system in (base, reformed):
        if run_system is not None:
            engine.evaluate(dry.inputs, on, keys_run, system=run_system)
    return Plan(
        persons, on, seed, chosen, base, reformed, reform, take_up, effects, tuple(warnings)
    )


class Stages:
    """Reports each stage to a :data:`Progress` callback as it starts, then the end."""

    def __init__(self, names: Sequence[str], progress: Progress | None) -> None:
        self.names = tuple(names)
        self.progress = progress

    def start(self, name: str) -> None:
        if self.progress is not None:
            self.progress(name, self.names.index(name), len(self.names))

    def finish(self) -> None:
        if self.progress is not None:
            self.progress("done", len(self.names), len(self.names))


def default_jobs(persons: int) -> int:
    """Two threads (baseline and reform side by side) on a machine with two or more cores,
    for populations big enough to gain from it."""
    return 2 if (os.cpu_count() or 1) >= 2 and persons >= PARALLEL_FROM else 1


def stage_names(plan: Plan, *, population: bool, jobs: int = 1) -> tuple[str, ...]:
    names: tuple[str, ...] = ("population",) if population else ()
    names += ("cells",)
    if plan.reform_system is None:
        names += ("baseline",)
    elif jobs > 1:
        names += ("baseline and reform",)
    else:
        names += ("baseline", "reform")
    return (*names, "tables")


def run(
    plan: Plan,
    data: SimulationInputs,
    *,
    stages: Stages | None = None,
    jobs: int = 1,
) -> SimulationResult:
    """Evaluate the plan's schemes over ``data`` (baseline and reform) and split the results.
    ``data`` must be for the plan's date; ``jobs`` 2 runs baseline and reform side by side."""
    if data.on != plan.on:
        raise InvalidInputError("the population is for another date than the plan", item="date")
    stages = stages or Stages(stage_names(plan, population=False, jobs=jobs), None)
    timings: dict[str, float] = {}
    keys = [s.key for s in plan.schemes]

    started = time.perf_counter()
    stages.start("cells")
    cells = Cells(data)
    timings["cells"] = time.perf_counter() - started

    def evaluate(run_system: engine.System) -> _Run:
        outputs = engine.evaluate(data.inputs, plan.on, keys, system=run_system)
        reduced = _reduce(cells, outputs, plan.schemes)
        del outputs  # the per-person arrays go before the next run needs the memory
        return reduced

    reform: _Run | None = None
    started = time.perf_counter()
    if plan.reform_system is not None and jobs > 1:
        # Baseline and reform in two threads: the work is numpy, which releases the GIL, and
        # each run has its own OpenFisca simulation (the systems are only read).
        stages.start("baseline and reform")
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="llo-what-if") as pool:
            futures = [pool.submit(evaluate, plan.base_system)]
            futures.append(pool.submit(evaluate, plan.reform_system))
            baseline, reform = (future.result() for future in futures)
        timings["baseline and reform"] = time.perf_counter() - started
    else:
        stages.start("baseline")
        baseline = evaluate(plan.base_system)
        timings["baseline"] = time.perf_counter() - started
        if plan.reform_system is not None:
            started = time.perf_counter()
            stages.start("reform")
            reform = evaluate(plan.reform_system)
            timings["reform"] = time.perf_counter() - started

    started = time.perf_counter()
    stages.start("tables")
    results = tuple(
        _scheme_result(
            cells,
            scheme,
            plan.base_system,
            plan.reform_system,
            baseline,
            reform,
            plan.take_up.get(scheme.key),
        )
        for scheme in plan.schemes
    )
    timings["tables"] = time.perf_counter() - started
    stages.finish()
    return SimulationResult(
        persons=len(data),
        seed=data.seed,
        on=plan.on,
        schemes=results,
        reform=plan.reform,
        effects=plan.effects,
        take_up_source=plan.take_up.source,
        warnings=plan.warnings,
        timings=timings,
    )


def simulate(
    persons: int,
    on: dt.date,
    *,
    seed: int = DEFAULT_SEED,
    reform: ReformSpec | None = None,
    schemes: Sequence[str] | None = None,
    take_up: TakeUp | None = None,
    system: engine.System | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> SimulationResult:
    """The whole what-if: check, build ``persons`` persons on ``on``, run, split. ``jobs``:
    1 or 2 threads (default: :func:`default_jobs`)."""
    started = time.perf_counter()
    plan = prepare(
        persons, on, seed=seed, reform=reform, schemes=schemes, take_up=take_up, system=system
    )
    checked = time.perf_counter()
    jobs = default_jobs(persons) if jobs is None else max(1, min(2, jobs))
    stages = Stages(stage_names(plan, population=True, jobs=jobs), progress)
    stages.start("population")
    data = population_inputs.build(persons, on, seed=seed)
    built = time.perf_counter()
    result = run(plan, data, stages=stages, jobs=jobs)
    del data
    timings = {
        "checks": checked - started,
        "population": built - checked,
        **result.timings,
        "total": time.perf_counter() - started,
    }
    return replace(result, timings=timings)
