# SPDX-License-Identifier: EUPL-1.2
"""Real cases in the register's review queue (issue 15 item 7: "the demo shows a queue with
real cases"; JOURNEYS.md: register staff "review new offers and remove ones that break the
rules, with a public reason").

Each case goes through the same use cases a provider uses (create, change, submit), so the
admission checks, and not this module, decide that it waits for a person:

- a new provider's first offer, "Gegarandeerd rijk worden met lassen", 8 hours for € 14.999:
  a new provider, a price per hour far too high, a promise no course can keep;
- Academie Vakwerk raises the price of its bookkeeping course from € 840 to € 1.495: a price
  jump, so the published offer goes back to review;
- a new provider's yoga course for entrepreneurs: a new provider, maybe leisure.

Idempotent: a case whose offer exists is left as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.db import transaction

from llo.core import audit
from llo.core.timeutil import now, today
from llo.people.models import Organisation, OrganisationKind
from llo.register import transitions
from llo.register.models import Offer, Offering, OfferState, Opleider, ProviderKind, QualityMark
from llo.register.services import offers, workflow
from llo.register.services.inputs import OfferInput

ACTOR = audit.Actor.system("demo")
_NOT_COPIED = ("gemeenten", "offerings", "ooapi_id")
VAKWERK_KVK = "90000009"

#: Two new providers, admitted with a valid NRTO and CRKBO mark (so nothing blocks).
NEW_PROVIDERS = (
    ("81900001", "Snel Vakman Academie", "GM0363"),
    ("81900002", "Balans & Business Studio", "GM0344"),
)

_DESCRIPTION_RICH = (
    "In één dag leer je lassen zoals de profs. Na deze training verdien je gegarandeerd "
    "een vermogen: onze cursisten worden rijk als zelfstandig lasser. Inclusief certificaat."
)
_DESCRIPTION_YOGA = (
    "Yoga en mindfulness voor ondernemers: minder stress, meer focus. Vier avonden in onze "
    "studio, met oefeningen voor thuis en op het werk."
)


def _input(code: str, title: str, description: str, fee_euros: int, hours: int) -> OfferInput:
    return OfferInput(
        code=code,
        offer_type="course",
        title=title,
        level="eqf_2",
        leads_to="none",
        legal_status="cursist",
        description=description,
        study_load_value=Decimal(hours),
        study_load_unit="hour",
        modes=["presential"],
        gemeenten=[],
        online=True,
        fee_cents=fee_euros * 100,
        vat_exempt=True,
    )


def _new_provider(kvk: str, name: str, gemeente: str) -> Opleider:
    org, _ = Organisation.objects.get_or_create(
        kvk=kvk,
        defaults={"name": name, "kind": OrganisationKind.PROVIDER, "gemeente_id": gemeente},
    )
    opleider, made = Opleider.objects.get_or_create(
        organisation=org,
        defaults={"kind": ProviderKind.PRIVATE, "status_changed_at": now()},
    )
    if made:
        for kind in ("nrto", "crkbo"):
            QualityMark.objects.create(
                opleider=opleider,
                kind=kind,
                reference=f"{kind.upper()}-{kvk}",
                valid_from=today() - dt.timedelta(days=30),
                valid_until=today() + dt.timedelta(days=3 * 365),
            )
    return opleider


def _submit(opleider: Opleider, data: OfferInput) -> bool:
    if Offer.objects.filter(opleider=opleider, code=data.code).exists():
        return False
    offer = offers.create_offer(actor=ACTOR, opleider=opleider, data=data)
    Offering.objects.create(offer=offer, start_date=today() + dt.timedelta(days=45), capacity=12)
    workflow.transition(actor=ACTOR, offer=offer, action="submit", who=transitions.PROVIDER)
    return True


def load_review_cases() -> dict[str, int]:
    """Put the cases in the queue; returns how many were made now."""
    made = 0
    with transaction.atomic():
        rich = _new_provider(*NEW_PROVIDERS[0])
        made += _submit(
            rich,
            _input("SVA-LAS-RIJK", "Gegarandeerd rijk worden met lassen", _DESCRIPTION_RICH,
                   14_999, 8),
        )  # fmt: skip
        studio = _new_provider(*NEW_PROVIDERS[1])
        made += _submit(
            studio,
            _input("BBS-YOGA", "Yoga voor ondernemers", _DESCRIPTION_YOGA, 395, 12),
        )
        boekh = Offer.objects.filter(
            opleider__organisation__kvk=VAKWERK_KVK,
            code="AV-BOEKH",
            state=OfferState.PUBLISHED,
            version=1,
        ).first()
        if boekh is not None:
            data = OfferInput(
                **{
                    f.name: getattr(boekh, f.name)
                    for f in dataclasses.fields(OfferInput)
                    if hasattr(boekh, f.name)
                    and f.name not in ("gemeenten", "offerings", "ooapi_id")
                },
            )
            data = dataclasses.replace(
                data,
                gemeenten=list(boekh.gemeenten.values_list("pk", flat=True)),
                fee_cents=1_400_00,
            )
            offers.update_offer(actor=ACTOR, offer=boekh, data=data)
            made += 1
    return {"review_cases": made}
