# SPDX-License-Identifier: EUPL-1.2
"""Demo data of the training register: about 300 providers and 20,000 published offers.

Deterministic: the same seed gives the same providers and offers (start dates are counted
from the first day of the current month, so they stay in the future). Idempotent: providers
are keyed by KvK number and offers by (provider, code); a second run writes nothing new.
Rows are written with bulk inserts and indexed in batches, so the benchmark can use the same
generator for 500,000 offers.

The offers follow the situations of the seed letters and JOURNEYS.md: care (helpende zorg,
verzorgende IG), technology (a welding microcredential, EVC for maintenance technicians),
basic skills (NT1) in Rijnmond, bookkeeping, logistics, ICT. Titles, prices and study loads are
invented but in realistic ranges for the Dutch market (mbo derde leerweg, NRTO-type courses).
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import transaction

from llo.core import audit
from llo.core.bulk import analyze
from llo.core.timeutil import now, today
from llo.demo.offer_data import (
    DESCRIPTIONS,
    KIND_WORD,
    PRIVATE_PATTERNS,
    PUBLIC_PREFIXES,
    SECTOR_OF,
    TOPICS,
    WORDS,
    Topic,
)
from llo.people.models import Organisation, OrganisationKind
from llo.regions.models import Gemeente
from llo.register.models import (
    Offer,
    Offering,
    OfferState,
    OfferVersion,
    Opleider,
    ProviderKind,
    QualityMark,
)
from llo.register.search import indexer
from llo.register.services.inputs import CONTENT_FIELDS
from llo.register.store import bulk, offer_terms
from llo.skills.resolve import Resolver

ROC_MAASSTAD_KVK = "90000008"
ACADEMIE_VAKWERK_KVK = "90000009"
KVK_BASE = 81_000_000  # generated providers: 81000000, 81000001, ... (start with 8)
BATCH = 10_000
ID_NAMESPACE = uuid.UUID("5f0c2b1e-2d3a-4c55-9a0e-6c1f0d7e4b21")  # llo demo register

#: Rijnmond (AM22): where Fatima lives and the gemeente pays for basic skills.
RIJNMOND = "AM22"


@dataclass
class _Provider:
    kvk: str
    name: str
    kind: str
    gemeente: str
    region: str
    marks: tuple[str, ...]
    institution_code: str
    persona: bool = False


def _providers(rng: random.Random, count: int, by_region: dict[str, list[str]]) -> list[_Provider]:
    regions = sorted(by_region)
    out: list[_Provider] = []
    names: set[str] = set()
    for i in range(count):
        region = regions[i % len(regions)]  # every region gets providers
        gemeente = rng.choice(by_region[region])
        public = rng.random() < 0.15
        if public:
            base = f"{rng.choice(PUBLIC_PREFIXES)} {rng.choice(WORDS)}"
            marks: tuple[str, ...] = ("ocw", "crkbo") if rng.random() < 0.8 else ("nvao", "crkbo")
            letters = "ABCDEFGHJKLMNPRSTUVWXZ"
            code = f"{rng.randint(10, 31)}{rng.choice(letters)}{rng.choice(letters)}"
        else:
            base = rng.choice(PRIVATE_PATTERNS).format(w=rng.choice(WORDS))
            marks = ("nrto", "crkbo") if rng.random() < 0.7 else ("nrto",)
            if rng.random() < 0.2:
                marks = (*marks, "branch")
            if rng.random() < 0.1:
                marks = (*marks, "nlqf")
            code = ""
        name, n = base, 2
        while name in names:
            name = f"{base} {n}"
            n += 1
        names.add(name)
        out.append(
            _Provider(
                kvk=str(KVK_BASE + i),
                name=name,
                kind=ProviderKind.PUBLIC if public else ProviderKind.PRIVATE,
                gemeente=gemeente,
                region=region,
                marks=marks,
                institution_code=code,
            )
        )
    return out


def _offer_fields(
    rng: random.Random,
    topic: Topic,
    provider: _Provider,
    by_region: dict[str, list[str]],
    first_of_month: dt.date,
    code: str,
) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
    title = rng.choice(topic.titles)
    level = rng.choice(topic.levels)
    skills = rng.sample(topic.skills, k=min(len(topic.skills), rng.randint(1, 3)))
    occupations = list(topic.occupations[: rng.randint(0, len(topic.occupations))])
    s1 = skills[0].lower()
    s2 = (skills[1] if len(skills) > 1 else topic.skills[-1]).lower()
    description = rng.choice(DESCRIPTIONS).format(
        kind=KIND_WORD[topic.offer_type],
        s1=s1,
        s2=s2,
        occ=(occupations[0] if occupations else "vakkracht").lower(),
        sector=next((v for k, v in SECTOR_OF.items() if k in topic.skills), "het werkveld"),
    )
    fee = rng.randint(topic.price[0], topic.price[1])
    fee = fee - fee % 5  # prices end in 0 or 5, as price lists do
    if topic.offer_type == "basic_skills" and provider.region == RIJNMOND and rng.random() < 0.5:
        fee = 0  # paid in full by the gemeente (JOURNEYS.md)
    exam = rng.randint(*topic.exam) if topic.exam[1] else 0
    exam -= exam % 5
    materials = rng.choice((0, 0, 0, 25, 45, 75, 120)) if topic.offer_type != "evc" else 0
    online_share = 0.5 if topic.offer_type == "course" and "ICT" in str(topic.skills) else 0.2
    mode = rng.choices(
        ("presential", "blended", "online", "work_based"),
        weights=(55, 25, 100 * online_share, 10),
    )[0]
    online = mode == "online"
    places: list[str] = []
    if not online:
        places = [provider.gemeente]
        if rng.random() < 0.3:
            places.append(rng.choice(by_region[provider.region]))
    starts = []
    n_starts = rng.choice((0, 1, 1, 2, 2, 3)) if topic.offer_type != "evc" else 0
    for _ in range(n_starts):
        month = rng.randint(0, 14)
        day = rng.choice((1, 4, 8, 11, 15))
        year = first_of_month.year + (first_of_month.month - 1 + month) // 12
        start = dt.date(year, (first_of_month.month - 1 + month) % 12 + 1, day)
        starts.append(
            {
                "start_date": start,
                "capacity": rng.choice((8, 10, 12, 12, 15, 16, 20, 24)),
            }
        )
    formal = topic.formal
    fields: dict[str, Any] = {
        "code": code,
        "offer_type": topic.offer_type,
        "title": title,
        "description": description,
        "formal": formal,
        "level": level,
        "level_basis": "generic" if formal else "indicative",
        "study_load_value": Decimal(rng.randint(*topic.hours)),
        "study_load_unit": "hour" if not formal else "sbu",
        "leads_to": topic.leads_to,
        "unit_code": "",
        "skills": skill_codes(skills),
        "occupations": occupation_codes(occupations),
        "language": "nl",
        "modes": [mode],
        "online": online,
        "fee_cents": fee * 100,
        "exam_cents": exam * 100,
        "materials_cents": materials * 100,
        "vat_exempt": "crkbo" in provider.marks or provider.kind == ProviderKind.PUBLIC,
        "legal_status": "student" if formal else "cursist",
    }
    return fields, sorted(set(places)), starts


PERSONA_OFFERS: dict[str, list[dict[str, Any]]] = {
    ROC_MAASSTAD_KVK: [
        {"code": "MS-HZW", "offer_type": "programme", "title": "Helpende zorg en welzijn (mbo-2)",
         "level": "eqf_2", "leads_to": "diploma", "formal": True, "fee": 2450, "hours": 1200,
         "skills": ["Verzorgen", "Ondersteunen bij wonen"],
         "occupations": ["Helpende zorg en welzijn"],
         "places": ["GM0599", "GM0606"], "starts": [(1, 1), (6, 1)]},
        {"code": "MS-VIG", "offer_type": "programme", "title": "Verzorgende IG (mbo-3)",
         "level": "eqf_3", "leads_to": "diploma", "formal": True, "fee": 4850, "hours": 2000,
         "skills": ["Verzorgen", "Medicatie toedienen"], "occupations": ["Verzorgende IG"],
         "places": ["GM0599"], "starts": [(1, 1), (7, 1)]},
        {"code": "MS-VIG-MED", "offer_type": "module", "part_of": "MS-VIG",
         "title": "Verzorgende IG: medicatie toedienen (mbo-certificaat)", "level": "eqf_3",
         "leads_to": "mbo_certificate", "formal": True, "fee": 895, "exam": 95, "hours": 120,
         "skills": ["Medicatie toedienen"], "occupations": ["Verzorgende IG"],
         "places": ["GM0599"], "starts": [(2, 1)]},
        # Fatima's journey (JOURNEYS.md): a basic-skills course paid in full by the gemeente
        # (its NT1 voucher of EUR 1,200, earmarked: decision 015), then a care course of
        # EUR 1,100 her employer's EUR 1,000 and O&O-fonds Retail's EUR 150 pay together.
        {"code": "MS-ZORG-START", "offer_type": "course", "title": "Starten in de zorg",
         "level": "eqf_2", "leads_to": "none", "fee": 1100, "hours": 80,
         "skills": ["Verzorgen", "Ondersteunen bij wonen"],
         "occupations": ["Helpende zorg en welzijn"],
         "places": ["GM0599", "GM0606"], "starts": [(2, 1), (4, 1)]},
        {"code": "MS-NT1-TAAL", "offer_type": "basic_skills", "title": "Taal op de werkvloer (NT1)",
         "level": "eqf_0", "leads_to": "none", "fee": 650, "hours": 40,
         "skills": ["Lezen", "Schrijven"], "occupations": [], "places": ["GM0599", "GM0606"],
         "starts": [(0, 15), (1, 15), (3, 15)]},
        {"code": "MS-NT1-DIGI", "offer_type": "basic_skills",
         "title": "Digitale vaardigheden voor je werk", "level": "eqf_1", "leads_to": "none",
         "fee": 0, "hours": 24, "skills": ["Digitale vaardigheden"], "occupations": [],
         "places": ["GM0599"], "starts": [(1, 8)]},
    ],
    ACADEMIE_VAKWERK_KVK: [
        {"code": "AV-LAS-MC", "offer_type": "microcredential",
         "title": "Lassen MIG/MAG (microcredential)", "level": "eqf_3",
         "leads_to": "microcredential", "fee": 1450, "exam": 250, "hours": 120,
         "skills": ["Lassen", "Metaalbewerking"], "occupations": ["Lasser"],
         "places": ["GM0153"], "starts": [(1, 4), (4, 4)]},
        {"code": "AV-EVC-OM", "offer_type": "evc", "title": "EVC onderhoudsmonteur",
         "level": "eqf_4", "leads_to": "experience_certificate", "fee": 1195, "hours": 24,
         "skills": ["Onderhoud", "Storingsanalyse"], "occupations": ["Onderhoudsmonteur"],
         "places": ["GM0153"], "starts": []},
        {"code": "AV-LASTECH", "offer_type": "course",
         "title": "Lastechniek voor onderhoudsmonteurs", "level": "eqf_4", "leads_to": "none",
         "fee": 980, "hours": 40, "skills": ["Lassen", "Onderhoud"],
         "occupations": ["Onderhoudsmonteur"], "places": ["GM0153"], "starts": [(2, 11)]},
        # Mohammed's journey (JOURNEYS.md): training in Almere the new LLO scheme pays once
        # its first round opens (up to mbo 4, toward an occupation on a sector's list: lift
        # truck drivers 8344 and heavy truck drivers 8332 are on logistics'). Each starts at
        # least four weeks after the round opens (the scheme's rule), whenever the demo runs.
        {"code": "AV-HEFTRUCK", "offer_type": "course",
         "title": "Heftruck en reachtruck rijden", "level": "eqf_2", "leads_to": "none",
         "fee": 695, "exam": 95, "hours": 40,
         "skills": ["Heftruck rijden", "Goederen ontvangen en controleren"],
         "occupations": ["Heftruckchauffeur"], "places": ["GM0034", "GM0153"],
         "starts": [(3, 1), (5, 1)]},
        {"code": "AV-CHAUFFEUR-C", "offer_type": "course",
         "title": "Vrachtwagenchauffeur: rijbewijs C en code 95", "level": "eqf_2",
         "leads_to": "none", "fee": 3450, "exam": 450, "hours": 120,
         "skills": ["Goederen ontvangen en controleren"], "occupations": ["Vrachtwagenchauffeur"],
         "places": ["GM0034"], "starts": [(3, 15)]},
        {"code": "AV-BOEKH", "offer_type": "course", "title": "Boekhouden voor het mkb",
         "level": "eqf_4", "leads_to": "none", "fee": 745, "exam": 95, "hours": 60,
         "skills": ["Boekhouding"], "occupations": ["Boekhouder"], "places": [],
         "online": True, "starts": [(1, 1), (3, 1)]},
    ],
}  # fmt: skip


#: How the demo's offers assess, by what they lead to (the provider's choice in real data).
ASSESSMENT_OF = {
    "microcredential": "practical_exam",
    "mbo_certificate": "practical_exam",
    "experience_certificate": "evc_assessment",
    "diploma": "written_exam",
}


@functools.cache
def _resolver(what: str) -> Resolver:
    return Resolver(what, preload=True)


def occupation_codes(names: Sequence[str]) -> list[str]:
    """The ESCO codes of the occupations the topics name in Dutch (offers point at codes;
    a name that does not resolve is a mistake in this file and fails the load)."""
    return [_resolver("occupation").resolve(n) for n in names]


def skill_codes(names: Sequence[str]) -> list[str]:
    return [_resolver("skill").resolve(n) for n in names]


def _persona_fields(
    spec: dict[str, Any], first_of_month: dt.date
) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
    formal = bool(spec.get("formal"))
    fields: dict[str, Any] = {
        "code": spec["code"],
        "offer_type": spec["offer_type"],
        "title": spec["title"],
        "description": (
            f"{spec['title']}. Voor volwassenen die (weer) aan het werk willen of verder "
            "willen in hun vak. Je leert in de praktijk en krijgt een vaste begeleider."
        ),
        "formal": formal,
        "level": spec["level"],
        "level_basis": "generic" if formal else "indicative",
        "study_load_value": Decimal(spec["hours"]),
        "study_load_unit": "sbu" if formal else "hour",
        "leads_to": spec["leads_to"],
        "unit_code": "",
        "skills": skill_codes(spec["skills"]),
        "occupations": occupation_codes(spec["occupations"]),
        "language": "nl",
        "modes": ["online"] if spec.get("online") else ["presential"],
        "online": bool(spec.get("online")),
        "fee_cents": spec["fee"] * 100,
        "exam_cents": spec.get("exam", 0) * 100,
        "materials_cents": 0,
        "vat_exempt": True,
        "legal_status": "student" if formal else "cursist",
    }
    starts = []
    for months, day in spec["starts"]:
        m = first_of_month.month - 1 + months
        starts.append(
            {"start_date": dt.date(first_of_month.year + m // 12, m % 12 + 1, day), "capacity": 16}
        )
    return fields, spec["places"], starts


def _ensure_providers(specs: list[_Provider], gemeente_ok: set[str]) -> dict[str, Opleider]:
    kvks = [p.kvk for p in specs]
    existing_orgs = {o.kvk: o for o in Organisation.objects.filter(kvk__in=kvks)}
    Organisation.objects.bulk_create(
        [
            Organisation(
                kvk=p.kvk,
                name=p.name,
                kind=OrganisationKind.PROVIDER,
                sector="education",
                gemeente_id=p.gemeente if p.gemeente in gemeente_ok else None,
            )
            for p in specs
            if p.kvk not in existing_orgs and not p.persona
        ],
        batch_size=1000,
    )
    orgs = {o.kvk: o for o in Organisation.objects.filter(kvk__in=kvks)}
    existing = {
        o.organisation.kvk: o
        for o in Opleider.objects.filter(organisation__kvk__in=kvks).select_related("organisation")
    }
    new = [
        Opleider(
            organisation=orgs[p.kvk],
            kind=p.kind,
            funded=p.kind == ProviderKind.PUBLIC,
            institution_code=p.institution_code,
            status_changed_at=now(),
        )
        for p in specs
        if p.kvk in orgs and p.kvk not in existing
    ]
    Opleider.objects.bulk_create(new, batch_size=1000)
    result = {
        o.organisation.kvk: o
        for o in Opleider.objects.filter(organisation__kvk__in=kvks).select_related("organisation")
    }
    created = {o.organisation.kvk for o in new}
    marks = [
        QualityMark(
            opleider=result[p.kvk],
            kind=mark,
            reference=f"{mark.upper()}-{p.kvk}",
            valid_from=dt.date(2022, 1, 1),
            valid_until=dt.date(2030, 12, 31),
        )
        for p in specs
        if p.kvk in created
        for mark in p.marks
    ]
    QualityMark.objects.bulk_create(marks, batch_size=1000)
    return result


def load_offers(
    *,
    seed: int,
    providers: int = 300,
    offers: int = 20_000,
    progress: Callable[[int], Any] | None = None,
) -> dict[str, int]:
    """Create the demo providers and their published offers; return counts.

    ``progress`` is called with the number of offers written after every batch (the demo
    loader shows a rich progress bar with it).
    """
    rng = random.Random(seed)
    by_region: dict[str, list[str]] = defaultdict(list)
    for code, region in Gemeente.objects.order_by("code").values_list("code", "region_id"):
        by_region[region].append(code)
    if not by_region:
        raise RuntimeError("The gemeenten are not loaded; run the migrations first.")
    gemeente_ok = {g for codes in by_region.values() for g in codes}
    specs = _providers(rng, providers, by_region)
    personas = Organisation.objects.filter(
        kvk__in=[ROC_MAASSTAD_KVK, ACADEMIE_VAKWERK_KVK], kind=OrganisationKind.PROVIDER
    )
    for org in personas.order_by("kvk"):
        is_roc = org.kvk == ROC_MAASSTAD_KVK
        specs.append(
            _Provider(
                kvk=org.kvk,
                name=org.name,
                kind=ProviderKind.PUBLIC if is_roc else ProviderKind.PRIVATE,
                gemeente=org.gemeente_id or ("GM0599" if is_roc else "GM0153"),
                region="AM22" if is_roc else "AM05",
                marks=("ocw", "crkbo") if is_roc else ("nrto", "crkbo"),
                institution_code="27XM" if is_roc else "",
                persona=True,
            )
        )
    with transaction.atomic():
        opleiders = _ensure_providers(specs, gemeente_ok)
        first_of_month = today().replace(day=1)
        generated = [p for p in specs if not p.persona]
        public_topics = list(TOPICS)
        private_topics = [t for t in TOPICS if not t.public_only]

        def plan() -> Iterator[
            tuple[_Provider, dict[str, Any], list[str], list[dict[str, Any]], str]
        ]:
            for p in specs:
                if p.persona:
                    for spec in PERSONA_OFFERS.get(p.kvk, []):
                        fields, places, starts = _persona_fields(spec, first_of_month)
                        yield p, fields, places, starts, spec.get("part_of", "")
            for i in range(offers):
                p = generated[rng.randrange(len(generated))] if generated else specs[0]
                topics = public_topics if p.kind == ProviderKind.PUBLIC else private_topics
                topic = topics[rng.randrange(len(topics))]
                fields, places, starts = _offer_fields(
                    rng, topic, p, by_region, first_of_month, f"D{seed}-{i:06d}"
                )
                yield p, fields, places, starts, ""

        counts = {"providers": len(opleiders), "offers_created": 0, "offerings_created": 0}
        batch: list[tuple[_Provider, dict[str, Any], list[str], list[dict[str, Any]], str]] = []
        for item in plan():
            batch.append(item)
            if len(batch) >= BATCH:
                _write(batch, opleiders, counts, gemeente_ok)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            _write(batch, opleiders, counts, gemeente_ok)
            if progress:
                progress(len(batch))
        if counts["offers_created"] or counts["offerings_created"]:
            # What loads next reads these rows in the same transaction: fresh planner
            # statistics first (llo.core.bulk.analyze).
            analyze(*apps.get_app_config("register").get_models())
            # A second run that writes nothing leaves no trace either (idempotent).
            audit.record(
                actor=audit.Actor.system("demo"),
                action="register.demo.loaded",
                subject=("register.Opleider", "demo"),
                after={"seed": seed, **counts},
            )
    counts["offers"] = Offer.objects.filter(opleider__in=list(opleiders.values())).count()
    return counts


def _write(
    batch: list[tuple[_Provider, dict[str, Any], list[str], list[dict[str, Any]], str]],
    opleiders: dict[str, Opleider],
    counts: dict[str, int],
    gemeente_ok: set[str],
) -> None:
    at = now()
    keys = {(opleiders[p.kvk].pk, f["code"]) for p, f, *_ in batch if p.kvk in opleiders}
    existing: set[tuple[int, str]] = set()
    by_provider: dict[int, list[str]] = defaultdict(list)
    for pk, code in keys:
        by_provider[pk].append(code)
    for pk, codes in by_provider.items():
        for start in range(0, len(codes), 5000):
            existing.update(
                Offer.objects.filter(
                    opleider_id=pk, code__in=codes[start : start + 5000]
                ).values_list("opleider_id", "code")
            )
    fresh = [
        item
        for item in batch
        if item[0].kvk in opleiders and (opleiders[item[0].kvk].pk, item[1]["code"]) not in existing
    ]
    if not fresh:
        return
    rows = []
    for p, fields, _places, _starts, _part in fresh:
        offer = Offer(
            opleider=opleiders[p.kvk],
            state=OfferState.PUBLISHED,
            state_changed_at=at,
            version=1,
            **fields,
        )
        offer.price_cents = offer.fee_cents + offer.exam_cents + offer.materials_cents
        offer.assessment_type = offer.assessment_type or ASSESSMENT_OF.get(offer.leads_to, "")
        # OOAPI ids derived from the code, so a second load gives the same ids.
        offer.ooapi_id = uuid.uuid5(ID_NAMESPACE, f"offer/{p.kvk}/{fields['code']}")
        rows.append(offer)
    bulk.insert(Offer, rows, with_ids=True)
    # Their occupations and skills as rows too, as the register's use cases write them.
    offer_terms.replace([o.pk for o in rows])
    # Stackable parts of the personas' programmes.
    parents = {
        (o.opleider_id, o.code): o.pk
        for o in Offer.objects.filter(
            code__in=[part for *_, part in fresh if part], offer_type="programme"
        )
    }
    linked = []
    for offer, (_p, _f, _pl, _s, part) in zip(rows, fresh, strict=True):
        if part and (offer.opleider_id, part) in parents:
            offer.part_of_id = parents[(offer.opleider_id, part)]
            offer.unit_code = "K1234"
            linked.append(offer)
    if linked:
        Offer.objects.bulk_update(linked, ["part_of", "unit_code"])
    bulk.insert_rows(
        Offer.gemeenten.through,
        ("offer_id", "gemeente_id"),
        [
            (o.pk, g)
            for o, (_p, _f, places, _s, _part) in zip(rows, fresh, strict=True)
            for g in places
            if g in gemeente_ok
        ],
    )
    runs = [
        (
            o.pk,
            "",
            uuid.uuid5(ID_NAMESPACE, f"offering/{o.ooapi_id}/{i}"),
            s["start_date"],
            None,
            s["capacity"],
            "active",
        )
        for o, (_p, _f, _pl, starts, _part) in zip(rows, fresh, strict=True)
        for i, s in enumerate(starts)
    ]
    bulk.insert_rows(
        Offering,
        ("offer_id", "code", "ooapi_id", "start_date", "end_date", "capacity", "state"),
        runs,
    )
    bulk.insert_rows(
        OfferVersion,
        (
            "offer_id",
            "number",
            "created_at",
            "actor",
            "fee_cents",
            "exam_cents",
            "materials_cents",
            "price_cents",
            "vat_exempt",
            "snapshot",
        ),
        [
            (
                o.pk,
                1,
                at,
                "system:demo",
                o.fee_cents,
                o.exam_cents,
                o.materials_cents,
                o.price_cents,
                o.vat_exempt,
                {
                    **{
                        name: str(getattr(o, name))
                        if name == "study_load_value"
                        else getattr(o, name)
                        for name in CONTENT_FIELDS
                    },
                    "price_cents": o.price_cents,
                    "gemeenten": sorted(set(places)),
                },
            )
            for o, (_p, _f, places, _s, _part) in zip(rows, fresh, strict=True)
        ],
    )
    _index(rows, fresh, opleiders)
    counts["offers_created"] += len(rows)
    counts["offerings_created"] += len(runs)


def _index(
    rows: list[Offer],
    fresh: list[tuple[_Provider, dict[str, Any], list[str], list[dict[str, Any]], str]],
    opleiders: dict[str, Opleider],
) -> None:
    """Index the new (published) offers from memory, as the import does."""
    regions = dict(Gemeente.objects.values_list("code", "region_id"))
    on = today()
    entries = [
        indexer.make_row(
            offer_id=o.pk,
            opleider_id=o.opleider_id,
            offer_type=o.offer_type,
            level=o.level,
            leads_to=o.leads_to,
            provider_kind=opleiders[p.kvk].kind,
            formal=o.formal,
            online=o.online,
            price_cents=o.price_cents,
            modes=o.modes,
            description=o.description,
            has_study_load=o.study_load_value is not None,
            skills=o.skills,
            occupations=o.occupations,
            title=o.title,
            provider_name=opleiders[p.kvk].organisation.name,
            places=[(g, regions[g]) for g in places if g in regions],
            starts=[s["start_date"] for s in starts],
            on=on,
        )
        for o, (p, _f, places, starts, _part) in zip(rows, fresh, strict=True)
        if opleiders[p.kvk].status == "admitted"
    ]
    indexer.index_new(entries)
