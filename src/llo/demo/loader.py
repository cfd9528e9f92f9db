# SPDX-License-Identifier: EUPL-1.2
"""Load the deterministic demo data: the personas, ~300 organisations and ~5,000 persons.

Everything is derived from fixed seeds, so two runs produce the same rows; rows are keyed by
their natural identifiers (BSN hash, KvK number), so a second run finds them and writes
nothing. The whole load runs in one transaction with one audit record: a failure leaves
nothing half-written (DESIGN.md section 2).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
from django.apps import apps
from django.db import transaction

from llo.core import audit, bulk, crypto
from llo.core.identifiers import Level
from llo.core.timeutil import today
from llo.demo import personas
from llo.demo.accounts import jan_changes_employer, load_accounts
from llo.demo.credentials import load_credentials
from llo.demo.enrolment import load_enrolment
from llo.demo.offers import load_offers
from llo.demo.regions import load_regions
from llo.demo.review import load_review_cases
from llo.demo.signals import load_signals
from llo.demo.windows import load_windows
from llo.people.models import (
    GRANTED_ROLES,
    Employment,
    Organisation,
    OrganisationKind,
    Person,
    RoleGrant,
)
from llo.people.population import (
    FLEX,
    LABOUR_POSITIONS,
    SECTOR_LABELS,
    SECTORS,
    SIZE_CLASSES,
    Population,
    employee_size_class_shares,
    generate,
    geography,
    sector_shares,
)
from llo.regions.reference import gemeente_rows

#: The seed, size and peildatum of the demo population (docs/demo-data.md).
DEMO_SEED = 20261123
DEMO_PERSONS = 5000
DEMO_PEILDATUM = dt.date(2026, 11, 1)

#: Generated BSNs: the test range 999900000-999999999 that the BRP does not issue, minus the
#: personas' 9999900xx. About 9,000 numbers in it pass the 11-proef.
BSN_RANGE = (999_900_000, 999_999_999)
PERSONA_BSN_RANGE = (999_990_000, 999_990_099)

#: Common Dutch given and family names (CBS/Meertens top lists, reflecting the population's
#: backgrounds); combined by a seeded draw, so a name says nothing about a real person.
GIVEN_NAMES = (
    "Anna", "Bram", "Daan", "Emma", "Eva", "Fleur", "Lars", "Lotte", "Luuk", "Noah", "Julia",
    "Sem", "Sophie", "Thijs", "Tess", "Jesse", "Sanne", "Milan", "Lisa", "Ruben", "Iris",
    "Mark", "Linda", "Peter", "Monique", "Kees", "Ingrid", "Hans", "Marieke", "Jeroen",
    "Mohammed", "Fatima", "Yusuf", "Aylin", "Ahmet", "Samira", "Priya", "Kevin", "Naomi",
    "Dewi", "Piotr", "Agnieszka", "Youssef", "Nour", "Jayden", "Chantal", "Gerrit", "Wilma",
)  # fmt: skip
FAMILY_NAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
    "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
    "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
    "van den Heuvel", "van der Veen", "van den Broek", "Hoekstra", "Maas", "Verhoeven",
    "Yilmaz", "Kaya", "El Amrani", "Bouzid", "Öztürk", "Kowalski", "Nowak", "Pinas",
    "Martina", "Nguyen", "Wijaya", "Sardjoe",
)  # fmt: skip

#: The centrumgemeente of each arbeidsmarktregio (where its work centre and municipality sit).
CENTRE_GEMEENTE: dict[str, str] = {
    "AM01": "GM0014", "AM02": "GM0080", "AM03": "GM0114", "AM05": "GM0153", "AM06": "GM0200",
    "AM07": "GM0202", "AM08": "GM0268", "AM09": "GM0222", "AM10": "GM0281", "AM11": "GM0034",
    "AM12": "GM0402", "AM13": "GM0344", "AM14": "GM0307", "AM15": "GM0361", "AM17": "GM0479",
    "AM18": "GM0363", "AM19": "GM0546", "AM20": "GM0513", "AM21": "GM0518", "AM22": "GM0599",
    "AM23": "GM0505", "AM24": "GM0687", "AM25": "GM0758", "AM26": "GM0855", "AM27": "GM0796",
    "AM28": "GM0772", "AM29": "GM0983", "AM30": "GM0917", "AM32": "GM0794", "AM33": "GM0957",
    "AM34": "GM0637", "AM35": "GM0512", "AM36": "GM0193", "AM37": "GM0392", "AM38": "GM0228",
}  # fmt: skip

#: The main CAO per sector, for employments of generated persons ("" where a sector has many
#: or none). Fatima's and Jan's CAOs are named in the brief of the demo (JOURNEYS.md).
SECTOR_CAO: dict[str, str] = {
    "agriculture": "CAO Open Teelten",
    "metal": "CAO Metaal en Techniek",
    "construction": "CAO Bouw & Infra",
    "retail": "CAO Retail",
    "hospitality": "CAO Horeca",
    "transport": "CAO Beroepsgoederenvervoer",
    "finance": "CAO Banken",
    "business_support": "ABU-cao",
    "government": "CAO Gemeenten",
    "education": "CAO mbo",
    "care": "CAO VVT",
    "energy": "CAO Netwerkbedrijven",
}

#: How many generated organisations of each kind (docs/demo-data.md). With the personas'
#: organisations this makes about 300.
N_EMPLOYERS = 140
N_PROVIDERS = 58  # plus ROC Maasstad and Academie Vakwerk: 60
N_PUBLIC_PROVIDERS = 22

_KIND_DIGIT = {
    OrganisationKind.EMPLOYER: 1,
    OrganisationKind.OO_FUND: 2,
    OrganisationKind.MUNICIPALITY: 3,
    OrganisationKind.PROVIDER: 4,
    OrganisationKind.WORK_CENTRE: 5,
}

_STEMS = (
    "Beekdal", "Duinrand", "Heidezoom", "Kanaalzijde", "Rivierkruis", "Veenstreek",
    "Weidegrond", "Zeegat", "Klokkenberg", "Torenhof", "Molenwiek", "Sluiskade", "Havenfront",
    "Lindeboom", "Eikenrode", "Polderwind", "Zuiderlicht", "Oosterdijk", "Westerkim",
    "Noorderveld", "Brugzicht", "Dijkhuis", "Wilgenhoek", "Berkenlaan", "Vlietland",
    "Meerstede", "Gouwzee", "Kempenland", "Hunzedal", "Vechtoever", "Lingezegen",
    "Maaskant", "IJsselzoom", "Dommelvallei", "Geulzicht", "Roerstreek", "Amstelkade",
    "Spaarnedal", "Rijnhaven", "Waalzicht", "Eemland", "Zaanoever", "Merwedekant",
    "Schelderand", "Drechtzijde", "Linge", "Berkel", "Regge", "Dinkel", "Aa",
)  # fmt: skip

_EMPLOYER_TEMPLATES: dict[str, tuple[str, ...]] = {
    "agriculture": ("Kwekerij {}", "Melkveebedrijf {}"),
    "mining": ("Zandwinning {}",),
    "metal": ("Metaalwerken {}", "Machinefabriek {}", "Constructiebedrijf {}"),
    "food": ("Bakkerij {}", "Zuivelfabriek {}", "Vleeswaren {}"),
    "manufacturing": ("Kunststoffen {}", "Meubelmakerij {}", "Drukkerij {}"),
    "energy": ("Energie {}",),
    "water_waste": ("Afvalzorg {}", "Waterbedrijf {}"),
    "construction": ("Bouwbedrijf {}", "Installatiebedrijf {}", "Schildersbedrijf {}"),
    "retail": ("Supermarkt {}", "Modehuis {}", "Bouwmarkt {}"),
    "wholesale": ("Groothandel {}", "Autobedrijf {}"),
    "transport": ("Transport {}", "Logistiek {}"),
    "hospitality": ("Hotel {}", "Restaurant {}", "Grand Café {}"),
    "ict": ("{} Software", "{} IT Services"),
    "finance": ("{} Verzekeringen", "Spaarbank {}"),
    "real_estate": ("Vastgoed {}",),
    "business_services": ("Adviesbureau {}", "Ingenieursbureau {}", "Accountants {}"),
    "business_support": ("Uitzendbureau {}", "Schoonmaakbedrijf {}", "Beveiliging {}"),
    "government": ("Waterschap {}", "Omgevingsdienst {}"),
    "education": ("Basisschool {}", "Scholengroep {}"),
    "care": ("Zorggroep {}", "Thuiszorg {}", "Ziekenhuis {}"),
    "culture_events": ("Theater {}", "Sportcentrum {}", "Kapsalon {}"),
}


@dataclass(frozen=True)
class OrgSpec:
    """One organisation to load. ``public`` says, for providers, whether it is state-funded
    (bekostigd); the register can use it."""

    key: str
    kvk: str
    name: str
    kind: str
    sector: str = ""
    employees: int | None = None
    gemeente: str | None = None
    public: bool | None = None
    region: str = ""


@dataclass
class LoadResult:
    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return any(self.created.values())


Progress = Callable[[str, int, int], None]


def _no_progress(step: str, done: int, total: int) -> None:
    return None


# --- Identifiers ------------------------------------------------------------------------------


def demo_bsns(n: int) -> list[str]:
    """The first ``n`` numbers of BSN_RANGE that pass the 11-proef, outside the personas' range.

    11-proef: 9*d1 + 8*d2 + ... + 2*d8 - d9 is divisible by 11 (llo.core.identifiers).
    """
    numbers = np.arange(BSN_RANGE[0], BSN_RANGE[1] + 1, dtype=np.int64)
    digits = (numbers[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    weights = np.array([9, 8, 7, 6, 5, 4, 3, 2, -1])
    valid = (digits @ weights) % 11 == 0
    valid &= (numbers < PERSONA_BSN_RANGE[0]) | (numbers > PERSONA_BSN_RANGE[1])
    chosen = numbers[valid]
    if n > len(chosen):
        raise ValueError(f"the demo BSN range holds {len(chosen)} numbers; asked for {n}")
    return [str(x) for x in chosen[:n]]


def _kvk(kind: str, i: int) -> str:
    """Eight digits starting with 9 (the personas use 900000xx): 9, a kind digit, a number."""
    return f"9{_KIND_DIGIT[OrganisationKind(kind)]}{i:06d}"


def _short_name(gemeente_name: str) -> str:
    name = re.sub(r" \([A-Z.]+\)$", "", gemeente_name)
    return {"'s-Gravenhage": "Den Haag"}.get(name, name)


# --- Organisations ------------------------------------------------------------------------------


def organisation_specs(seed: int = DEMO_SEED) -> list[OrgSpec]:
    """Every organisation of the demo, personas first; deterministic for a seed."""
    rng = np.random.default_rng([seed, 2])
    rows = gemeente_rows()
    names = {r.gemeente_code: r.gemeente_naam for r in rows}
    region_names = {r.region_code: r.region_name for r in rows}
    region_of = {r.gemeente_code: r.region_code for r in rows}
    for region, code in CENTRE_GEMEENTE.items():
        if region_of[code] != region:  # pragma: no cover - a wrong table fails the tests
            raise ValueError(f"{code} is not in {region}")
    geo = geography()
    regions = list(geo.region_codes)

    specs = [
        OrgSpec(
            o.key, o.kvk, o.name, o.kind, o.sector, o.employees, o.gemeente,
            public={"maasstad": True, "vakwerk": False}.get(o.key),
            region=region_of[o.gemeente],
        )
        for o in personas.ORGANISATIONS
    ]  # fmt: skip
    taken_municipalities = {o.gemeente for o in personas.ORGANISATIONS if o.kind == "municipality"}
    taken_centres = {
        region_of[o.gemeente] for o in personas.ORGANISATIONS if o.kind == "work_centre"
    }
    funded_sectors = {o.sector for o in personas.ORGANISATIONS if o.kind == "oo_fund"}

    # A municipality and a regional work centre for every region's centrumgemeente.
    for i, region in enumerate(regions, start=1):
        code = CENTRE_GEMEENTE[region]
        if code not in taken_municipalities:
            specs.append(
                OrgSpec(
                    f"gemeente_{code}", _kvk("municipality", i),
                    f"Gemeente {_short_name(names[code])}", "municipality", "",
                    None, code, region=region,
                )
            )  # fmt: skip
        if region not in taken_centres:
            specs.append(
                OrgSpec(
                    f"rwc_{region}", _kvk("work_centre", i),
                    f"Regionaal Werkcentrum {region_names[region]}", "work_centre", "",
                    None, code, region=region,
                )
            )  # fmt: skip

    # An O&O-fund for every sector (metal and retail are personas).
    seats = ["GM0344", "GM0518", "GM0363", "GM0637", "GM0307", "GM0202"]
    for i, sector in enumerate(SECTORS, start=1):
        if sector in funded_sectors:
            continue
        seat = seats[i % len(seats)]
        specs.append(
            OrgSpec(
                f"oo_{sector}", _kvk("oo_fund", i), f"O&O-fonds {SECTOR_LABELS[sector]}",
                "oo_fund", sector, None, seat, region=region_of[seat],
            )
        )  # fmt: skip

    # Providers: public (ROC, hogeschool, university; bekostigd) and private (NRTO-style).
    public_kinds = [("ROC {}", 14, (400, 1500)), ("Hogeschool {}", 6, (800, 3000)),
                    ("Universiteit {}", 2, (2000, 6000))]  # fmt: skip
    private_kinds = ["{} Academie", "Opleidingscentrum {}", "{} Training", "Taalschool {}",
                     "Vakschool {}", "{} Zorgopleidingen", "Rijschool en Logistiek {}",
                     "{} Techniekopleidingen"]  # fmt: skip
    stems = list(_STEMS)
    rng.shuffle(stems)
    stem_iter = iter(stems * 4)
    # Spread providers over the regions, the most populated first.
    by_weight = [regions[i] for i in np.argsort(-_region_weights(), kind="stable")]
    i = 0
    for template, count, (lo, hi) in public_kinds:
        for _ in range(count):
            region = by_weight[i % len(by_weight)]
            i += 1
            specs.append(
                OrgSpec(
                    f"provider_{i}", _kvk("provider", i), template.format(next(stem_iter)),
                    "provider", "education", int(rng.integers(lo, hi)),
                    CENTRE_GEMEENTE[region], public=True, region=region,
                )
            )  # fmt: skip
    for k in range(N_PROVIDERS - N_PUBLIC_PROVIDERS):
        region = by_weight[i % len(by_weight)]
        i += 1
        template = private_kinds[k % len(private_kinds)]
        specs.append(
            OrgSpec(
                f"provider_{i}", _kvk("provider", i), template.format(next(stem_iter)),
                "provider", "education", int(rng.integers(3, 150)),
                CENTRE_GEMEENTE[region], public=False, region=region,
            )
        )  # fmt: skip

    specs.extend(_employer_specs(rng, regions, region_of))
    return specs


def _region_weights() -> np.ndarray:
    geo = geography()
    shares = np.zeros(len(geo.region_codes), dtype=np.float64)
    np.add.at(shares, geo.gemeente_region, geo.gemeente_weight)
    return shares


def _employer_specs(
    rng: np.random.Generator, regions: list[str], region_of: dict[str, str]
) -> list[OrgSpec]:
    """N_EMPLOYERS employers: one per sector and firm-size class, the rest spread by the
    sector shares and the size classes of employees; over the regions by population."""
    geo = geography()
    cells = [(s, c) for s in range(len(SECTORS)) for c in range(len(SIZE_CLASSES))]
    weight = np.outer(sector_shares(), employee_size_class_shares()).ravel()
    extra = N_EMPLOYERS - len(cells)
    exact = extra * weight
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: extra - int(counts.sum())]] += 1
    counts += 1
    region_p = _region_weights()
    first_regions = list(rng.permutation(regions))
    specs = []
    used_names: set[str] = set()
    i = 0
    for (s, c), count in zip(cells, counts, strict=True):
        sector = SECTORS[s]
        lo, hi = SIZE_CLASSES[c]
        for _ in range(int(count)):
            i += 1
            # The first employers go one to each region, so every region has an employer.
            if i <= len(regions):
                region = first_regions[i - 1]
            else:
                region = regions[int(rng.choice(len(regions), p=region_p))]
            members = np.flatnonzero(geo.gemeente_region == regions.index(region))
            p = geo.gemeente_weight[members] / geo.gemeente_weight[members].sum()
            gemeente = geo.gemeente_codes[int(members[rng.choice(len(members), p=p)])]
            size = int(np.exp(rng.uniform(np.log(max(lo, 2)), np.log(min(hi, 5000) + 1))))
            templates = _EMPLOYER_TEMPLATES[sector]
            name = templates[i % len(templates)].format(_STEMS[int(rng.integers(len(_STEMS)))])
            while name in used_names:
                name = f"{name} {region_of[gemeente][2:]}"
            used_names.add(name)
            specs.append(
                OrgSpec(
                    f"employer_{i}", _kvk("employer", i), name, "employer", sector,
                    min(max(size, lo), hi), gemeente, region=region,
                )
            )  # fmt: skip
    return specs


# --- Persons ------------------------------------------------------------------------------------


def _size_class(size: int) -> int:
    for c, (lo, hi) in enumerate(SIZE_CLASSES):
        if lo <= size <= hi:
            return c
    return len(SIZE_CLASSES) - 1


def _names(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng([seed, 3])
    given = rng.integers(len(GIVEN_NAMES), size=n)
    family = rng.integers(len(FAMILY_NAMES), size=n)
    return [f"{GIVEN_NAMES[g]} {FAMILY_NAMES[f]}" for g, f in zip(given, family, strict=True)]


def _match_employers(
    pop: Population, specs: list[OrgSpec], seed: int
) -> list[tuple[int, OrgSpec, str, str]]:
    """(person index, employer, sector, cao) for every employee (permanent or flex) of the
    generated population: an employer of the person's sector and firm-size class, in the
    person's region when there is one. Korenaar (the bakery persona) gets up to 17 employees
    from Rijnmond, so its per-employee deposit has people to land on (JOURNEYS.md)."""
    rng = np.random.default_rng([seed, 4])
    pool: dict[tuple[str, int], list[OrgSpec]] = defaultdict(list)
    for spec in specs:
        if spec.kind == "employer" and spec.sector in SECTORS and spec.employees:
            pool[(spec.sector, _size_class(spec.employees))].append(spec)
    korenaar = next(s for s in specs if s.key == "korenaar")
    rijnmond = pop.region_codes.index("AM22")
    employees = np.flatnonzero(pop.labour_position <= FLEX)
    matches = []
    korenaar_left = (korenaar.employees or 1) - 1
    for idx in employees:
        region = pop.region_codes[pop.region_index[idx]]
        size_class = _size_class(int(pop.employer_size[idx]))
        if korenaar_left and pop.region_index[idx] == rijnmond and size_class == 1:
            matches.append((int(idx), korenaar, "bakery", "CAO Bakkersbedrijf"))
            korenaar_left -= 1
            continue
        sector = SECTORS[pop.sector[idx]]
        candidates = pool[(sector, size_class)]
        local = [c for c in candidates if c.region == region]
        choice = local or candidates
        employer = choice[int(rng.integers(len(choice)))]
        matches.append((int(idx), employer, sector, SECTOR_CAO.get(sector, "")))
    return matches


def _start_dates(pop: Population, idx: Iterable[int], seed: int) -> list[dt.date]:
    """Job start: permanent staff up to 25 years back, flex workers up to 3 (assumed), never
    before the person turned 18."""
    rng = np.random.default_rng([seed, 5])
    out = []
    for i in idx:
        max_years = 3 if pop.labour_position[i] == FLEX else 25
        years_since_18 = int(pop.age[i]) - 18
        days = int(rng.integers(0, 365 * min(max_years, years_since_18) + 1))
        out.append(pop.peildatum - dt.timedelta(days=days))
    return out


# --- The load -----------------------------------------------------------------------------------


def _grant_staff_roles(org_id: dict[str, int], specs: list[OrgSpec]) -> int:
    """The staff roles of the demo, given explicitly (people.RoleGrant): the personas' staff
    logins (Ilse, Peter, register staff) and every regional work centre as adviser."""
    wanted = {
        (login.kvk, str(login.role))
        for login in personas.LOGINS
        if login.role in GRANTED_ROLES and login.kvk
    }
    wanted |= {(s.kvk, "adviseur") for s in specs if s.kind == OrganisationKind.WORK_CENTRE}
    have = set(
        RoleGrant.objects.filter(organisation_id__in=org_id.values()).values_list(
            "organisation__kvk", "role"
        )
    )
    new = [
        RoleGrant(organisation_id=org_id[kvk], role=role, reason="demo data (make demo)")
        for kvk, role in sorted(wanted - have)
        if kvk in org_id
    ]
    RoleGrant.objects.bulk_create(new)
    return len(new)


def _merge(result: LoadResult, part: str, counts: dict[str, int]) -> None:
    """Add a sub-loader's counts of rows created now as ``<part>_<name>``."""
    result.created.update({f"{part}_{name}": count for name, count in counts.items()})


def _fresh_statistics(*labels: str) -> None:
    """Planner statistics for the tables of these apps, rows of this transaction counted
    (``llo.core.bulk.analyze``): thousands of rows were written and are read next."""
    bulk.analyze(*(m for label in labels for m in apps.get_app_config(label).get_models()))


def load(
    *,
    persons: int = DEMO_PERSONS,
    seed: int = DEMO_SEED,
    peildatum: dt.date = DEMO_PEILDATUM,
    progress: Progress = _no_progress,
) -> LoadResult:
    """Load (or top up) the demo data in one transaction; returns what was created."""
    started = time.perf_counter()
    result = LoadResult()
    levels = list(Level)
    with transaction.atomic():
        # Organisations, keyed by KvK number.
        specs = organisation_specs(seed)
        progress("organisations", 0, len(specs))
        existing_kvk = set(
            Organisation.objects.filter(kvk__in=[s.kvk for s in specs]).values_list(
                "kvk", flat=True
            )
        )
        new_orgs = [
            Organisation(
                kvk=s.kvk, name=s.name, kind=s.kind, sector=s.sector,
                employees=s.employees, gemeente_id=s.gemeente,
            )
            for s in specs
            if s.kvk not in existing_kvk
        ]  # fmt: skip
        Organisation.objects.bulk_create(new_orgs, batch_size=500)
        result.created["organisations"] = len(new_orgs)
        org_id = dict(
            Organisation.objects.filter(kvk__in=[s.kvk for s in specs]).values_list("kvk", "id")
        )
        result.created["role_grants"] = _grant_staff_roles(org_id, specs)
        progress("organisations", len(specs), len(specs))

        # Persons: the personas, then the generated population; keyed by the BSN hash.
        pop = generate(persons, seed=seed, peildatum=peildatum)
        bsns = demo_bsns(persons)
        names = _names(persons, seed)
        existing_hash = set(Person.objects.values_list("bsn_hash", flat=True))
        total = len(personas.PERSONS) + persons
        progress("persons", 0, total)
        new_personas: dict[str, Person] = {}
        for p in personas.PERSONS:
            if crypto.keyed_hash(p.bsn) in existing_hash:
                continue
            person = Person(
                display_name=p.name, birth_date=p.birth_date, highest_level=p.level,
                labour_position=p.position, gemeente_id=p.gemeente,
            )  # fmt: skip
            person.set_bsn(p.bsn)
            new_personas[p.key] = person
        new_generated: dict[int, Person] = {}
        birth_dates = pop.birth_date.astype(object)
        for i in range(persons):
            bsn_hash = crypto.keyed_hash(bsns[i])
            if bsn_hash in existing_hash:
                continue
            person = Person(
                display_name=names[i],
                birth_date=birth_dates[i],
                highest_level=levels[pop.level_rank[i]].value,
                labour_position=LABOUR_POSITIONS[pop.labour_position[i]],
                gemeente_id=pop.gemeente_codes[pop.gemeente_index[i]],
            )
            person.set_bsn(bsns[i])  # validates (11-proef), encrypts and hashes
            new_generated[i] = person
            if len(new_generated) % 500 == 0:
                progress("persons", len(new_personas) + len(new_generated), total)
        new_people = [*new_personas.values(), *new_generated.values()]
        Person.objects.bulk_create(new_people, batch_size=500)
        if any(person.pk is None for person in new_people):  # a backend returning no ids
            ids = dict(
                Person.objects.filter(
                    bsn_hash__in=[person.bsn_hash for person in new_people]
                ).values_list("bsn_hash", "id")
            )
            for person in new_people:
                person.pk = ids[person.bsn_hash]
        result.created["persons"] = len(new_people)
        progress("persons", total, total)

        # Employments of the people created in this run (an existing person keeps theirs).
        matches = [m for m in _match_employers(pop, specs, seed) if m[0] in new_generated]
        starts = _start_dates(pop, [m[0] for m in matches], seed)
        jobs = [
            Employment(
                person_id=new_generated[i].pk, employer_id=org_id[spec.kvk],
                sector=sector, cao=cao, start=start,
            )
            for (i, spec, sector, cao), start in zip(matches, starts, strict=True)
        ]  # fmt: skip
        persona_org = {o.key: o.kvk for o in personas.ORGANISATIONS}
        for e in personas.EMPLOYMENTS:
            if e.person not in new_personas:
                continue  # the persona existed before this run, with its employments
            jobs.append(
                Employment(
                    person_id=new_personas[e.person].pk,
                    employer_id=org_id[persona_org[e.employer]],
                    sector=e.sector, cao=e.cao, start=e.start, end=e.end,
                )
            )  # fmt: skip
        progress("employments", 0, len(jobs))
        Employment.objects.bulk_create(jobs, batch_size=500)
        result.created["employments"] = len(jobs)
        progress("employments", len(jobs), len(jobs))

        # The other parts of the demo, each deterministic and idempotent on its own:
        # the register (providers and ~20,000 offers), the learning accounts (budgets,
        # deposits, reservations), a few applications of the personas and UWV's rounds.
        progress("offers", 0, 1)
        register = load_offers(seed=seed)  # reports totals too: keep what was created now
        _merge(result, "register", {k: v for k, v in register.items() if k.endswith("_created")})
        _merge(result, "register", load_review_cases())
        progress("offers", 1, 1)
        # The rest reads what was just written (in this transaction): statistics first (the
        # register's own tables have theirs from load_offers).
        _fresh_statistics("people")
        _merge(result, "accounts", load_accounts(seed=seed))
        _fresh_statistics("accounts")
        _merge(result, "enrolment", load_enrolment(seed=seed))
        _merge(result, "credentials", load_credentials(seed=seed))
        # Jan changes employer within his CAO after his welding course and EVC (JOURNEYS.md).
        _merge(result, "accounts", {"new_employer": jan_changes_employer(today())})
        _merge(result, "windows", load_windows(seed=seed))
        # Enough grants for unsuppressed rows in the spending register, and the nightly
        # misuse scan over them (llo scan_misuse): real cases in the signals queue.
        _merge(result, "signals", load_signals(seed=seed))
        # Regions: shortage lists, demand of region partners, the gap table (llo.demo.regions).
        progress("regions", 0, 1)
        _merge(result, "regions", load_regions())
        progress("regions", 1, 1)

        result.totals = {
            "persons": Person.objects.count(),
            "organisations": Organisation.objects.count(),
            "employments": Employment.objects.count(),
        }
        if result.changed:
            audit.record(
                actor=audit.Actor.system("loaddemo"),
                action="demo.loaded",
                subject=("demo", f"seed-{seed}"),
                purpose="demo data for make demo",
                after={
                    "seed": seed,
                    "peildatum": peildatum,
                    "persons_requested": persons,
                    "created": dict(result.created),
                    "totals": dict(result.totals),
                },
            )
    result.seconds = time.perf_counter() - started
    return result
