# SPDX-License-Identifier: EUPL-1.2
"""What llo's own applications know that the rules need: grants a training and a person
already had this year. Everything else comes from the one facts adapter next to the rules
(:mod:`llo.schemes.facts_adapter`; issue 13): the person, the register's offer, a funder.

Reads only, so the window reads (:mod:`.rounds`, through :mod:`llo.enrolment.deciding`) and
the use cases (:mod:`llo.enrolment.services.applying`) share them; the person's own
statements are written by :func:`llo.enrolment.services.facts.state_facts`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Sum

from llo.enrolment.models import Application, TrainingCounter
from llo.enrolment.selectors import GRANTED_STATUSES
from llo.people.models import Person
from llo.register.models import Offer, Offering
from llo.schemes import facts_adapter
from llo.schemes.facts import OfferFacts, PersonFacts


def grants_this_year(offer: Offer, year: int) -> int:
    """The grants llo counted for ``offer`` in ``year`` (STAP's limit per training)."""
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


def person_facts(
    person: Person, scheme: str, on: dt.date, *, funder_balance_cents: int | None = None
) -> tuple[PersonFacts, dict[str, Any]]:
    """The person for a decision under ``scheme``, with the grants llo made this year;
    ``funder_balance_cents`` what a funder's rules may still pay this person (a window's limit
    per person), ``None`` when no funder's rules decide."""
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
        funder_balance_cents=funder_balance_cents,
    )


def offer_facts(
    offer: Offer,
    offering: Offering | None,
    on: dt.date,
    *,
    purpose: str | None = None,
    grants: int | None = None,
) -> tuple[OfferFacts, dict[str, Any]]:
    """The register's offer for an application: its start date, its grants this year
    (``grants`` when the caller counted them for many offers at once), no other money planned
    yet (an application through a window stands alone)."""
    return facts_adapter.offer_facts(
        offer,
        on,
        start_date=offering.start_date if offering is not None else None,
        purpose=purpose,
        other_funding_cents=0,
        grants_this_year=grants_this_year(offer, on.year) if grants is None else grants,
    )
