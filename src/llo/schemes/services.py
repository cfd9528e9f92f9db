# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the schemes app: decide an application and store the decision with its
record and an audit entry, in one transaction (DESIGN.md section 2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from llo.core import audit
from llo.core.timeutil import now
from llo.people.models import Person
from llo.schemes import facts_adapter
from llo.schemes.decision import Decision, decide
from llo.schemes.engine import System
from llo.schemes.facts import OfferFacts, PersonFacts
from llo.schemes.funder_conditions import FunderConditions
from llo.schemes.models import DecisionRecord


def record_decision(
    decision: Decision,
    *,
    actor: audit.Actor,
    person: Person | None = None,
    purpose: str = "",
    record: Mapping[str, Any] | None = None,
) -> DecisionRecord:
    """Store a decision (or a funding plan's decisions, with ``record``) and its audit entry
    in one transaction."""
    with transaction.atomic():
        stored = DecisionRecord(
            scheme=decision.scheme,
            rule_version=decision.rule_version,
            peildatum=decision.peildatum,
            eligible=decision.eligible,
            amount_cents=decision.amount_cents,
            reasons=decision.reasons_json(),
            record=dict(record if record is not None else decision.record),
            person=person,
            created_at=now(),
        )
        stored.save()
        audit.record(
            actor=actor,
            action="schemes.decided",
            subject=stored,
            purpose=purpose,
            after={
                "scheme": decision.scheme,
                "rule_version": decision.rule_version,
                "peildatum": decision.peildatum,
                "eligible": decision.eligible,
                "amount_cents": decision.amount_cents,
                "failed": [r.condition for r in decision.failed],
                "not_known": [r.condition for r in decision.not_known],
                "person": f"people.Person:{person.pk}" if person is not None else None,
            },
        )
    return stored


def decide_and_record(
    person_facts: PersonFacts,
    offer: OfferFacts,
    peildatum: dt.date,
    scheme: str | Mapping[str, Any] | FunderConditions,
    *,
    actor: audit.Actor,
    person: Person | None = None,
    purpose: str = "",
    system: System | None = None,
    sources: Mapping[str, Any] | None = None,
) -> tuple[Decision, DecisionRecord]:
    """Decide, then store the decision and its audit entry together.

    The rules run before the transaction opens, so a rule error (unknown scheme, a date
    outside the scheme, a missing input) stores nothing.
    """
    decision = decide(person_facts, offer, peildatum, scheme, system=system, sources=sources)
    return decision, record_decision(decision, actor=actor, person=person, purpose=purpose)


def decide_for_person(
    person: Person,
    offer: OfferFacts,
    peildatum: dt.date,
    scheme: str | Mapping[str, Any] | FunderConditions,
    *,
    actor: audit.Actor,
    purpose: str = "",
    offer_sources: Mapping[str, Any] | None = None,
    **counts: Any,
) -> tuple[Decision, DecisionRecord]:
    """``decide_and_record`` for a stored person: the facts and their sources from
    :mod:`llo.schemes.facts_adapter`; ``counts`` are what llo's applications know (grants
    received this year, a funder's balance: ``facts_adapter.person_facts``)."""
    facts, sources = facts_adapter.person_facts(person, peildatum, **counts)
    return decide_and_record(
        facts,
        offer,
        peildatum,
        scheme,
        actor=actor,
        person=person,
        purpose=purpose,
        sources={"person": sources, "offer": dict(offer_sources or {})},
    )
