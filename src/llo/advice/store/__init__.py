# SPDX-License-Identifier: EUPL-1.2
"""The advice app's queries: valid consents, the register's index by skill, occupation and
place, and what a person holds. Decides nothing (docs/decisions/007)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from llo.credentials.models import Credential, CredentialState
from llo.enrolment.models import Application, Consent, IntakeEntry
from llo.people.models import Organisation, Person
from llo.register.models import Offer, Offering, OfferingState, OfferState, SearchEntry, SearchTag

#: The lifecycle states in which a person has finished a training (its skills count as held).
FINISHED = ("completed", "paid")


def valid_consents(at: dt.datetime) -> QuerySet[Consent]:
    return Consent.objects.filter(valid_from__lte=at, valid_until__gte=at, revoked_at__isnull=True)


def consent_for(org: Organisation, person_id: int, at: dt.datetime) -> Consent | None:
    """The person's valid consent to ``org`` that lasts longest (None: no access)."""
    return (
        valid_consents(at)
        .filter(organisation=org, person_id=person_id)
        .select_related("person", "person__gemeente")
        .order_by("-valid_until", "-pk")
        .first()
    )


def clients_of(org: Organisation, at: dt.datetime) -> list[Consent]:
    """One valid consent per person (the longest), by name."""
    best: dict[int, Consent] = {}
    for c in (
        valid_consents(at)
        .filter(organisation=org)
        .select_related("person")
        .order_by("person__display_name", "person_id", "-valid_until", "-pk")
    ):
        best.setdefault(c.person_id, c)
    return list(best.values())


def consents_of(person: Person) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(person=person)
        .select_related("organisation")
        .order_by("-valid_from", "-pk")
    )


def work_centres() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind="work_centre").order_by("name")


def held_skill_texts(person_id: int) -> list[str]:
    """The skills of the person's valid credentials and of the trainings they finished in llo
    (codes, or names where an imported credential carries names)."""
    found: list[str] = []
    for skills, offer_skills in Credential.objects.filter(
        person_id=person_id, state=CredentialState.VALID
    ).values_list("skills", "offer__skills"):
        found += [str(s) for s in (skills or [])] + [str(s) for s in (offer_skills or [])]
    for skills in Application.objects.filter(person_id=person_id, status__in=FINISHED).values_list(
        "offer__skills", flat=True
    ):
        found += [str(s) for s in (skills or [])]
    return found


def offers_for(
    skills: Iterable[str],
    occupation: str,
    gemeente: str,
    on: dt.date,
    *,
    basic_skills: bool = False,
    limit: int = 6,
) -> list[Offer]:
    """Published offers with a start after ``on`` that teach one of ``skills`` or lead to
    ``occupation`` (or, with ``basic_skills``, basic-skills courses), given in the person's
    gemeente or online; those teaching the most of the skills first, then the cheapest."""
    # The place as a subquery: a join on the tags here would also narrow the count below.
    near = SearchTag.objects.filter(dim="gm", value=gemeente).values("entry_id")
    entries = SearchEntry.objects.filter(next_start__gt=on).filter(
        Q(online=True) | Q(offer_id__in=near)
    )
    if basic_skills:
        ranked = entries.filter(offer_type="basic_skills").order_by("price_cents", "offer_id")
    else:
        codes = sorted(set(skills))
        matching = SearchTag.objects.filter(
            Q(dim="sk", value__in=codes) | Q(dim="oc", value=occupation)
        )
        ranked = (
            entries.filter(offer_id__in=matching.values("entry_id"))
            .exclude(offer_type="basic_skills")
            .annotate(
                hits=Count(
                    "tags",
                    filter=Q(tags__dim="sk", tags__value__in=codes),
                    distinct=True,
                )
            )
            .order_by("-hits", "price_cents", "offer_id")
        )
    ids = list(ranked.values_list("offer_id", flat=True).distinct()[: limit * 3])
    offers = {
        o.pk: o
        for o in Offer.objects.filter(pk__in=ids, state=OfferState.PUBLISHED).select_related(
            "opleider__organisation"
        )
    }
    return [offers[i] for i in dict.fromkeys(ids) if i in offers][:limit]


def offers_by_id(ids: Iterable[int]) -> dict[int, Offer]:
    return {
        o.pk: o
        for o in Offer.objects.filter(pk__in=list(ids)).select_related("opleider__organisation")
    }


def next_offerings(offer_ids: Iterable[int], on: dt.date) -> dict[int, Offering]:
    """The first open start moment after ``on`` of each offer."""
    found: dict[int, Offering] = {}
    for o in Offering.objects.filter(
        offer_id__in=list(offer_ids), start_date__gt=on, state=OfferingState.ACTIVE
    ).order_by("offer_id", "start_date", "pk"):
        found.setdefault(o.offer_id, o)
    return found


def published_offer(offer_id: int) -> Offer | None:
    return Offer.objects.filter(pk=offer_id, state=OfferState.PUBLISHED).first()


def applications_of(person_id: int) -> list[Application]:
    return list(
        Application.objects.filter(person_id=person_id)
        .select_related("offer", "offering")
        .order_by("-applied_at", "-pk")[:50]
    )


def decided_entries_of(person_id: int) -> list[IntakeEntry]:
    """A person's window entries decided without an application: waiting, refused, lapsed or
    cancelled (decision 013: the outcome is kept on the entry; a grant is an application)."""
    return list(
        IntakeEntry.objects.filter(person_id=person_id)
        .exclude(outcome__in=["", "granted"])
        .select_related("offer", "offering")
        .order_by("-received_at", "-pk")[:50]
    )
