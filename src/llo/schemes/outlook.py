# SPDX-License-Identifier: EUPL-1.2
"""What the rules say before anyone applies (issue 15, the learning overview):

* :func:`conditions_in_words` — a right's conditions in B1 sentences, from the funder rule's
  own ``rule`` sentences (``funder/scheme.yaml``) filled with the funder's values, so the
  overview never keeps a second copy of what a funder's conditions mean;
* :func:`person_outlook` — whether a person may qualify for a scheme, decided by the rules
  engine on the person's facts alone: every fact of a training is marked *not known* (the
  mechanism of :mod:`llo.schemes.known`), so a condition about the person is decided, one
  about the training stays open ("that depends on the training you choose").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from llo.core.identifiers import Level
from llo.schemes import engine, reasons
from llo.schemes import facts as facts_module
from llo.schemes.decision import Reason, _run
from llo.schemes.facts import OfferFacts, PersonFacts, to_inputs, unknown_inputs
from llo.schemes.funder_conditions import FunderConditions, parse_conditions
from llo.schemes.funders import funders_node
from llo.schemes.system import build_system

#: Which of a funder's conditions (``FunderConditions`` fields) switches on each condition of
#: the funder rule that has a ``rule`` sentence. A condition not set is not shown: "an empty
#: list means any" (funder_conditions).
SET_BY: dict[str, tuple[str, ...]] = {
    "funder_level_ok": ("max_level",),
    "funder_offer_type_ok": ("offer_types",),
    "funder_occupation_ok": ("occupations",),
    "funder_region_ok": ("regions", "gemeenten"),
    "funder_sector_ok": ("sectors",),
    "funder_labour_position_ok": ("labour_positions",),
    "funder_purpose_ok": ("purposes",),
    "funder_basic_skills_ok": ("needs_basic_skills",),
    "funder_register_ok": ("requires_register",),
    "funder_has_eligible_costs": ("cost_components",),
}


def conditions_in_words(
    conditions: Mapping[str, Any] | FunderConditions, on: dt.date, *, name: str = ""
) -> list[str]:
    """The conditions a funder set, one B1 sentence each, in the rule's order (none: the
    money may be used for any training). ``name`` is the funder's name when the stored
    conditions do not hold it."""
    parsed = parse_conditions(dict(conditions) if isinstance(conditions, Mapping) else conditions)
    if name and parsed.name == FunderConditions().name:
        parsed = replace(parsed, name=name)
    # The funder's values apply from its first day; before it, read them as on that day.
    day = max(on, parsed.valid_from) if parsed.valid_from else on
    view = reasons.ParamView(funders_node([parsed]).children["f0"], day.isoformat())
    system = build_system()
    context = reasons.context_for(system.parameters, day, funder=view)
    words = []
    for text in system.scheme("funder").conditions:
        fields = SET_BY.get(text.variable)
        if not text.rule or not fields:
            continue
        if any(getattr(parsed, f) for f in fields):
            words.append(reasons.render(text.rule, context))
    return words


def _set(conditions: FunderConditions, condition: str) -> bool:
    fields = SET_BY.get(condition)
    return bool(fields) and any(getattr(conditions, f) for f in fields or ())


@dataclass(frozen=True)
class Outlook:
    """A person and a scheme, before a training is chosen."""

    scheme: str
    title: str
    on: dt.date
    #: The conditions about the person that the rules decided (passed or failed).
    about_you: tuple[Reason, ...]
    #: Conditions about the person that need a fact llo does not hold yet.
    not_known: tuple[Reason, ...]
    #: Some conditions depend on the training (level, occupation, register, start date...).
    depends_on_training: bool

    @property
    def possible(self) -> bool:
        """No condition about the person failed: they may qualify."""
        return all(r.passed for r in self.about_you)

    @property
    def reasons_for(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.about_you if r.passed)

    @property
    def reasons_against(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.about_you if not r.passed)


#: A placeholder training: every one of its facts is marked not known below, so nothing it
#: holds decides anything.
_ANY_TRAINING = OfferFacts(
    level=Level("eqf_1"),
    offer_type="course",
    fee_cents=0,
    exam_cents=0,
    materials_cents=0,
    prices_include_vat=True,
    in_register=None,
    quality_mark_valid=None,
    purpose=None,
    start_date=None,
)


def person_outlook(
    person: PersonFacts,
    on: dt.date,
    scheme: str | Mapping[str, Any] | FunderConditions,
) -> Outlook:
    """The conditions of ``scheme`` about ``person`` on ``on`` (a day the scheme decides on).

    Two rows in one run: in the first the training's facts and the person's unknown facts are
    marked not known, in the second only the training's. A condition decided in the first is
    about the person; one not known in the second depends on the training; the rest needs a
    fact about the person that llo does not hold (``Reason.unknown``)."""
    base = build_system()
    conditions: FunderConditions | None = None
    if isinstance(scheme, str):
        key, run_system = scheme, base
    else:
        conditions = scheme if isinstance(scheme, FunderConditions) else parse_conditions(scheme)
        key = "funder"
        run_system = engine.with_funders([conditions.as_json()], base)
        if person.funder_balance_cents is None:
            person = replace(person, funder_balance_cents=1)
    info = engine.scheme_of(run_system, key)
    info.check_date(on)
    row = to_inputs(person, _ANY_TRAINING, on, funder=conditions is not None)
    training = tuple(
        name
        for name in row
        if name.startswith("offer_")
        or name in ("purpose", "other_funding_cents", "funder_balance_cents")
    )
    own = tuple(
        name
        for name in unknown_inputs(person, _ANY_TRAINING)
        if facts_module.FACT_OF_INPUT.get(name) in facts_module.PERSON_FACT_INPUTS
    )
    inputs = facts_module.stack([row, row])
    run = _run(run_system, key, inputs, [training + own, training], on, trace=False)
    extra: dict[str, Any] = {}
    if conditions is not None:
        extra["funder"] = reasons.ParamView(
            run_system.parameters.children["funders"].children["f0"], on.isoformat()
        )
    context = reasons.context_for(run_system.parameters, on, **extra)
    about: list[Reason] = []
    missing: list[Reason] = []
    depends = False
    for text in info.conditions:
        name = text.variable
        if conditions is not None and not _set(conditions, name):
            continue  # a condition this funder did not set (or its dates: the window's)
        if run.unknown[name][1]:
            depends = True
        elif run.unknown[name][0]:
            sentence = text.unknown or text.failed
            missing.append(Reason(name, False, reasons.render(sentence, context), unknown=True))
        else:
            passed = bool(run.values[name][0])
            sentence = text.passed if passed else text.failed
            about.append(Reason(name, passed, reasons.render(sentence, context)))
    return Outlook(key, info.title, on, tuple(about), tuple(missing), depends)
