# SPDX-License-Identifier: EUPL-1.2
"""What the apply page records when a decision needs a fact llo does not hold: the person's
own statement (:func:`state_facts`). The facts of a decision themselves are reads
(:mod:`llo.enrolment.selectors.facts`, re-exported here): the grants llo made this year, and
everything else from the one facts adapter next to the rules (:mod:`llo.schemes.facts_adapter`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from llo.core import audit
from llo.core.timeutil import now
from llo.enrolment.selectors.facts import offer_facts, person_facts
from llo.enrolment.services.consent import check_acting_for
from llo.people import services as people_services
from llo.people.models import Organisation, Person, PersonFact

__all__ = ["offer_facts", "person_facts", "state_facts"]


def state_facts(
    *,
    actor: audit.Actor,
    person: Person,
    answers: dict[str, object],
    on: dt.date,
    acting_org: Organisation | None = None,
) -> list[PersonFact]:
    """Record what a person (or an adviser with their consent) answered on the apply page:
    each answer a statement of that day (``people.PersonFact``), all or none.

    Locks: none (appends statements)."""
    check_acting_for(acting_org, person, now())
    with transaction.atomic():
        return [
            people_services.state_fact(actor=actor, person=person, name=name, value=value, on=on)
            for name, value in answers.items()
        ]
