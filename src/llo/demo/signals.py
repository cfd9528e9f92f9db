# SPDX-License-Identifier: EUPL-1.2
"""Demo grants and misuse signals, through the enrolment services:

* grants from O&O-fonds Retail's budget: retail workers of the demo population apply for two
  short courses with their own budget, so the public spending register shows rows of ten
  grants or more (cells under 10 persons are suppressed; issue 15: every row was suppressed);
* a reported gift (STAP art. 4(3): a free tablet for every participant) at the provider of
  one of those courses, and the nightly misuse scan (``llo scan_misuse``), so register staff
  find a real case in the signals queue.

Deterministic for a seed and idempotent: persons and offers are taken in id order, an existing
application or report is not made again."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from llo.accounts.models import Right, RightStatus
from llo.core import audit
from llo.core.problems import Problem
from llo.core.timeutil import today
from llo.demo import personas
from llo.enrolment import services
from llo.enrolment.models import Application, GiftReport
from llo.people.models import Organisation, Person
from llo.register.models import Offering, OfferingState, OfferState

ACTOR = audit.Actor.system("demo-grants")
BUDGET = "Scholingsbudget retail 2026"
#: Grants per course, and how many courses: ten or more makes a row that is shown.
PER_OFFER, OFFERS = 10, 2
GIFT = "Iedereen die zich inschrijft, krijgt een gratis tablet"


def _candidates(on: dt.date, last: dt.date) -> list[Offering]:
    """Short courses that O&O-fonds Retail's € 150 pays in full, starting while that money
    is valid (until ``last``): one start each, a different provider each."""
    seen: set[int] = set()
    found: list[Offering] = []
    for offering in (
        Offering.objects.filter(
            offer__state=OfferState.PUBLISHED,
            offer__offer_type__in=("course", "basic_skills"),
            offer__price_cents__gte=5_000,
            offer__price_cents__lte=15_000,
            state=OfferingState.ACTIVE,
            start_date__gt=on,
            start_date__lte=last,
        )
        .select_related("offer__opleider")
        .order_by("offer_id", "start_date", "pk")[:200]
    ):
        if offering.offer.opleider_id in seen:
            continue
        seen.add(offering.offer.opleider_id)
        found.append(offering)
    return found


def load_signals(*, seed: int) -> dict[str, int]:
    created = {"grants": 0, "gift_reports": 0, "signals": 0}
    on = today()
    if Application.objects.filter(applied_by=ACTOR.name).exists():
        return created  # made by an earlier run
    rights = list(
        Right.objects.filter(budget__name=BUDGET, status=RightStatus.ACTIVE, valid_from__lte=on)
        .select_related("person")
        .order_by("person_id")
    )
    if not rights:
        return created  # the accounts demo has not run
    # The personas keep their own money for their journeys (JOURNEYS.md).
    own = {p.pk for p in (Person.objects.by_bsn(spec.bsn) for spec in personas.PERSONS) if p}
    persons = [r.person for r in rights if r.person_id not in own]
    last = min((r.valid_until for r in rights if r.valid_until), default=on + dt.timedelta(days=90))
    used: set[int] = set()
    with transaction.atomic():
        courses = 0
        for offering in _candidates(on, last):
            if courses == OFFERS:
                break
            granted = 0
            for person in persons:
                if granted == PER_OFFER:
                    break
                if person.pk in used:
                    continue
                shown = services.preview(actor=ACTOR, person=person, offering=offering, on=on)
                if not shown.eligible or shown.own_cents:
                    continue
                try:
                    services.apply(
                        actor=ACTOR,
                        shown=shown,
                        amount_cents=shown.amount_cents,
                        on=on,
                        idempotency_key=f"demo:{seed}:grant:{offering.pk}:{person.pk}",
                    )
                except Problem:
                    continue
                used.add(person.pk)
                granted += 1
            created["grants"] += granted
            if granted >= PER_OFFER:
                courses += 1
                if courses == 1 and not GiftReport.objects.exists():
                    provider = Organisation.objects.get(pk=offering.offer.opleider.organisation_id)
                    services.report_gift(
                        actor=ACTOR, provider=provider, offer=offering.offer, text=GIFT,
                        declared=False,
                    )  # fmt: skip
                    created["gift_reports"] += 1
        created["signals"] = len(services.scan_misuse(year=on.year, actor=ACTOR))
    return created
