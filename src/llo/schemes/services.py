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
from llo.schemes.decision import Decision, decide
from llo.schemes.engine import System
from llo.schemes.facts import OfferFacts, PersonFacts, facts_from_person
from llo.schemes.funders import FunderConditions
from llo.schemes.models import DecisionRecord


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
) -> tuple[Decision, DecisionRecord]:
    """Decide, then store the decision and its audit entry together.

    The rules run before the transaction opens, so a rule error (unknown scheme, a date
    outside the scheme, a missing input) stores nothing.
    """
    decision = decide(person_facts, offer, peildatum, scheme, system=system)
    with transaction.atomic():
        stored = DecisionRecord(
            scheme=decision.scheme,
            rule_version=decision.rule_version,
            peildatum=decision.peildatum,
            eligible=decision.eligible,
            amount_cents=decision.amount_cents,
            reasons=decision.reasons_json(),
            record=decision.record,
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
                "person": f"people.Person:{person.pk}" if person is not None else None,
            },
        )
    return decision, stored


def decide_for_person(
    person: Person,
    offer: OfferFacts,
    peildatum: dt.date,
    scheme: str | Mapping[str, Any] | FunderConditions,
    *,
    actor: audit.Actor,
    purpose: str = "",
    **extra: Any,
) -> tuple[Decision, DecisionRecord]:
    """``decide_and_record`` for a stored person: facts from the people app plus ``extra``."""
    facts = facts_from_person(person, peildatum, **extra)
    return decide_and_record(
        facts, offer, peildatum, scheme, actor=actor, person=person, purpose=purpose
    )
