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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from openfisca_core.indexed_enums import EnumArray

from llo.schemes import engine, known, reasons
from llo.schemes import facts as facts_module
from llo.schemes.errors import InvalidInputError
from llo.schemes.facts import (
    OfferFacts,
    PersonFacts,
    as_json,
    to_inputs,
    unknown_facts,
    unknown_inputs,
)
from llo.schemes.funder_conditions import FunderConditions, parse_conditions
from llo.schemes.system import Scheme, build_system

OPENFISCA_VERSION = importlib.metadata.version("OpenFisca-Core")


@dataclass(frozen=True)
class Reason:
    """One condition: met (``passed``), not met, or not yet known (``unknown``: a fact it
    needs is missing; ``passed`` is then False)."""

    condition: str
    passed: bool
    text: str
    unknown: bool = False

    @property
    def status(self) -> str:
        return "unknown" if self.unknown else ("passed" if self.passed else "failed")

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"condition": self.condition, "passed": self.passed}
        if self.unknown:
            data["unknown"] = True
        data["text"] = self.text
        return data


@dataclass(frozen=True)
class Decision:
    scheme: str
    rule_version: str
    peildatum: dt.date
    eligible: bool
    amount_cents: int
    reasons: tuple[Reason, ...]
    record: dict[str, Any]
    #: Facts that are not known and that this decision needs (``facts.unknown_facts`` names);
    #: while there are any and nothing failed, the decision is not made yet (``undecided``).
    missing: tuple[str, ...] = ()

    @property
    def failed(self) -> tuple[Reason, ...]:
        """The conditions that are not met, in the scheme's order."""
        return tuple(r for r in self.reasons if not r.passed and not r.unknown)

    @property
    def not_known(self) -> tuple[Reason, ...]:
        """The conditions that cannot be decided yet (a fact is missing)."""
        return tuple(r for r in self.reasons if r.unknown)

    @property
    def undecided(self) -> bool:
        """Nothing failed, but a fact the decision needs is missing."""
        return not self.failed and bool(self.missing)

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


def _reads(flat: Mapping[str, Any]) -> dict[str, set[str]]:
    """What each variable read, from OpenFisca's full trace (``name<period>`` keys)."""
    reads: dict[str, set[str]] = {}
    for key, node in flat.items():
        name, _ = _split_key(key)
        reads.setdefault(name, set()).update(_split_key(d)[0] for d in node["dependencies"])
    return reads


@dataclass(frozen=True)
class _Run:
    """One evaluation of a scheme over rows, with what each result read."""

    system: engine.System
    info: Scheme
    inputs: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    unknown: dict[str, np.ndarray]
    missing: list[tuple[str, ...]]
    flat: dict[str, Any]
    version: str


def _run(
    run_system: engine.System,
    key: str,
    inputs: dict[str, np.ndarray],
    unknown_rows: list[tuple[str, ...]],
    peildatum: dt.date,
    *,
    trace: bool,
) -> _Run:
    info: Scheme = engine.scheme_of(run_system, key)
    info.check_date(peildatum)
    count = len(unknown_rows)
    tracer = None if trace else known.DependencyTracer()
    simulation, period = engine.simulate(run_system, inputs, peildatum, trace=trace, tracer=tracer)
    names = [info.eligible, info.amount, *info.condition_names, *info.outputs]
    values = {name: engine.calculate(simulation, name, period) for name in names}
    applies = {
        name: engine.calculate(simulation, name + known.APPLIES, period).astype(bool)
        for name in info.condition_names
        if name + known.APPLIES in run_system.variables
    }
    flat = simulation.tracer.get_flat_trace() if trace else {}
    reads = _reads(flat) if trace else dict(simulation.tracer.reads)
    masks = known.masks(unknown_rows, count)
    # A condition is unknown where it read a missing fact (and needs it there); the amount
    # where it read one other than through the conditions; eligibility where any of them is.
    unknown = known.unknown_results(reads, info.condition_names, masks, count, applies=applies)
    decided_by = {info.eligible, *info.condition_names}
    unknown.update(
        known.unknown_results(reads, [info.amount, *info.outputs], masks, count, stop=decided_by)
    )
    any_condition = np.zeros(count, dtype=bool)
    for name in info.condition_names:
        any_condition |= unknown[name]
    unknown[info.eligible] = any_condition
    missing: list[tuple[str, ...]] = []
    for row, row_unknown in enumerate(unknown_rows):
        needed: dict[str, None] = {}
        if row_unknown:
            read: set[str] = set()
            for name in (*info.condition_names, info.amount, *info.outputs):
                if unknown[name][row]:
                    stop = decided_by if name not in info.condition_names else ()
                    read |= known.read_by(reads, name, stop)
            for input_name in row_unknown:
                if input_name in read:
                    needed[facts_module.FACT_OF_INPUT.get(input_name, input_name)] = None
        missing.append(tuple(needed))
    version = engine.rule_version(run_system, key)
    return _Run(run_system, info, inputs, values, unknown, missing, flat, version)


def _reasons(run: _Run, row: int, context: Mapping[str, Any]) -> tuple[Reason, ...]:
    found = []
    for text in run.info.conditions:
        name = text.variable
        if run.unknown[name][row]:
            sentence = text.unknown or UNKNOWN_SENTENCE
            found.append(Reason(name, False, reasons.render(sentence, context), unknown=True))
            continue
        passed = bool(run.values[name][row])
        found.append(
            Reason(name, passed, reasons.render(text.passed if passed else text.failed, context))
        )
    return tuple(found)


#: The sentence of a condition that cannot be decided yet when its scheme gives none.
UNKNOWN_SENTENCE = "Dit weten we nog niet. We hebben hiervoor nog een gegeven van u nodig."


def _outcome(run: _Run, row: int, found: tuple[Reason, ...]) -> tuple[bool, int, tuple[str, ...]]:
    """eligible, amount and the missing facts of one row: nothing is granted on a guess."""
    missing = run.missing[row]
    failed = any(not r.passed and not r.unknown for r in found)
    if failed:
        return False, 0, ()
    if missing:
        return False, 0, missing
    eligible = bool(run.values[run.info.eligible][row])
    amount = int(run.values[run.info.amount][row]) if eligible else 0
    return eligible, amount, ()


def decide(
    person: PersonFacts,
    offer: OfferFacts,
    peildatum: dt.date,
    scheme: str | Mapping[str, Any] | FunderConditions,
    *,
    system: engine.System | None = None,
    sources: Mapping[str, Any] | None = None,
) -> Decision:
    """Decide one application under ``scheme``: a scheme key (``"stap"``,
    ``"llo_regeling"``) or a funder's conditions dict (evaluated by the generic funder rule).

    ``peildatum`` is the application date: the rules, parameters and ages are those of that
    day. Raises OutsideValidityError when the scheme does not accept applications then. A fact
    that is ``None`` is not known: a condition that needs it is *not yet known* and the
    decision names it in ``missing`` (it grants nothing until the fact is given).
    ``sources`` (from ``facts_adapter``) says where each fact came from, for the record.
    """
    _check_date(peildatum)
    key, run_system, conditions = _system_for(scheme, system, peildatum)
    inputs = to_inputs(person, offer, peildatum, funder=conditions is not None)
    run = _run(run_system, key, inputs, [unknown_inputs(person, offer)], peildatum, trace=True)
    extra: dict[str, Any] = {}
    if conditions is not None:
        funders_node = run_system.parameters.children["funders"].children["f0"]
        extra["funder"] = reasons.ParamView(funders_node, peildatum.isoformat())
    context = reasons.context_for(run_system.parameters, peildatum, **extra)
    found = _reasons(run, 0, context)
    eligible, amount, missing = _outcome(run, 0, found)
    record = _shared_record(run, key, peildatum, person, offer, sources)
    record.update(_row_record(run, 0, eligible, amount, found, missing))
    if conditions is not None:
        record["funder_conditions"] = conditions.as_json()
    return Decision(key, run.version, peildatum, eligible, amount, found, record, missing)


def _system_for(
    scheme: str | Mapping[str, Any] | FunderConditions,
    system: engine.System | None,
    peildatum: dt.date,
) -> tuple[str, engine.System, FunderConditions | None]:
    """The scheme's key and the system to run it in: a named scheme in the system as it is,
    a funder's conditions as the ``funder`` scheme with those conditions added. Refuses a
    date outside the scheme's validity (OutsideValidityError)."""
    base = system or build_system()
    if isinstance(scheme, str):
        key, run_system, conditions = scheme, base, None
    else:
        conditions = scheme if isinstance(scheme, FunderConditions) else parse_conditions(scheme)
        key = "funder"
        run_system = engine.with_funders([conditions.as_json()], base)
    engine.scheme_of(run_system, key).check_date(peildatum)
    return key, run_system, conditions


def decide_offers(
    person: PersonFacts,
    offers: Sequence[OfferFacts],
    peildatum: dt.date,
    scheme: str | Mapping[str, Any] | FunderConditions,
    *,
    system: engine.System | None = None,
) -> list[Decision]:
    """:func:`decide` for one person and many offers under one ``scheme``, in one vectorised
    run without a trace (a window's comparison of trainings, issue 15): the same eligibility,
    amounts, reasons and missing facts as one ``decide`` per offer, without their records."""
    _check_date(peildatum)
    if not offers:
        return []
    key, run_system, conditions = _system_for(scheme, system, peildatum)
    rows = [to_inputs(person, offer, peildatum, funder=conditions is not None) for offer in offers]
    inputs = facts_module.stack(rows)
    unknown_rows = [unknown_inputs(person, offer) for offer in offers]
    run = _run(run_system, key, inputs, unknown_rows, peildatum, trace=False)
    extra: dict[str, Any] = {}
    if conditions is not None:
        funders_node = run_system.parameters.children["funders"].children["f0"]
        extra["funder"] = reasons.ParamView(funders_node, peildatum.isoformat())
    context = reasons.context_for(run_system.parameters, peildatum, **extra)
    decisions = []
    for row in range(len(offers)):
        found = _reasons(run, row, context)
        eligible, amount, missing = _outcome(run, row, found)
        record = _row_record(run, row, eligible, amount, found, missing)
        decisions.append(
            Decision(key, run.version, peildatum, eligible, amount, found, record, missing)
        )
    return decisions


@dataclass(frozen=True)
class FunderFacts:
    """One funder's money for this person: its checked conditions and what is left of it."""

    conditions: FunderConditions
    balance_cents: int


@dataclass(frozen=True)
class FunderDecisions:
    """Every funder's decision for one application, from one vectorised run, and the record
    they share (rule version, facts and their sources, parameters, inputs, trace)."""

    decisions: tuple[Decision, ...]
    record: dict[str, Any]


def decide_funders(
    person: PersonFacts,
    offer: OfferFacts,
    funders: Sequence[FunderFacts],
    peildatum: dt.date,
    *,
    system: engine.System | None = None,
    sources: Mapping[str, Any] | None = None,
) -> FunderDecisions:
    """Decide one application under every funder at once: one row per funder in one
    vectorised OpenFisca run (the funding plan's check of all of a person's rights)."""
    _check_date(peildatum)
    if not funders:
        return FunderDecisions((), {})
    run_system, inputs, rows = _funder_rows(person, [offer], funders, peildatum, system)
    run = _run(run_system, "funder", inputs, rows, peildatum, trace=True)
    decisions = _funder_decisions(run, funders, peildatum, 0)
    record = _shared_record(run, "funder", peildatum, person, offer, sources)
    record["funder_conditions"] = [f.conditions.as_json() for f in funders]
    record["decisions"] = [
        {"funder": f.conditions.ident, **d.record} for f, d in zip(funders, decisions, strict=True)
    ]
    return FunderDecisions(decisions, record)


def decide_funders_for_offers(
    person: PersonFacts,
    offers: Sequence[OfferFacts],
    funders: Sequence[FunderFacts],
    peildatum: dt.date,
    *,
    system: engine.System | None = None,
) -> list[tuple[Decision, ...]]:
    """:func:`decide_funders` for many offers in one run (offers x funders rows, no trace):
    what each offer would cost a person, for a list of offers (and the demo's comparison)."""
    _check_date(peildatum)
    if not funders or not offers:
        return [() for _ in offers]
    run_system, inputs, rows = _funder_rows(person, offers, funders, peildatum, system)
    run = _run(run_system, "funder", inputs, rows, peildatum, trace=False)
    width = len(funders)
    contexts = _funder_contexts(run, width, peildatum)
    return [
        _funder_decisions(run, funders, peildatum, i * width, contexts) for i in range(len(offers))
    ]


def _check_date(peildatum: Any) -> None:
    if isinstance(peildatum, dt.datetime) or not isinstance(peildatum, dt.date):
        raise InvalidInputError("the peildatum must be a date", item="peildatum")


def _funder_rows(
    person: PersonFacts,
    offers: Sequence[OfferFacts],
    funders: Sequence[FunderFacts],
    peildatum: dt.date,
    system: engine.System | None,
) -> tuple[engine.System, dict[str, np.ndarray], list[tuple[str, ...]]]:
    """Rows offer-major: (offer 0, funder 0), (offer 0, funder 1), ..."""
    run_system = engine.with_funders([f.conditions.as_json() for f in funders], system)
    width = len(funders)
    per_offer = [to_inputs(person, offer, peildatum) for offer in offers]
    inputs = {
        name: np.repeat(np.concatenate([row[name] for row in per_offer]), width)
        for name in per_offer[0]
    }
    inputs["funder_index"] = np.tile(np.arange(width, dtype=np.int32), len(offers))
    inputs["funder_balance_cents"] = np.tile(
        np.array([f.balance_cents for f in funders], dtype=np.int64), len(offers)
    )
    rows = [unknown_inputs(person, offer) for offer in offers for _ in range(width)]
    return run_system, inputs, rows


def _funder_contexts(run: _Run, width: int, peildatum: dt.date) -> list[dict[str, Any]]:
    """The names a funder's sentences use, one context per funder of the run (each offer's
    rows of a run share them)."""
    node = run.system.parameters.children["funders"]
    return [
        reasons.context_for(
            run.system.parameters,
            peildatum,
            funder=reasons.ParamView(node.children[f"f{i}"], peildatum.isoformat()),
        )
        for i in range(width)
    ]


def _funder_decisions(
    run: _Run,
    funders: Sequence[FunderFacts],
    peildatum: dt.date,
    first: int,
    contexts: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[Decision, ...]:
    if contexts is None:
        contexts = _funder_contexts(run, len(funders), peildatum)
    decisions = []
    for i in range(len(funders)):
        row = first + i
        found = _reasons(run, row, contexts[i])
        eligible, amount, missing = _outcome(run, row, found)
        record = _row_record(run, row, eligible, amount, found, missing)
        decisions.append(
            Decision("funder", run.version, peildatum, eligible, amount, found, record, missing)
        )
    return tuple(decisions)


def _row_record(
    run: _Run,
    row: int,
    eligible: bool,
    amount: int,
    found: tuple[Reason, ...],
    missing: tuple[str, ...],
) -> dict[str, Any]:
    return {
        "eligible": eligible,
        "amount_cents": amount,
        "reasons": [r.as_json() for r in found],
        "missing": list(missing),
        "outputs": {name: _plain(run.values[name][row]) for name in run.info.outputs},
    }


def _shared_record(
    run: _Run,
    key: str,
    peildatum: dt.date,
    person: PersonFacts,
    offer: OfferFacts,
    sources: Mapping[str, Any] | None,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "scheme": key,
        "scheme_title": run.info.title,
        "rule_version": run.version,
        "peildatum": peildatum.isoformat(),
        "facts": {"person": as_json(person), "offer": as_json(offer)},
        "sources": dict(sources or {}),
        "unknown_facts": list(unknown_facts(person, offer)),
        "inputs": {name: _plain(value) for name, value in run.inputs.items()},
        "parameters": _parameters_used(run.system, run.flat),
        "trace": _trace(run.flat),
        "engine": {"openfisca_core": OPENFISCA_VERSION},
    }
    changes = getattr(run.system, "changes", None)
    if changes:
        record["reform"] = changes
    return record
