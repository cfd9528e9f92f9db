# SPDX-License-Identifier: EUPL-1.2
"""What llo's own applications know that the rules need: grants a training and a person
already had this year. Everything else comes from the one facts adapter next to the rules
(:mod:`llo.schemes.facts_adapter`; issue 13): the person, the register's offer, a funder. And
what the apply page records when a decision needs a fact llo does not hold: the person's own
statement (:func:`state_facts`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum

from llo.core import audit
from llo.core.timeutil import now
from llo.enrolment.models import Application, TrainingCounter
from llo.enrolment.selectors import GRANTED_STATUSES
from llo.enrolment.services.consent import check_acting_for
from llo.people import services as people_services
from llo.people.models import Organisation, Person, PersonFact
from llo.register.models import Offer, Offering
from llo.schemes import facts_adapter
from llo.schemes.facts import OfferFacts, PersonFacts


def _grants_this_year(offer: Offer, year: int) -> int:
    row = (
        TrainingCounter.objects.filter(offer=offer, year=year)
        .values_list("grants", flat=True)
        .first()
    )
    return int(row or 0)


def _granted(person: Person, scheme: str, year: int) -> Any:
    """The person's grants of ``scheme`` this year, however the training ended (STAP: one
    grant per person per calendar year)."""
    return Application.objects.filter(
        person=person, year=year, budget__scheme=scheme, status__in=GRANTED_STATUSES
    )


def person_facts(person: Person, scheme: str, on: dt.date) -> tuple[PersonFacts, dict[str, Any]]:
    """The person for a decision under ``scheme``, with the grants llo made this year."""
    granted = _granted(person, scheme, on.year)
    return facts_adapter.person_facts(
        person,
        on,
        stap_grants_received_this_year=granted.count() if scheme == "stap" else 0,
        llo_received_this_year_cents=(
            int(granted.aggregate(total=Sum("amount_cents"))["total"] or 0)
            if scheme == "llo_regeling"
            else 0
        ),
    )


def offer_facts(
    offer: Offer, offering: Offering | None, on: dt.date, *, purpose: str | None = None
) -> tuple[OfferFacts, dict[str, Any]]:
    """The register's offer for an application: its start date, its grants this year, no
    other money planned yet (an application through a window stands alone)."""
    return facts_adapter.offer_facts(
        offer,
        on,
        start_date=offering.start_date if offering is not None else None,
        purpose=purpose,
        other_funding_cents=0,
        grants_this_year=_grants_this_year(offer, on.year),
    )


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
