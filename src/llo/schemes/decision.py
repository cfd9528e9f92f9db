# SPDX-License-Identifier: EUPL-1.2
"""``decide``: one application, one scheme → eligible, amount, reasons and a record.

The record holds what is needed to explain and appeal the decision later, and to replay it:
the scheme and rule version, the peildatum, the facts and engine inputs, every parameter value
used with the date from which it applies (and its status and reference), the funder's
conditions when a funder's budget decided, and OpenFisca's trace of every computed variable.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from openfisca_core.indexed_enums import EnumArray

from llo.schemes import engine, reasons
from llo.schemes.errors import InvalidInputError
from llo.schemes.facts import OfferFacts, PersonFacts, as_json, to_inputs
from llo.schemes.funders import FunderConditions, parse_conditions
from llo.schemes.system import Scheme, build_system

OPENFISCA_VERSION = importlib.metadata.version("OpenFisca-Core")


@dataclass(frozen=True)
class Reason:
    condition: str
    passed: bool
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"condition": self.condition, "passed": self.passed, "text": self.text}


@dataclass(frozen=True)
class Decision:
    scheme: str
    rule_version: str
    peildatum: dt.date
    eligible: bool
    amount_cents: int
    reasons: tuple[Reason, ...]
    record: dict[str, Any]

    @property
    def failed(self) -> tuple[Reason, ...]:
        """The conditions that are not met, in the scheme's order."""
        return tuple(r for r in self.reasons if not r.passed)

    def reasons_json(self) -> list[dict[str, Any]]:
        return [r.as_json() for r in self.reasons]


def _plain(value: Any) -> Any:
    """A one-row trace or input value as JSON (bool, int, date text, enum code)."""
    if isinstance(value, EnumArray):
        value = value.decode_to_str()
    if isinstance(value, np.ndarray):
        if value.size == 1:
            value = value.reshape(-1)[0]
        else:
            return [_plain(v) for v in value.tolist()]
    if isinstance(value, np.datetime64):
        return str(value.astype("datetime64[D]"))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _split_key(key: str) -> tuple[str, str]:
    name, _, rest = key.partition("<")
    return name, rest.rstrip(">")


def _parameters_used(system: engine.System, trace: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every parameter value read, with the date from which it applies (sorted by name)."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for node in trace.values():
        for key in node["parameters"]:
            name, instant = _split_key(key)
            if (name, instant) in seen:
                continue
            parameter = engine.find_parameter(system, name)
            applies = next((v for v in parameter.values_list if v.instant_str <= instant), None)
            metadata = dict(applies.metadata) if applies is not None else {}
            seen[(name, instant)] = {
                "name": name,
                "read_on": instant,
                "value": _plain(applies.value if applies is not None else None),
                "applies_from": applies.instant_str if applies is not None else None,
                "status": metadata.get("status", ""),
                "reference": list(metadata.get("reference") or []),
                "note": str(metadata.get("note", "")).strip(),
            }
    return sorted(seen.values(), key=lambda p: (p["name"], p["read_on"]))


def _trace(flat: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: {
            "value": _plain(node["value"]),
            "dependencies": list(node["dependencies"]),
            "parameters": {k: _plain(v) for k, v in node["parameters"].items()},
        }
        for key, node in flat.items()
    }


def decide(
    person: PersonFacts,
    offer: OfferFacts,
    peildatum: dt.date,
    scheme: str | Mapping[str, Any] | FunderConditions,
    *,
    system: engine.System | None = None,
) -> Decision:
    """Decide one application under ``scheme``: a scheme key (``"stap"``,
    ``"llo_regeling"``) or a funder's conditions dict (evaluated by the generic funder rule).

    ``peildatum`` is the application date: the rules, parameters and ages are those of that
    day. Raises OutsideValidityError when the scheme does not accept applications then.
    """
    if isinstance(peildatum, dt.datetime) or not isinstance(peildatum, dt.date):
        raise InvalidInputError("the peildatum must be a date", item="peildatum")
    base = system or build_system()
    conditions: FunderConditions | None = None
    if isinstance(scheme, str):
        key = scheme
        run_system = base
    else:
        conditions = scheme if isinstance(scheme, FunderConditions) else parse_conditions(scheme)
        key = "funder"
        run_system = engine.with_funders([conditions.as_json()], base)
    info: Scheme = engine.scheme_of(run_system, key)
    info.check_date(peildatum)
    inputs = to_inputs(person, offer, peildatum, funder=conditions is not None)
    simulation, period = engine.simulate(run_system, inputs, peildatum, trace=True)
    eligible = bool(engine.calculate(simulation, info.eligible, period)[0])
    amount = int(engine.calculate(simulation, info.amount, period)[0])
    values = {
        name: bool(engine.calculate(simulation, name, period)[0]) for name in info.condition_names
    }
    outputs = {name: _plain(engine.calculate(simulation, name, period)) for name in info.outputs}
    extra: dict[str, Any] = {}
    if conditions is not None:
        funders_node = run_system.parameters.children["funders"].children["f0"]
        extra["funder"] = reasons.ParamView(funders_node, peildatum.isoformat())
    context = reasons.context_for(run_system.parameters, peildatum, **extra)
    found = tuple(
        Reason(
            text.variable,
            values[text.variable],
            reasons.render(text.passed if values[text.variable] else text.failed, context),
        )
        for text in info.conditions
    )
    flat = simulation.tracer.get_flat_trace()
    version = engine.rule_version(run_system, key)
    record: dict[str, Any] = {
        "scheme": key,
        "scheme_title": info.title,
        "rule_version": version,
        "peildatum": peildatum.isoformat(),
        "eligible": eligible,
        "amount_cents": amount,
        "reasons": [r.as_json() for r in found],
        "outputs": outputs,
        "facts": {"person": as_json(person), "offer": as_json(offer)},
        "inputs": {name: _plain(value) for name, value in inputs.items()},
        "parameters": _parameters_used(run_system, flat),
        "trace": _trace(flat),
        "engine": {"openfisca_core": OPENFISCA_VERSION},
    }
    if conditions is not None:
        record["funder_conditions"] = conditions.as_json()
    changes = getattr(run_system, "changes", None)
    if changes:
        record["reform"] = changes
    return Decision(key, version, peildatum, eligible, amount, found, record)
