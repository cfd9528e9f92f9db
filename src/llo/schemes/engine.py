# SPDX-License-Identifier: EUPL-1.2
"""Run the rules: vectorised over a population, on one date; and reforms for what-if.

* :func:`evaluate` — every scheme (or the ones named) for input arrays on a date.
* :func:`apply_reform` — a system with parameters changed from dates (validated).
* :func:`with_funders` — a system with funder conditions as parameters (``llo.schemes.funders``).
* :func:`rule_version` — the version recorded in a decision (scheme + reform/funder hashes).

A run is all or nothing: inputs are checked first (unknown names, wrong types or lengths,
dates outside a scheme), then everything is computed, then the results are returned.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
from openfisca_core import periods
from openfisca_core.indexed_enums import Enum, EnumArray
from openfisca_core.parameters import Parameter, ParameterNode
from openfisca_core.reforms import Reform
from openfisca_core.simulations import Simulation
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from llo.schemes import enums, funders, known
from llo.schemes.errors import (
    InvalidInputError,
    MissingInputError,
    UnknownParameterError,
    UnknownSchemeError,
    UnknownVariableError,
    suggest,
)
from llo.schemes.system import Scheme, build_system

System: TypeAlias = TaxBenefitSystem  # an LloSystem, or a Reform of one


def schemes_of(system: System) -> dict[str, Scheme]:
    schemes: dict[str, Scheme] = system.schemes
    return schemes


def scheme_of(system: System, key: str) -> Scheme:
    known = schemes_of(system)
    if key not in known:
        raise UnknownSchemeError(
            f"unknown scheme '{key}'; known: {', '.join(known)}.{suggest(key, known)}", item=key
        )
    return known[key]


def rule_version(system: System, key: str) -> str:
    """``<llo>+<scheme>.<hash>``, plus ``+reform.<hash>`` / ``+funders.<hash>`` when the system
    is a reform or carries funder conditions."""
    return scheme_of(system, key).rule_version + getattr(system, "version_suffix", "")


def funder_count(system: System) -> int:
    return len(system.parameters.children["funders"].children)


# --- simulations -----------------------------------------------------------------------
def new_simulation(system: System, count: int) -> Simulation:
    """An empty simulation of ``count`` rows (no SimulationBuilder: this is the fast path)."""
    populations = system.instantiate_entities()
    for population in populations.values():
        population.count = count
        population.ids = np.arange(count, dtype=np.int32)
    return Simulation(system, populations)


def _as_array(system: System, name: str, values: Any) -> np.ndarray:
    """Check and convert one input array to the variable's dtype, naming what is wrong."""
    variable = system.variables[name]
    array = values if isinstance(values, np.ndarray) else np.asarray(values)
    if array.ndim != 1:
        raise InvalidInputError(f"input '{name}' must be a one-dimensional array", item=name)
    kind = variable.value_type
    if kind is bool:
        if array.dtype != np.bool_:
            raise InvalidInputError(f"input '{name}' must hold True/False values", item=name)
        return array
    if kind is int:
        if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.integer):
            raise InvalidInputError(
                f"input '{name}' must hold whole numbers (money in cents), not {array.dtype}",
                item=name,
            )
        if array.size and (array.min() < -(2**31) or array.max() >= 2**31):
            raise InvalidInputError(f"input '{name}' has a value out of range", item=name)
        return array.astype(np.int32, copy=False)
    if kind is dt.date:
        try:
            return array.astype("datetime64[D]", copy=False)
        except (TypeError, ValueError):
            raise InvalidInputError(
                f"input '{name}' must hold dates (datetime64 or YYYY-MM-DD)", item=name
            ) from None
    if kind is Enum:
        enum = variable.possible_values
        if isinstance(array, EnumArray):
            return array
        count = len(enum.__members__)
        if np.issubdtype(array.dtype, np.integer) and array.dtype != np.bool_:
            if array.size and (array.min() < 0 or array.max() >= count):
                raise InvalidInputError(
                    f"input '{name}' has an index outside 0..{count - 1}", item=name
                )
            return EnumArray(array.astype(np.int16, copy=False), enum)
        codes, inverse = np.unique(array.astype(str), return_inverse=True)
        allowed = enums.names(enum)
        wrong = [str(code) for code in codes if code not in allowed]
        if wrong:
            raise InvalidInputError(
                f"input '{name}': unknown code '{wrong[0]}'; use one of: {', '.join(allowed)}."
                f"{suggest(wrong[0], allowed)}",
                item=name,
            )
        lookup = np.array([allowed.index(str(code)) for code in codes], dtype=np.int16)
        return EnumArray(lookup[inverse], enum)
    raise InvalidInputError(f"input '{name}' has an unsupported type", item=name)


def prepare_inputs(system: System, inputs: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], int]:
    """Check every input before anything runs; returns the converted arrays and the count."""
    unknown = [name for name in inputs if name not in system.variables]
    if unknown:
        name = unknown[0]
        raise UnknownVariableError(
            f"unknown input variable '{name}'.{suggest(name, system.variables)}"
            + (f" ({len(unknown)} unknown: {', '.join(unknown)})" if len(unknown) > 1 else ""),
            item=name,
        )
    if not inputs:
        raise InvalidInputError("no inputs given")
    arrays = {name: _as_array(system, name, values) for name, values in inputs.items()}
    lengths = {name: len(array) for name, array in arrays.items()}
    count = next(iter(lengths.values()))
    wrong = [name for name, length in lengths.items() if length != count]
    if wrong:
        raise InvalidInputError(
            f"input '{wrong[0]}' has {lengths[wrong[0]]} rows, the first input has {count}",
            item=wrong[0],
        )
    if count == 0:
        raise InvalidInputError("inputs have no rows")
    return arrays, count


def simulate(
    system: System,
    inputs: Mapping[str, Any],
    on: dt.date,
    *,
    trace: bool = False,
    tracer: Any = None,
) -> tuple[Simulation, Any]:
    """A simulation with ``inputs`` set for the day ``on``; returns it and the period.
    ``trace`` keeps OpenFisca's full trace; ``tracer`` installs another one."""
    arrays, count = prepare_inputs(system, inputs)
    simulation = new_simulation(system, count)
    simulation.trace = trace
    if tracer is not None:
        simulation.tracer = tracer
    period = periods.period(on.isoformat())
    for name, array in arrays.items():
        simulation.set_input(name, period, array)
    return simulation, period


def calculate(simulation: Simulation, name: str, period: Any) -> np.ndarray:
    try:
        return np.asarray(simulation.calculate(name, period))
    except MissingInputError as exc:
        if not exc.needed_by:  # say which result needed it
            raise MissingInputError(exc.item, needed_by=name) from None
        raise


def _schemes_for(system: System, on: dt.date, keys: Iterable[str] | None) -> list[Scheme]:
    if keys is None:
        chosen = [
            s
            for s in schemes_of(system).values()
            if s.key != "funder" and s.valid_from is not None and s.applies_on(on)
        ]
        if funder_count(system):
            chosen.append(scheme_of(system, "funder"))
        return chosen
    chosen = [scheme_of(system, key) for key in keys]
    for scheme in chosen:
        scheme.check_date(on)
        if scheme.key == "funder" and not funder_count(system):
            raise InvalidInputError(
                "no funder conditions configured: pass funders=[...] or use with_funders()",
                item="funders",
            )
    return chosen


def evaluate(
    inputs: Mapping[str, Any],
    on: dt.date,
    schemes: Iterable[str] | None = None,
    *,
    system: System | None = None,
    funders: Sequence[Mapping[str, Any]] | None = None,
    outputs: Sequence[str] = (),
) -> dict[str, np.ndarray]:
    """Evaluate schemes for a whole population on ``on``, vectorised.

    ``inputs`` maps input variable names to equal-length arrays (enum inputs as code strings
    or int16 indices; dates as ``datetime64[D]``; money as integer cents). ``schemes`` defaults
    to every scheme that accepts applications on ``on`` (plus the funder scheme when funder
    conditions are given). Returns each scheme's eligible, amount, conditions and outputs, plus
    any extra ``outputs``, as arrays.
    """
    system, names = _outputs(on, schemes, system, funders, outputs)
    simulation, period = simulate(system, inputs, on)
    return {name: calculate(simulation, name, period) for name in names}


def _outputs(
    on: dt.date,
    schemes: Iterable[str] | None,
    system: System | None,
    funders: Sequence[Mapping[str, Any]] | None,
    outputs: Sequence[str],
) -> tuple[System, list[str]]:
    system = system or build_system()
    if funders is not None:
        system = with_funders(funders, system)
    chosen = _schemes_for(system, on, schemes)
    names: list[str] = []
    for scheme in chosen:
        names.extend(scheme.outputs_all())
    for name in outputs:
        if name not in system.variables:
            raise UnknownVariableError(
                f"unknown output variable '{name}'.{suggest(name, system.variables)}", item=name
            )
        names.append(name)
    return system, list(dict.fromkeys(names))


def evaluate_known(
    inputs: Mapping[str, Any],
    unknown: Mapping[str, np.ndarray],
    on: dt.date,
    schemes: Iterable[str] | None = None,
    *,
    system: System | None = None,
    funders: Sequence[Mapping[str, Any]] | None = None,
    outputs: Sequence[str] = (),
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """:func:`evaluate`, where some inputs hold placeholders for facts that are not known.

    ``unknown`` maps an input name to a row mask (True: not known in that row). Returns the
    results and, for each result, the mask of rows where it read such an input (directly or
    through other variables), so it is not known there either (:mod:`llo.schemes.known`).
    One run, vectorised like :func:`evaluate`.
    """
    for name in unknown:
        if name not in inputs:
            raise InvalidInputError(f"unknown input '{name}' has no placeholder", item=name)
    system, names = _outputs(on, schemes, system, funders, outputs)
    tracer = known.DependencyTracer()
    simulation, period = simulate(system, inputs, on, tracer=tracer)
    values = {name: calculate(simulation, name, period) for name in names}
    applies = {
        name: calculate(simulation, name + known.APPLIES, period).astype(bool)
        for name in names
        if name + known.APPLIES in system.variables
    }
    count = len(next(iter(values.values()))) if values else 0
    return values, known.unknown_results(tracer.reads, names, unknown, count, applies=applies)


# --- parameters and reforms ------------------------------------------------------------
def find_parameter(system: System, path: str) -> Parameter:
    """The Parameter at a dotted path, or UnknownParameterError naming the path."""
    node: Any = system.parameters
    walked: list[str] = []
    for part in path.split("."):
        children = getattr(node, "children", None)
        if not isinstance(children, dict) or part not in children:
            here = ".".join(walked) or "the root"
            known = list(children) if isinstance(children, dict) else []
            raise UnknownParameterError(
                f"unknown parameter '{path}': '{part}' is not under {here}.{suggest(part, known)}",
                item=path,
            )
        node = children[part]
        walked.append(part)
    if not isinstance(node, Parameter):
        raise UnknownParameterError(f"'{path}' is a group of parameters, not one value", item=path)
    return node


def _check_reform_value(parameter: Parameter, path: str, value: Any) -> None:
    existing = [v.value for v in parameter.values_list if v.value is not None]
    metadata = parameter.metadata
    if value is None:
        return
    if isinstance(value, float) and (metadata.get("unit") == "cents" or path.endswith("_cents")):
        raise InvalidInputError(f"'{path}': money is in whole cents, not {value}", item=path)
    if existing:
        sample = existing[0]
        same = isinstance(value, bool) == isinstance(sample, bool) and (
            isinstance(value, type(sample)) or isinstance(sample, type(value))
        )
        if not same:
            raise InvalidInputError(
                f"'{path}': expected a {type(sample).__name__} like {sample!r}, got {value!r}",
                item=path,
            )
    allowed = metadata.get("allowed_values")
    if allowed is not None and value not in allowed:
        raise InvalidInputError(f"'{path}': '{value}' is not one of {allowed}", item=path)
    if metadata.get("unit") == "level" and value not in enums.LEVEL_RANK:
        raise InvalidInputError(f"'{path}': '{value}' is not a level", item=path)


class ParameterReform(Reform):
    """Parameter values changed from dates: ``{"llo_regeling.max_level": {"2027-01-01":
    "eqf_3"}}``. Each value applies from its date onwards (until the next date given)."""

    name = "parameter changes"

    def __init__(self, baseline: System, changes: Mapping[str, Mapping[Any, Any]]) -> None:
        self.changes = _normalise_changes(baseline, changes)
        text = json.dumps(self.changes, sort_keys=True, default=str)
        self.version_suffix = (
            getattr(baseline, "version_suffix", "")
            + "+reform."
            + hashlib.sha256(text.encode()).hexdigest()[:12]
        )
        super().__init__(baseline)

    def apply(self) -> None:
        def modify(parameters: ParameterNode) -> ParameterNode:
            for path, values in self.changes.items():
                parameter = _walk(parameters, path)
                for start in sorted(values):
                    parameter.update(start=periods.instant(start), value=values[start])
                # A decision record shows these values as coming from this reform.
                for value in parameter.values_list:
                    if value.instant_str in values:
                        value.metadata = {
                            "status": "reform",
                            "note": f"changed by a reform ({self.version_suffix})",
                            "reference": [],
                        }
            return parameters

        self.modify_parameters(modifier_function=modify)


def _walk(root: ParameterNode, path: str) -> Parameter:
    node: Any = root
    for part in path.split("."):
        node = node.children[part]
    parameter: Parameter = node
    return parameter


def _normalise_changes(
    system: System, changes: Mapping[str, Mapping[Any, Any]]
) -> dict[str, dict[str, Any]]:
    if not isinstance(changes, Mapping) or not changes:
        raise InvalidInputError("a reform is a mapping: parameter path -> {date: value}")
    result: dict[str, dict[str, Any]] = {}
    for path, values in changes.items():
        parameter = find_parameter(system, str(path))
        if not isinstance(values, Mapping) or not values:
            raise InvalidInputError(f"'{path}': give {{date: value}}", item=str(path))
        dated: dict[str, Any] = {}
        for when, value in values.items():
            try:
                day = when if isinstance(when, dt.date) else dt.date.fromisoformat(str(when))
            except ValueError:
                raise InvalidInputError(
                    f"'{path}': '{when}' is not a date (YYYY-MM-DD)", item=str(path)
                ) from None
            _check_reform_value(parameter, str(path), value)
            dated[day.isoformat()] = value
        result[str(path)] = dated
    return result


def apply_reform(
    changes: Mapping[str, Mapping[Any, Any]], *, system: System | None = None
) -> System:
    """A new system with the changes applied; the given (or cached) system is not changed.
    Unknown parameter paths, dates or values of the wrong kind raise before anything runs."""
    return ParameterReform(system or build_system(), changes)


class FundersVariant(Reform):
    """The system with funder conditions as the ``funders`` parameter node. Every other
    parameter is shared with the baseline (not copied): building one is cheap."""

    name = "funder conditions"

    def __init__(self, baseline: System, conditions: Sequence[funders.FunderConditions]) -> None:
        self.conditions = tuple(conditions)
        self.node = funders.funders_node(self.conditions)
        self.version_suffix = (
            getattr(baseline, "version_suffix", "")
            + "+funders."
            + funders.digest(self.conditions)[:12]
        )
        super().__init__(baseline)

    def apply(self) -> None:
        root = ParameterNode("", data={})
        for name, child in self.baseline.parameters.children.items():
            if name != "funders":
                root.add_child(name, child)
        root.add_child("funders", self.node)
        self.parameters = root


_VARIANTS: collections.OrderedDict[tuple[int, str], tuple[System, System]] = (
    collections.OrderedDict()
)
_VARIANTS_KEPT = 256
_VARIANTS_LOCK = threading.Lock()


def _funders_variant(system: System, conditions: tuple[funders.FunderConditions, ...]) -> System:
    """Cached by the baseline and the content of the conditions (a form saved again with the
    same values reuses the variant)."""
    key = (id(system), funders.digest(conditions))
    with _VARIANTS_LOCK:
        hit = _VARIANTS.get(key)
        if hit is not None and hit[0] is system:
            _VARIANTS.move_to_end(key)
            return hit[1]
    variant = FundersVariant(system, conditions)
    with _VARIANTS_LOCK:
        _VARIANTS[key] = (system, variant)
        while len(_VARIANTS) > _VARIANTS_KEPT:
            _VARIANTS.popitem(last=False)
    return variant


def with_funders(conditions: Sequence[Mapping[str, Any]], system: System | None = None) -> System:
    """The system with these funders' conditions (checked; cached by their content)."""
    parsed = tuple(funders.parse_conditions(c) for c in conditions)
    if not parsed:
        raise InvalidInputError("give at least one funder's conditions", item="funders")
    return _funders_variant(system or build_system(), parsed)
