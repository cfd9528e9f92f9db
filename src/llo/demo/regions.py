# SPDX-License-Identifier: EUPL-1.2
"""Demo data of the regions: shortage lists, demand statements of region partners, a provider
subscribed to welding, and the gap table.

JOURNEYS.md: "Regional partners of Twente — record demand for 120 welders and 60 maintenance
technicians and see which regional offers fill it and where the gap is". Here those two
statements are recorded through the same services a partner uses (so Academie Vakwerk,
subscribed to welding, is notified in llo and by e-mail: a file in var/mail in the demo), with
a few statements in other regions so the map is not empty. Idempotent: a statement is keyed by
its organisation, occupation and source; a second run records nothing.

The shortage lists come from ``data/shortages_demo.csv``: invented demo data
(data/README.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from llo.core import audit
from llo.core.timeutil import today
from llo.notifications import services as notifications
from llo.people.models import Organisation
from llo.regions.models import DemandStatement, DemandSubscription, ShortageEntry
from llo.regions.services import demand, gap, shortages, subscriptions
from llo.skills.resolve import Resolver

ACTOR = audit.Actor.system("demo")
RWC_TWENTE_KVK = "90000017"
RWC_RIJNMOND_KVK = "90000010"
METAAL_TWENTE_KVK = "90000003"
OO_TECHNIEK_KVK = "90000004"
GEMEENTE_ROTTERDAM_KVK = "90000006"
UWV_KVK = "90000007"
ACADEMIE_VAKWERK_KVK = "90000009"
SOURCE = "DEMO: Arbeidsmarktverkenning {region} {year} (verzonnen)"


@dataclass(frozen=True)
class Statement:
    kvk: str
    region: str
    region_name: str
    occupation: str
    people: int
    urgency: str = "normal"
    level: str = ""
    skills: tuple[str, ...] = ()
    note: str = ""


#: The statements of the demo; the first two are the Twente journey of JOURNEYS.md.
STATEMENTS = (
    Statement(
        RWC_TWENTE_KVK, "AM05", "Twente", "lasser", 120, "high", "eqf_2",
        ("MIG/MAG-lassen", "TIG-lassen"),
        "Werkgevers in de maakindustrie in Twente zoeken lassers voor nieuwe orders.",
    ),
    Statement(
        RWC_TWENTE_KVK, "AM05", "Twente", "onderhoudsmonteur", 60, "normal", "eqf_4",
        ("storingen opsporen",),
        "Onderhoud van machines in de metaal en de voedingsindustrie.",
    ),
    Statement(METAAL_TWENTE_KVK, "AM05", "Twente", "operator CNC-machine", 12, "normal", "eqf_3"),
    Statement(RWC_RIJNMOND_KVK, "AM22", "Rijnmond", "zorghulp", 200, "high", "eqf_2"),
    Statement(RWC_RIJNMOND_KVK, "AM22", "Rijnmond", "thuiszorgmedewerker", 80, "normal", "eqf_3"),
    Statement(UWV_KVK, "AM13", "Midden-Utrecht", "verpleegkundige", 40, "normal", "eqf_4"),
    Statement(OO_TECHNIEK_KVK, "AM36", "Regio Zwolle", "lasser", 35, "normal", "eqf_2"),
)  # fmt: skip


def _period() -> tuple[dt.date, dt.date]:
    """From today until the end of next year: the demand counts this year and the next."""
    on = today()
    return on, dt.date(on.year + 1, 12, 31)


def load_regions(*, recompute: bool = True) -> dict[str, int]:
    """Load the demo's shortage lists, subscription and statements; recompute the gap table."""
    counts = {"shortages": 0, "subscriptions": 0, "statements": 0}
    orgs = {
        o.kvk: o
        for o in Organisation.objects.filter(
            kvk__in={s.kvk for s in STATEMENTS} | {ACADEMIE_VAKWERK_KVK}
        )
    }
    if not ShortageEntry.objects.exists():
        text = resources.files("llo.demo").joinpath("data/shortages_demo.csv").read_text("utf-8")
        counts["shortages"] = shortages.import_csv(actor=ACTOR, data=text, recompute=False)
    vakwerk = orgs.get(ACADEMIE_VAKWERK_KVK)
    if vakwerk is not None and not DemandSubscription.objects.filter(organisation=vakwerk).exists():
        with transaction.atomic():
            # Academie Vakwerk trains welders: every occupation of ISCO-08 group 7212, anywhere.
            subscriptions.subscribe(actor=ACTOR, organisation=vakwerk, occupation="7212")
            notifications.set_address(
                actor=ACTOR,
                recipient=notifications.Recipient(organisation_id=vakwerk.pk),
                email="planning@academievakwerk.example",
            )
        counts["subscriptions"] = 1
    start, end = _period()
    occupations = Resolver("occupation", preload=True)
    for s in STATEMENTS:
        org = orgs.get(s.kvk)
        if org is None:
            continue
        source = SOURCE.format(region=s.region_name, year=start.year)
        code = occupations.resolve(s.occupation)
        if DemandStatement.objects.filter(
            organisation=org, occupation_id=code, source=source
        ).exists():
            continue
        demand.record(
            actor=ACTOR,
            organisation=org,
            data=demand.DemandInput(
                region=s.region,
                occupation=s.occupation,
                skills=list(s.skills),
                people=s.people,
                level=s.level,
                period_start=start,
                period_end=end,
                urgency=s.urgency,
                source=source,
                note=s.note,
            ),
        )
        counts["statements"] += 1
    if recompute and (any(counts.values()) or not gap.last_run()):
        gap.recompute(actor=ACTOR)
    return counts
