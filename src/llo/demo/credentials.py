# SPDX-License-Identifier: EUPL-1.2
"""Demo data for credentials and exemptions (JOURNEYS.md, Jan: "an EVC that turns into
exemptions"), through the credentials services:

* learning outcomes on Academie Vakwerk's welding microcredential and EVC procedure, and on
  ROC Maasstad's basic-skills course (the EU micro-credential element a credential carries);
* Academie Vakwerk's programme "Allround onderhoudsmonteur" made of four units (register
  offers of type module, ``part_of`` the programme), each with skills and learning outcomes;
  The programme starts on the first of the month after next, so Jan can apply for it.
* Jan's ervaringscertificaat (EVC onderhoudsmonteur): the demo leaves it to Academie Vakwerk's
  assessor, who gives it on the page ``/certificaten/evc`` (Jan's BSN and date of birth are
  in ``llo.demo.personas``), so the journey of issue 16 can be walked from the start;
  ``issue_evc=True`` issues it here instead. It covers three of the four units, so llo
  proposes three exemptions when Jan plans the programme; the provider decides (the browser
  test accepts two and refuses one) and his funding plan and price follow.

Idempotent: rows are found by their codes, the credential by person and offer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from llo.core import audit
from llo.core.timeutil import today
from llo.credentials import services
from llo.credentials.models import Credential
from llo.demo import personas
from llo.demo.offers import occupation_codes, skill_codes
from llo.people.models import Organisation, Person
from llo.register.models import Offer, Offering, OfferState, Opleider, SearchEntry
from llo.register.search import indexer
from llo.register.store import offer_terms

ACTOR = audit.Actor.system("demo")
VAKWERK = "90000009"
MAASSTAD = "90000008"
PROGRAMME = "AV-OM"
#: The programme leads to this occupation, named as a code of the skills language (the
#: rules engine reads its ISCO group: O&O-fonds Techniek's sector list has 7233).
OCCUPATIONS = ["Onderhoudsmonteur"]

#: What a learner can do afterwards, per offer code (Dutch, as on the certificate).
OUTCOMES: dict[str, list[str]] = {
    "AV-EVC-OM": [
        "Je voert preventief onderhoud uit aan machines volgens het onderhoudsplan.",
        "Je vervangt slijtende onderdelen en stelt machines opnieuw af.",
        "Je zoekt storingen systematisch op in mechanische en elektrische systemen.",
        "Je analyseert de oorzaak van een storing en verhelpt die.",
        "Je repareert metalen onderdelen met lassen.",
        "Je werkt veilig volgens VCA.",
    ],
    "AV-LAS-MC": [
        "Je last een hoeknaad en een stompe naad met MIG/MAG volgens de lasmethodebeschrijving.",
        "Je controleert je las op fouten.",
        "Je werkt veilig met lasapparatuur.",
    ],
    "MS-NT1-TAAL": [
        "Je leest en begrijpt werkinstructies.",
        "Je schrijft een korte melding of e-mail op het werk.",
    ],
}

#: The other EU micro-credential elements the providers give, per offer code: the type of
#: assessment and how quality is assured (the credential carries them as given).
ASSURED: dict[str, tuple[str, str]] = {
    "AV-EVC-OM": (
        "evc_assessment",
        "EVC-procedure volgens de Kwaliteitscode EVC; de assessor is onafhankelijk van de "
        "begeleider.",
    ),
    "AV-LAS-MC": (
        "practical_exam",
        "Praktijkexamen met een externe examinator; lasproeven volgens NEN-EN-ISO 9606-1.",
    ),
    "MS-NT1-TAAL": ("assignment", "Toetsing volgens het examenplan van ROC Maasstad."),
}

#: The units of "Allround onderhoudsmonteur": code, title, skills, outcomes, hours.
UNITS: list[tuple[str, str, list[str], list[str], int]] = [
    (
        "AV-OM-1",
        "Preventief onderhoud",
        ["Onderhoud"],
        [
            "Je voert preventief onderhoud uit aan machines volgens het onderhoudsplan.",
            "Je vervangt slijtende onderdelen en stelt machines af.",
        ],
        160,
    ),
    (
        "AV-OM-2",
        "Storingsanalyse",
        ["Storingsanalyse"],
        [
            "Je zoekt storingen systematisch op in mechanische en elektrische systemen.",
            "Je analyseert de oorzaak van een storing en verhelpt die.",
        ],
        160,
    ),
    (
        "AV-OM-3",
        "Lastechniek voor onderhoud",
        ["Lassen"],
        [
            "Je repareert metalen onderdelen met lassen.",
            "Je last een hoeknaad volgens de lasmethodebeschrijving.",
            "Je werkt veilig volgens VCA.",
        ],
        120,
    ),
    (
        "AV-OM-4",
        "Besturingstechniek (PLC)",
        ["PLC-programmeren"],
        [
            "Je leest een PLC-programma en past het aan.",
            "Je test een besturing na een wijziging.",
        ],
        160,
    ),
]


def _org(kvk: str) -> Organisation | None:
    return Organisation.objects.filter(kvk=kvk).first()


def _person(key: str) -> Person | None:
    spec = next((p for p in personas.PERSONS if p.key == key), None)
    return Person.objects.by_bsn(spec.bsn) if spec else None


def _offer_fields(title: str, offer_type: str, hours: int, **extra: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "offer_type": offer_type,
        "title": title,
        "description": f"{title}. Voor monteurs die verder willen in hun vak.",
        "level": "eqf_4",
        "level_basis": "indicative",
        "study_load_value": Decimal(hours),
        "study_load_unit": "hour",
        "leads_to": "none",
        "language": "nl",
        "modes": ["presential"],
        "legal_status": "cursist",
        "state": OfferState.PUBLISHED,
    }
    fields.update(extra)
    return fields


def ensure_programme(opleider: Opleider) -> tuple[Offer, int]:
    """The programme and its units (made once); returns the programme and how many rows
    were made."""
    made = 0
    programme = Offer.objects.filter(opleider=opleider, code=PROGRAMME).first()
    if programme is None:
        programme = Offer.objects.create(
            opleider=opleider,
            code=PROGRAMME,
            fee_cents=480_000,
            exam_cents=20_000,
            price_cents=500_000,
            skills=skill_codes(["Onderhoud", "Storingsanalyse", "Lassen", "PLC-programmeren"]),
            occupations=occupation_codes(OCCUPATIONS),
            **_offer_fields("Allround onderhoudsmonteur", "programme", 600),
        )
        made += 1
    for code, title, skills, outcomes, hours in UNITS:
        if Offer.objects.filter(opleider=opleider, code=code).exists():
            continue
        Offer.objects.create(
            opleider=opleider,
            code=code,
            part_of=programme,
            unit_code=code.rsplit("-", 1)[1],
            skills=skill_codes(skills),
            learning_outcomes=outcomes,
            occupations=occupation_codes(OCCUPATIONS),
            fee_cents=0,
            price_cents=0,
            **_offer_fields(title, "module", hours),
        )
        made += 1
    # Their occupations and skills as rows too, as the register's use cases write them.
    offer_terms.replace([programme.pk, *programme.parts.values_list("pk", flat=True)])
    if not programme.offerings.exists():
        first = today().replace(day=1)
        month = first.month + 1  # the first of the month after next
        start = dt.date(first.year + month // 12, month % 12 + 1, 1)
        Offering.objects.create(
            offer=programme, code=f"{PROGRAMME}-1", start_date=start, capacity=16
        )
        made += 1
    return programme, made


def load_credentials(*, seed: int, issue_evc: bool = False) -> dict[str, int]:
    """Learning outcomes and Jan's programme; with ``issue_evc`` also his EVC certificate;
    returns what was made."""
    created = {"offers": 0, "credentials": 0}
    vakwerk = _org(VAKWERK)
    opleider = Opleider.objects.filter(organisation=vakwerk).first() if vakwerk else None
    jan = _person("jan")
    if opleider is None or jan is None:
        return created  # the register or people demo has not run
    with transaction.atomic():
        for code, outcomes in OUTCOMES.items():
            Offer.objects.filter(code=code, learning_outcomes=[]).update(learning_outcomes=outcomes)
        for code, (assessment, assurance) in ASSURED.items():
            Offer.objects.filter(code=code, quality_assurance="").update(
                assessment_type=assessment, quality_assurance=assurance
            )
        programme, created["offers"] = ensure_programme(opleider)
        # Findable in the search (issue 16: Jan finds the programme and what he pays).
        ids = {programme.pk, *programme.parts.values_list("pk", flat=True)}
        indexed = set(SearchEntry.objects.filter(pk__in=ids).values_list("pk", flat=True))
        indexer.reindex(ids - indexed)
        evc = Offer.objects.filter(opleider=opleider, code="AV-EVC-OM").first()
        if (
            issue_evc
            and evc is not None
            and not Credential.objects.filter(person=jan, offer=evc).exists()
        ):
            services.issue_assessment(
                actor=ACTOR,
                provider=opleider.organisation,
                person=jan,
                offer=evc,
                assessed_on=today() - dt.timedelta(days=14),
            )
            created["credentials"] += 1
    return created
