# SPDX-License-Identifier: EUPL-1.2
"""Regelingen as code: the funding schemes of llo as an OpenFisca tax-benefit system.

Schemes: ``stap`` (STAP-budget, applications 2022-03-01 to 2023-12-31, for history and replay),
``llo_regeling`` (the new LLO scheme, a scenario from 2027-01-01) and ``funder`` (one generic
rule for every funder's budget; its conditions are data). Rule files live in
``schemes/<key>/{scheme.yaml,parameters,variables,tests}``; docs/rules-for-policy-staff.md
explains how to change them.

The public API (small on purpose; everything is importable from ``llo.schemes``):

``build_system() -> LloSystem``
    The OpenFisca system with every scheme, built and checked once per process (cached).
``decide(person, offer, peildatum, scheme) -> Decision``
    One application (:class:`PersonFacts`, :class:`OfferFacts`, the application date) under a
    scheme key or a funder's conditions dict: ``eligible``, ``amount_cents``, ``reasons``
    (every condition, with its Dutch B1 sentence; ``failed`` lists those not met) and
    ``record`` (rule version, parameter values and their dates, inputs, trace).
``evaluate(inputs, on, schemes=None, *, system=None, funders=None) -> dict[str, ndarray]``
    Every scheme, vectorised over arrays of inputs (named as the input variables), on one
    date. ``facts.to_inputs``/``facts.stack`` build such arrays from facts.
``apply_reform({"llo_regeling.max_level": {"2027-01-01": "eqf_3"}}) -> system``
    A what-if system with parameters changed from dates; pass it as ``system=``. Unknown
    parameter paths and values of the wrong kind raise before anything runs.
``with_funders([conditions, ...]) -> system``
    A system with funders' conditions (``llo.schemes.funders``) for ``evaluate``; rows choose
    their funder with the ``funder_index`` input.
``facts_adapter.person_facts(person, on)``, ``offer_facts(offer, on)``, ``funder_facts``
    Stored data as rule facts, each with its source; a fact llo does not hold is ``None``
    (not known) and the decision says so (``Decision.missing``).
``decide_funders(person, offer, funders, on)``
    All of a person's funders for one offer in one vectorised run (the funding plan).
``decide_offers(person, offers, on, scheme)``
    One scheme for one person and many offers in one vectorised run (a window's comparison).
``services.decide_and_record(...)``
    Decide and store a :class:`~llo.schemes.models.DecisionRecord` with an audit entry.

Errors (:mod:`llo.schemes.errors`) name the variable, parameter, scheme or field at fault,
and the file and line when a rule file is involved. Imports are lazy so that loading the
Django app does not load OpenFisca.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "build_system": "llo.schemes.system",
    "LloSystem": "llo.schemes.system",
    "Scheme": "llo.schemes.system",
    "decide": "llo.schemes.decision",
    "Decision": "llo.schemes.decision",
    "Reason": "llo.schemes.decision",
    "evaluate": "llo.schemes.engine",
    "apply_reform": "llo.schemes.engine",
    "with_funders": "llo.schemes.engine",
    "rule_version": "llo.schemes.engine",
    "PersonFacts": "llo.schemes.facts",
    "OfferFacts": "llo.schemes.facts",
    "decide_funders": "llo.schemes.decision",
    "decide_offers": "llo.schemes.decision",
    "to_inputs": "llo.schemes.facts",
    "FunderConditions": "llo.schemes.funders",
    "parse_conditions": "llo.schemes.funders",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'llo.schemes' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)
