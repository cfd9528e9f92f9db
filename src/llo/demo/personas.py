# SPDX-License-Identifier: EUPL-1.2
"""The demo personas of ../shared/JOURNEYS.md. Invented people and firms; real situations.

BSNs are in the 9999900xx range (test numbers that pass the 11-proef and are never issued);
KvK numbers start with 9 for the same reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_noop as N_

from llo.core.roles import Role


@dataclass(frozen=True)
class PersonPersona:
    key: str
    bsn: str
    name: str
    birth_date: dt.date
    level: str
    position: str
    gemeente: str  # CBS code
    story: str


@dataclass(frozen=True)
class OrgPersona:
    key: str
    kvk: str
    name: str
    kind: str
    sector: str
    employees: int | None
    gemeente: str
    story: str


@dataclass(frozen=True)
class EmploymentPersona:
    """A persona's job (JOURNEYS.md): who works where, in which sector and under which CAO."""

    person: str  # PersonPersona.key
    employer: str  # OrgPersona.key
    sector: str  # a code of llo.people.population.SECTORS (or "bakery", see Korenaar)
    cao: str
    start: dt.date
    end: dt.date | None = None


@dataclass(frozen=True)
class Login:
    """One entry on the demo login page."""

    key: str
    label: str
    role: str
    bsn: str = ""
    kvk: str = ""
    story: str = ""


PERSONS = [
    PersonPersona(
        "fatima",
        "999990019",
        "Fatima El Amrani",
        dt.date(1982, 5, 14),
        "eqf_2",
        "flex",
        "GM0599",
        N_("44, Rotterdam. Flex worker in retail, mbo-2, wants to move into care."),
    ),
    PersonPersona(
        "jan",
        "999990020",
        "Jan Hofstede",
        dt.date(1968, 9, 2),
        "eqf_4",
        "employed",
        "GM0153",
        N_("58, Enschede. Maintenance technician at an mkb metal firm, mbo-4."),
    ),
    PersonPersona(
        "sanne",
        "999990032",
        "Sanne de Vries",
        dt.date(1995, 3, 21),
        "eqf_6",
        "job_seeker",
        "GM0344",
        N_("31, Utrecht. Job seeker on WW, hbo, used to work in events."),
    ),
    PersonPersona(
        "mohammed",
        "999990044",
        "Mohammed Yilmaz",
        dt.date(2003, 1, 9),
        "eqf_1",
        "flex",
        "GM0034",
        N_("23, Almere. No startkwalificatie, works through an agency."),
    ),
]

ORGANISATIONS = [
    OrgPersona(
        "korenaar",
        "90000001",
        "Bakkerij de Korenaar",
        "employer",
        "bakery",
        18,
        "GM0599",
        N_("Employer (mkb, 18 employees): deposits €400 per employee a year."),
    ),
    OrgPersona(
        "retailflex",
        "90000002",
        "RetailFlex Uitzendbureau",
        "employer",
        "retail",
        240,
        "GM0599",
        N_("Fatima's employer (retail): €500 a year development budget."),
    ),
    OrgPersona(
        "metaal",
        "90000003",
        "Metaalbedrijf Twente Precisie",
        "employer",
        "metal",
        45,
        "GM0153",
        N_("Jan's employer: an mkb metal firm in Enschede."),
    ),
    OrgPersona(
        "ootechniek",
        "90000004",
        "O&O-fonds Techniek",
        "oo_fund",
        "metal",
        None,
        "GM0344",
        N_("Sector fund: occupations list, 20 % co-payment above NLQF 4."),
    ),
    OrgPersona(
        "ooretail",
        "90000005",
        "O&O-fonds Retail",
        "oo_fund",
        "retail",
        None,
        "GM0363",
        N_("Sector fund for retail: €150 a year."),
    ),
    OrgPersona(
        "rotterdam",
        "90000006",
        "Gemeente Rotterdam",
        "municipality",
        "",
        None,
        "GM0599",
        N_("Pays basic-skills (NT1) courses in full for residents."),
    ),
    OrgPersona(
        "uwv",
        "90000007",
        "UWV",
        "uwv",
        "",
        None,
        "GM0363",
        N_("Budgets for job seekers; runs a STAP-like window."),
    ),
    OrgPersona(
        "maasstad",
        "90000008",
        "ROC Maasstad",
        "provider",
        "education",
        900,
        "GM0599",
        N_("Public mbo provider."),
    ),
    OrgPersona(
        "vakwerk",
        "90000009",
        "Academie Vakwerk",
        "provider",
        "education",
        35,
        "GM0153",
        N_("Private provider with the NRTO-keurmerk."),
    ),
    OrgPersona(
        "rwc_rijnmond",
        "90000010",
        "Regionaal Werkcentrum Rijnmond",
        "work_centre",
        "",
        None,
        "GM0599",
        N_("Ilse works here as an adviser."),
    ),
    OrgPersona(
        "ocw",
        "90000011",
        "Ministerie van OCW",
        "ministry",
        "",
        None,
        "GM0518",
        N_("Peter, policy officer, works here."),
    ),
    OrgPersona(
        "register",
        "90000012",
        "Register Leven Lang Ontwikkelen",
        "ministry",
        "",
        None,
        "GM0518",
        N_("Register staff review offers here."),
    ),
    # Added for the journeys: Sanne's former employer, Mohammed's agency, a second firm under
    # Jan's CAO (his right moves with him, JOURNEYS.md), and the care employer Fatima aims at.
    OrgPersona(
        "feestfabriek",
        "90000013",
        "Evenementenbureau De Feestfabriek",
        "employer",
        "culture_events",
        30,
        "GM0344",
        N_("Sanne's former employer (events); she has been on WW since June 2026."),
    ),
    OrgPersona(
        "flevoflex",
        "90000014",
        "FlevoFlex Uitzendbureau",
        "employer",
        "business_support",
        120,
        "GM0034",
        N_("The agency Mohammed works through."),
    ),
    OrgPersona(
        "hengelo",
        "90000015",
        "Machinefabriek Hengelo",
        "employer",
        "metal",
        80,
        "GM0164",
        N_("Another mkb firm under the CAO Metaal en Techniek: Jan's right moves with him."),
    ),
    OrgPersona(
        "maasoever",
        "90000016",
        "Zorggroep Maasoever",
        "employer",
        "care",
        1200,
        "GM0599",
        N_("Care employer in Rijnmond, where Fatima would like to work."),
    ),
    # The regional partners of Twente (JOURNEYS.md): they state demand for 120 welders and 60
    # maintenance technicians and see which regional offers fill it (llo.demo.regions).
    OrgPersona(
        "rwc_twente",
        "90000017",
        "Regionaal Werkcentrum Twente",
        "work_centre",
        "",
        None,
        "GM0153",
        N_("The regional work centre of Twente: states the region's demand for training."),
    ),
]

EMPLOYMENTS = [
    # Fatima: flex worker in retail for 12 years (JOURNEYS.md).
    EmploymentPersona("fatima", "retailflex", "retail", "CAO Retail", dt.date(2014, 9, 1)),
    # Jan: permanent contract at an mkb metal firm, O&O-fonds Techniek.
    EmploymentPersona("jan", "metaal", "metal", "CAO Metaal en Techniek", dt.date(2003, 2, 1)),
    # Sanne: previously in events, now a job seeker on WW.
    EmploymentPersona(
        "sanne", "feestfabriek", "culture_events", "", dt.date(2019, 9, 1), dt.date(2026, 5, 31)
    ),
    # Mohammed: works through an agency (ABU-cao for agency workers).
    EmploymentPersona("mohammed", "flevoflex", "business_support", "ABU-cao", dt.date(2025, 3, 1)),
]

LOGINS = [
    *[Login(p.key, p.name, Role.BURGER, bsn=p.bsn, story=p.story) for p in PERSONS],
    Login(
        "korenaar",
        "Bakkerij de Korenaar",
        Role.WERKGEVER,
        kvk="90000001",
        story=ORGANISATIONS[0].story,
    ),
    Login(
        "ootechniek", "O&O-fonds Techniek", Role.FONDS, kvk="90000004", story=ORGANISATIONS[3].story
    ),
    Login(
        "rotterdam",
        "Gemeente Rotterdam",
        Role.GEMEENTE,
        kvk="90000006",
        story=ORGANISATIONS[5].story,
    ),
    Login("uwv", "UWV", Role.UWV, kvk="90000007", story=ORGANISATIONS[6].story),
    Login("maasstad", "ROC Maasstad", Role.OPLEIDER, kvk="90000008", story=ORGANISATIONS[7].story),
    Login(
        "vakwerk", "Academie Vakwerk", Role.OPLEIDER, kvk="90000009", story=ORGANISATIONS[8].story
    ),
    Login(
        "vakwerk-evc",
        "Academie Vakwerk (EVC-assessor)",
        Role.ASSESSOR,
        kvk="90000009",
        story=N_("Assessor: gives Jan his experience certificate at the end of his EVC."),
    ),
    Login(
        "ilse",
        "Ilse (Regionaal Werkcentrum Rijnmond)",
        Role.ADVISEUR,
        kvk="90000010",
        story=N_("Adviser: makes a development plan with Fatima, with her consent."),
    ),
    Login(
        "peter",
        "Peter (Ministerie van OCW)",
        Role.BELEID,
        kvk="90000011",
        story=N_("Policy officer: what-if of the new LLO scheme."),
    ),
    Login(
        "twente",
        "Regionaal Werkcentrum Twente",
        Role.ADVISEUR,
        kvk="90000017",
        story=N_("Regional partners of Twente: state demand and see where training is short."),
    ),
    Login(
        "register",
        "Register staff",
        Role.BEHEER,
        kvk="90000012",
        story=N_("Reviews new offers and removes ones that break the rules."),
    ),
]


def login_by_key(key: str) -> Login | None:
    return next((login for login in LOGINS if login.key == key), None)
