# SPDX-License-Identifier: EUPL-1.2
"""A synthetic Dutch population aged 18 up to the AOW age, drawn with numpy.

One generator serves two uses: the ~5,000 demo persons of ``llo loaddemo`` and the what-if
simulation over the whole population (10 million persons in well under 5 seconds). So every
attribute is drawn for all persons at once: no Python loop runs per person, the arrays use the
smallest dtype that holds them (about 24 bytes a person), and the same seed and ``n`` always give
the same arrays.

Every spread comes from the sourced marginals in ``data/population_nl.json`` (copied from
``../shared/data``; see ``data/ATTRIBUTION.md``). Where the data does not give an interaction
(say, labour-market position by age), an *assumed* pattern is raked (iterative proportional
fitting) onto the sourced marginals: the marginals stay exact, only the interaction is assumed.
Each assumption is a named constant below with its reason; ``docs/demo-data.md`` lists them all
with the source key and confidence of every figure.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from llo.regions.reference import gemeente_rows

#: Labour-market positions; the position in this tuple is the code in ``Population``.
#: "on_benefit" holds everyone outside the labour force (students, carers, the disabled, the
#: early retired): the model's label for it is "not looking for work" (people.LabourPosition).
LABOUR_POSITIONS = ("employed", "flex", "self_employed", "job_seeker", "on_benefit")
EMPLOYED, FLEX, SELF_EMPLOYED, JOB_SEEKER, ON_BENEFIT = range(5)
WORKING_POSITIONS = (EMPLOYED, FLEX, SELF_EMPLOYED)

# Sectors: one per SBI-2008 section of CBS 85316NED/85272NED (population_nl.json "sectors"),
# except that C (industry) and G (trade) are split, because O&O-funds and CAOs follow the finer
# lines (metal, food, retail). The split fractions are ASSUMPTIONS (no CBS split is in the data):
# metal = SBI 24-30 and 33 ("metalektro" plus small metal), food = SBI 10-12, retail = SBI 47.
# Codes match llo.schemes.enums.Sector where that has the sector (government, culture_events).
_SECTOR_SPEC: tuple[tuple[str, str, str, float], ...] = (
    ("agriculture", "Landbouw, bosbouw en visserij", "A", 1.0),
    ("mining", "Delfstoffenwinning", "B", 1.0),
    ("metal", "Metaal en techniek", "C", 0.40),
    ("food", "Voedingsmiddelenindustrie", "C", 0.17),
    ("manufacturing", "Overige industrie", "C", 0.43),
    ("energy", "Energievoorziening", "D", 1.0),
    ("water_waste", "Waterbedrijven en afvalbeheer", "E", 1.0),
    ("construction", "Bouw", "F", 1.0),
    ("retail", "Detailhandel", "G", 0.55),
    ("wholesale", "Groothandel en autohandel", "G", 0.45),
    ("transport", "Vervoer en opslag", "H", 1.0),
    ("hospitality", "Horeca", "I", 1.0),
    ("ict", "Informatie en communicatie", "J", 1.0),
    ("finance", "Financiële dienstverlening", "K", 1.0),
    ("real_estate", "Verhuur van en handel in onroerend goed", "L", 1.0),
    ("business_services", "Specialistische zakelijke diensten", "M", 1.0),
    ("business_support", "Verhuur en overige zakelijke diensten (met uitzendbureaus)", "N", 1.0),
    ("government", "Openbaar bestuur en overheidsdiensten", "O", 1.0),
    ("education", "Onderwijs", "P", 1.0),
    ("care", "Zorg en welzijn", "Q", 1.0),
    ("culture_events", "Cultuur, recreatie, evenementen en overige diensten", "R-U", 1.0),
)
#: Sector codes; the position in this tuple is the code in ``Population.sector``.
SECTORS: tuple[str, ...] = tuple(spec[0] for spec in _SECTOR_SPEC)
SECTOR_LABELS: dict[str, str] = {spec[0]: spec[1] for spec in _SECTOR_SPEC}
SECTOR_SBI: dict[str, str] = {spec[0]: spec[2] for spec in _SECTOR_SPEC}

#: Firm-size classes of CBS 85316NED (employed persons by working persons at the firm).
SIZE_CLASSES: tuple[tuple[int, int], ...] = ((1, 9), (10, 49), (50, 249), (250, 25_000))

# --- Assumptions (each one named, with its reason; docs/demo-data.md repeats them) ------------

#: Split of the CBS "middle" cells onto NLQF levels. CBS publishes mbo-2 and mbo-3 as one cell;
#: population_nl.json ("mbo_split_suggestion") suggests 40/60 as a modelling assumption.
MBO2_SHARE_OF_MBO23 = 0.40
#: havo (NLQF 4) against vwo (NLQF 4+) among those whose highest diploma is havo/vwo: assumed
#: 55/45 (more havo than vwo diplomas are issued, and more vwo pupils go on to wo).
HAVO_SHARE_OF_HAVO_VWO = 0.55
#: Associate degrees (NLQF 5) inside the CBS "hbo/wo bachelor" cell: assumed 2 % (a small,
#: young programme type).
AD_SHARE_OF_BACHELOR = 0.02
#: Doctorates (NLQF 8) inside the CBS "master/doctor" cell: assumed 6 %.
DOCTOR_SHARE_OF_MASTER_DOCTOR = 0.06
#: Within the 18-24 band nobody is highly educated at 18 and the share rises with age; the
#: relative weights per single year 18..24 are assumed (the band total stays the sourced one).
HIGH_EDUCATION_WEIGHT_18_24 = (0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.0)
#: Lowest age for a bachelor, a master and a doctorate (younger draws move one level down).
MIN_AGE_BACHELOR, MIN_AGE_MASTER, MIN_AGE_DOCTOR = 21, 23, 27

#: Assumed relative odds of each labour position (columns as LABOUR_POSITIONS) per age band:
#: young people are more often flex or outside the labour force (students), older people more
#: often outside it (disability, early retirement). Raked onto the sourced marginals.
POSITION_ODDS_BY_AGE_BAND = (
    (0.5, 2.5, 0.3, 1.5, 2.2),  # 18-24
    (1.0, 1.2, 0.8, 1.0, 0.6),  # 25-34
    (1.1, 0.8, 1.1, 0.9, 0.6),  # 35-44
    (1.1, 0.7, 1.2, 0.9, 0.7),  # 45-54
    (0.9, 0.6, 1.2, 1.2, 1.6),  # 55 to the AOW age
)
#: Assumed relative odds of each labour position per education (low, middle, high): job seekers
#: and flex workers are more often low-educated, the self-employed more often highly educated.
#: The employment rate per education level itself is sourced (see _working_rate_by_education).
POSITION_ODDS_BY_EDUCATION = (
    (0.8, 1.3, 0.8, 2.0, 1.6),  # low
    (1.0, 1.0, 1.0, 1.3, 1.0),  # middle
    (1.1, 0.8, 1.2, 0.8, 0.6),  # high
)
#: Relative risk of low literacy per education (low, middle, high), assumed from the PIAAC
#: gradient; the levels themselves are sourced (PIAAC 2023 overall, derived share of workers).
BASIC_SKILLS_RR_BY_EDUCATION = (3.5, 1.3, 0.4)
#: Share of residents insured for all 12 of the last 12 months: assumed 98 % (recent
#: immigration is about 2 % of the population a year); the rest insured 0..11 months, uniform.
#: Not in population_nl.json: a placeholder.
FULLY_INSURED_SHARE = 0.98
#: Chance of receiving student finance (DUO) by age group and labour position, assumed: about
#: 45 % of 18-24 year olds and a few percent of 25-29 year olds (DUO counts were not retrieved;
#: a placeholder). Columns as LABOUR_POSITIONS.
STUDENT_FINANCE_BY_AGE = (
    (18, 24, (0.12, 0.45, 0.05, 0.03, 0.80)),
    (25, 29, (0.01, 0.06, 0.01, 0.01, 0.20)),
)

#: The arbeidsmarktregio whose members mostly lie in each province (CBS 2025 regions). Used only
#: to weigh gemeenten by province population, because population per region is not in the data.
REGION_PROVINCE: dict[str, str] = {
    "AM01": "Groningen", "AM02": "Fryslan", "AM03": "Drenthe", "AM05": "Overijssel",
    "AM06": "Gelderland", "AM07": "Gelderland", "AM08": "Gelderland", "AM09": "Gelderland",
    "AM10": "Gelderland", "AM11": "Flevoland", "AM12": "Noord-Holland", "AM13": "Utrecht",
    "AM14": "Utrecht", "AM15": "Noord-Holland", "AM17": "Noord-Holland",
    "AM18": "Noord-Holland", "AM19": "Zuid-Holland", "AM20": "Zuid-Holland",
    "AM21": "Zuid-Holland", "AM22": "Zuid-Holland", "AM23": "Zuid-Holland", "AM24": "Zeeland",
    "AM25": "Noord-Brabant", "AM26": "Noord-Brabant", "AM27": "Noord-Brabant",
    "AM28": "Noord-Brabant", "AM29": "Limburg", "AM30": "Limburg", "AM32": "Noord-Brabant",
    "AM33": "Limburg", "AM34": "Zuid-Holland", "AM35": "Zuid-Holland", "AM36": "Overijssel",
    "AM37": "Noord-Holland", "AM38": "Gelderland",
}  # fmt: skip
#: Gemeenten in a region that lies mostly in another province (data/README.md names some of
#: them: regions cut across provinces).
GEMEENTE_PROVINCE_EXCEPTIONS: dict[str, str] = {
    "GM0106": "Drenthe", "GM1680": "Drenthe", "GM1699": "Drenthe", "GM1730": "Drenthe",
    "GM0119": "Drenthe", "GM1701": "Drenthe", "GM0050": "Flevoland", "GM0150": "Overijssel",
    "GM0317": "Utrecht", "GM1961": "Utrecht", "GM0339": "Utrecht", "GM0340": "Utrecht",
    "GM0345": "Utrecht", "GM0736": "Utrecht", "GM0267": "Gelderland", "GM0230": "Gelderland",
    "GM0244": "Gelderland", "GM0269": "Gelderland", "GM0302": "Gelderland",
    "GM1706": "Noord-Brabant", "GM0944": "Limburg",
}  # fmt: skip
#: Population 15-75 (x1000) of the four largest gemeenten, CBS 85268NED "Arbeidsdeelname;
#: provincie", 2nd quarter 2022 (read from the StatLine table page; not in population_nl.json).
#: Without these anchors, "equal weight per gemeente" would give Amsterdam as many people as
#: Ouder-Amstel.
G4_POPULATION_15_75: dict[str, int] = {
    "GM0363": 714,  # Amsterdam
    "GM0599": 507,  # Rotterdam
    "GM0518": 426,  # 's-Gravenhage
    "GM0344": 285,  # Utrecht
}


# --- The population -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Population:
    """Column arrays of equal length, one row per person (see the module docstring)."""

    peildatum: dt.date
    age: np.ndarray  # int16, whole years on peildatum
    birth_date: np.ndarray  # datetime64[D]
    level_rank: np.ndarray  # int8, 0..9 = position in llo.core.identifiers.Level order
    labour_position: np.ndarray  # int8 index into LABOUR_POSITIONS
    region_index: np.ndarray  # int16 index into region_codes
    gemeente_index: np.ndarray  # int16 index into gemeente_codes
    region_codes: tuple[str, ...]  # CBS AMnn codes
    gemeente_codes: tuple[str, ...]  # CBS GMnnnn codes
    sector: np.ndarray  # int8 index into SECTORS; -1 = not working
    employer_size: np.ndarray  # int32 employees at the employer; 0 = none
    months_insured: np.ndarray  # int8 months of national insurance in the last 12 (0..12)
    student_finance: np.ndarray  # bool
    basic_skills_need: np.ndarray  # bool: low literacy (PIAAC level 1 or below)

    def __len__(self) -> int:
        return int(self.age.shape[0])

    @property
    def nbytes(self) -> int:
        """Memory held by the per-person arrays."""
        return sum(
            getattr(self, name).nbytes
            for name in (
                "age", "birth_date", "level_rank", "labour_position", "region_index",
                "gemeente_index", "sector", "employer_size", "months_insured",
                "student_finance", "basic_skills_need",
            )
        )  # fmt: skip


# --- Reading the sourced marginals ----------------------------------------------------------


@lru_cache(maxsize=1)
def marginals_data() -> dict[str, Any]:
    """The packaged copy of population_nl.json (see data/ATTRIBUTION.md)."""
    path = resources.files("llo.people").joinpath("data/population_nl.json")
    with path.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _value(*keys: str) -> Any:
    node: Any = marginals_data()
    for key in keys:
        node = node[key]
    return node["value"]


def aow_age_months(peildatum: dt.date) -> int:
    """The AOW age in months in the year of ``peildatum`` (population_nl.json
    ``age_bands.aow_age_by_year``). Years after the table use its last year: the SZW letter in
    the data reports 67y3m for 2028-2030 and for 2031 as well.

    The AOW age really belongs to a birth cohort; taking the one of the peildatum's year is
    exact for everyone whose AOW date falls in that year, which is all that matters at the
    upper edge of the population.
    """
    table = marginals_data()["age_bands"]["aow_age_by_year"]
    years = sorted(int(y) for y in table)
    if peildatum.year < years[0]:
        raise ValueError(f"no AOW age in the data before {years[0]}")
    year = min(peildatum.year, years[-1])
    match = re.fullmatch(r"(\d+)y(\d+)m", table[str(year)]["value"])
    if match is None:  # pragma: no cover - the packaged file is checked by the tests
        raise ValueError(f"unreadable AOW age {table[str(year)]['value']!r}")
    return int(match[1]) * 12 + int(match[2])


def age_bands() -> list[tuple[int, int | None, float]]:
    """(lowest age, highest age or None for 'up to the AOW age', share) per band."""
    bands = []
    items = list(marginals_data()["age_bands"]["bands"].items())
    for i, (key, leaf) in enumerate(items):
        match = re.match(r"(\d+)-(\d+)", key)
        if match is None:  # pragma: no cover
            raise ValueError(f"unreadable age band {key!r}")
        hi = None if i == len(items) - 1 else int(match[2])
        bands.append((int(match[1]), hi, float(leaf["value"])))
    total = sum(b[2] for b in bands)
    return [(lo, hi, share / total) for lo, hi, share in bands]


def education_by_band() -> np.ndarray:
    """(band, low/middle/high) shares: the by-age-band priors of population_nl.json."""
    node = marginals_data()["education"]["by_age_band_placeholder"]
    rows = [leaf["value"] for key, leaf in node.items() if key != "note"]
    table = np.array(rows, dtype=np.float64)
    return table / table.sum(axis=1, keepdims=True)


def level_split() -> np.ndarray:
    """(low/middle/high, rank 0..9): how each CBS bucket spreads over the NLQF levels.

    low: basisonderwijs -> entry level (rank 0), with its share of "low" from the 15-75
    population (CBS 85525NED: 8.6 of 26.2); the rest split as the employed detail of CBS
    85266NED: vmbo-b/k + mbo-1 -> NLQF 1, vmbo-g/t + havo/vwo onderbouw -> NLQF 2.
    middle: mbo-2/3 (split by MBO2_SHARE_OF_MBO23), mbo-4 + havo -> NLQF 4, vwo -> 4+.
    high: associate degree -> 5, bachelor -> 6, master -> 7, doctor -> 8.
    (Ranks are positions in llo.core.identifiers.Level: 0 entry, 1..4, 5 = 4+, 6..9 = 5..8.)
    """
    pop = marginals_data()["education"]["population_15_75_2022"]
    emp = marginals_data()["education"]["employed_15_75_2024q1_detailed"]

    def v(node: dict[str, Any], key: str) -> float:
        return float(node[key]["value"])

    split = np.zeros((3, 10), dtype=np.float64)
    basis = v(pop, "basisonderwijs") / (
        v(pop, "basisonderwijs") + v(pop, "vmbo_havo_vwo_onderbouw_mbo1")
    )
    lower_vmbo = v(emp, "vmbo_bk_mbo1") / (
        v(emp, "vmbo_bk_mbo1") + v(emp, "vmbo_gt_havo_vwo_onderbouw")
    )
    split[0, 0] = basis
    split[0, 1] = (1 - basis) * lower_vmbo
    split[0, 2] = (1 - basis) * (1 - lower_vmbo)
    mbo23, mbo4, havo_vwo = v(emp, "mbo2_and_mbo3"), v(emp, "mbo4"), v(emp, "havo_vwo")
    split[1, 2] = mbo23 * MBO2_SHARE_OF_MBO23
    split[1, 3] = mbo23 * (1 - MBO2_SHARE_OF_MBO23)
    split[1, 4] = mbo4 + havo_vwo * HAVO_SHARE_OF_HAVO_VWO
    split[1, 5] = havo_vwo * (1 - HAVO_SHARE_OF_HAVO_VWO)
    bachelor, master = v(emp, "hbo_wo_bachelor"), v(emp, "hbo_wo_master_doctor")
    split[2, 6] = bachelor * AD_SHARE_OF_BACHELOR
    split[2, 7] = bachelor * (1 - AD_SHARE_OF_BACHELOR)
    split[2, 8] = master * (1 - DOCTOR_SHARE_OF_MASTER_DOCTOR)
    split[2, 9] = master * DOCTOR_SHARE_OF_MASTER_DOCTOR
    return split / split.sum(axis=1, keepdims=True)


def labour_position_shares() -> np.ndarray:
    """Shares of LABOUR_POSITIONS among persons 18 to the AOW age: the derived 18-AOW mix of
    population_nl.json (zzp and other self-employed together; not in the labour force ->
    'on_benefit')."""
    mix = marginals_data()["labour_market_position"]["derived_18_to_aow_mix"]
    shares = np.array(
        [
            mix["employee_permanent"]["value"],
            mix["employee_flexible"]["value"],
            mix["self_employed_zzp"]["value"] + mix["self_employed_other"]["value"],
            mix["unemployed"]["value"],
            mix["not_in_labour_force"]["value"],
        ],
        dtype=np.float64,
    )
    return shares / shares.sum()


def sector_shares() -> np.ndarray:
    """Shares of SECTORS among the employed: CBS 85316NED/85272NED sections (2022), known
    sector only, with C and G split as in _SECTOR_SPEC."""
    sections = marginals_data()["sectors"]["sections"]
    shares = np.array(
        [sections[sbi]["value"] * fraction for _, _, sbi, fraction in _SECTOR_SPEC],
        dtype=np.float64,
    )
    return shares / shares.sum()


def employee_size_class_shares() -> np.ndarray:
    """Shares of SIZE_CLASSES among *employees*. CBS 85316NED (2025) counts all employed by firm
    size; as in population_nl.md (mkb_share_of_employees_est) all 1,586k self-employed are taken
    out of the 1-9 class. The result puts 57 % of employees at mkb firms, as the md derives."""
    mkb = marginals_data()["mkb_share"]
    self_employed = float(_value("labour_market_position", "annual_2023", "self_employed_total"))
    counts = np.array(
        [
            mkb["firm_1_9"]["value"] - self_employed,
            mkb["firm_10_49"]["value"],
            mkb["firm_50_249"]["value"],
            mkb["firm_250_plus"]["value"],
        ],
        dtype=np.float64,
    )
    return counts / counts.sum()


def zzp_share_of_self_employed() -> float:
    node = marginals_data()["labour_market_position"]["annual_2023"]
    return float(node["zzp"]["value"]) / float(node["self_employed_total"]["value"])


def basic_skills_targets() -> tuple[float, float]:
    """(share of all persons, share of the working) with low literacy: PIAAC 2023 level 1 or
    below for 16-65 (15.9 %, high confidence) and the derived share among workers (11 %, low)."""
    lit = marginals_data()["low_literacy"]
    return (
        float(lit["piaac2023_lowest_literacy_16_65"]["value"]),
        float(lit["share_of_workers_low_literate_est"]["value"]),
    )


def _working_rate_by_education(edu_shares: np.ndarray) -> np.ndarray:
    """P(working | education) by Bayes: the education mix of the employed (CBS 85266NED,
    Q1 2024) times the working share of the mix, over the education mix of the population."""
    employed_mix = np.array(
        _value("education", "employed_15_75_2024q1_detailed", "shares_low_middle_high"),
        dtype=np.float64,
    )
    employed_mix /= employed_mix.sum()
    working = labour_position_shares()[list(WORKING_POSITIONS)].sum()
    return np.minimum(employed_mix * working / edu_shares, 0.98)


# --- Regions and gemeenten --------------------------------------------------------------------


@dataclass(frozen=True)
class Geography:
    region_codes: tuple[str, ...]
    gemeente_codes: tuple[str, ...]
    gemeente_region: np.ndarray  # int16: region index per gemeente
    gemeente_province: np.ndarray  # int8: index into provinces per gemeente
    provinces: tuple[str, ...]
    gemeente_weight: np.ndarray  # float64, sums to 1


@lru_cache(maxsize=1)
def geography() -> Geography:
    """Gemeenten with a population weight.

    Population per arbeidsmarktregio is not in the data (population_nl.json ``regions.status``),
    so each gemeente is weighed as follows: the four largest gemeenten get their own 15-75
    population (G4_POPULATION_15_75); the two regions with a known 15-75 population (AM12,
    AM13, CBS 85525NED 2024) spread the rest of it evenly over their other gemeenten; every
    other gemeente gets an even part of what is left of its province's 15-75 population
    (CBS 85969NED 2023). So province totals are right, and within a province every gemeente
    without a figure weighs the same.
    """
    rows = gemeente_rows()
    region_codes = tuple(sorted({r.region_code for r in rows}))
    gemeente_codes = tuple(r.gemeente_code for r in rows)
    province_data = marginals_data()["regions"]["province_2023"]
    provinces = tuple(province_data)
    province_of = {
        r.gemeente_code: GEMEENTE_PROVINCE_EXCEPTIONS.get(
            r.gemeente_code, REGION_PROVINCE[r.region_code]
        )
        for r in rows
    }
    region_of = {r.gemeente_code: r.region_code for r in rows}

    weight: dict[str, float] = {code: float(v) for code, v in G4_POPULATION_15_75.items()}
    for region_code, leaf in marginals_data()["regions"]["arbeidsmarktregio_2024"].items():
        members = [g for g in gemeente_codes if region_of[g] == region_code]
        total = leaf["population_15_75"]["value"] / 1000
        rest = total - sum(weight.get(g, 0.0) for g in members)
        free = [g for g in members if g not in weight]
        for g in free:
            weight[g] = rest / len(free)
    for province in provinces:
        members = [g for g in gemeente_codes if province_of[g] == province]
        total = float(province_data[province]["population_15_75"]["value"])
        rest = total - sum(weight.get(g, 0.0) for g in members)
        free = [g for g in members if g not in weight]
        if rest <= 0 or not free:
            raise ValueError(f"population anchors exceed the total of {province}")
        for g in free:
            weight[g] = rest / len(free)

    w = np.array([weight[g] for g in gemeente_codes], dtype=np.float64)
    return Geography(
        region_codes=region_codes,
        gemeente_codes=gemeente_codes,
        gemeente_region=np.array(
            [region_codes.index(region_of[g]) for g in gemeente_codes], dtype=np.int16
        ),
        gemeente_province=np.array(
            [provinces.index(province_of[g]) for g in gemeente_codes], dtype=np.int8
        ),
        provinces=provinces,
        gemeente_weight=w / w.sum(),
    )


def _province_rates(geo: Geography) -> np.ndarray:
    """(province, [working, job seeker, outside the labour force]) as shares of the 15-75
    population, CBS 85969NED 2023. Used relative to the national figure only."""
    data = marginals_data()["regions"]["province_2023"]
    rates = np.array(
        [
            [
                data[p]["employed"]["value"],
                data[p]["unemployed"]["value"],
                data[p]["not_in_labour_force"]["value"],
            ]
            for p in geo.provinces
        ],
        dtype=np.float64,
    )
    return rates / rates.sum(axis=1, keepdims=True)


# --- Iterative proportional fitting ----------------------------------------------------------


def _rake(
    seed: np.ndarray,
    constraints: Sequence[tuple[tuple[int, ...], np.ndarray, np.ndarray | None]],
    *,
    iterations: int = 500,
    tolerance: float = 1e-12,
) -> np.ndarray:
    """Scale ``seed`` until every constraint holds; the pattern of ``seed`` is kept where the
    constraints leave room (iterative proportional fitting, Deming & Stephan 1940).

    A constraint is (axes kept, target, grouping): the table summed over all other axes must
    equal ``target``. ``grouping`` (optional) maps the categories of the last kept axis onto
    coarser groups, so that e.g. "working" (three positions) can be a target.
    """
    table = seed.astype(np.float64).copy()
    for _ in range(iterations):
        worst = 0.0
        for axes, target, grouping in constraints:
            drop = tuple(i for i in range(table.ndim) if i not in axes)
            current = table.sum(axis=drop)
            if grouping is not None:
                groups = np.zeros((*current.shape[:-1], int(grouping.max()) + 1))
                for k, g in enumerate(grouping):
                    groups[..., g] += current[..., k]
                factor_g = np.divide(target, groups, out=np.ones_like(groups), where=groups > 0)
                factor = factor_g[..., grouping]
                worst = max(worst, float(np.abs(groups - target).max()))
            else:
                factor = np.divide(target, current, out=np.ones_like(current), where=current > 0)
                worst = max(worst, float(np.abs(current - target).max()))
            shape = [1] * table.ndim
            for i, ax in enumerate(axes):
                shape[ax] = factor.shape[i]
            table *= factor.reshape(shape)
        if worst < tolerance:
            break
    return table


# --- Dates ----------------------------------------------------------------------------------


def _minus(on: dt.date, *, years: int = 0, months: int = 0) -> dt.date:
    """``on`` minus whole years and months; the 29th-31st clamp to the month's last day."""
    total = on.year * 12 + (on.month - 1) - years * 12 - months
    year, month = divmod(total, 12)
    month += 1
    for day in (on.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(on.day, day))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


_EPOCH = dt.date(1970, 1, 1)


def _days(d: dt.date) -> int:
    return (d - _EPOCH).days


@dataclass(frozen=True)
class _AgeFrame:
    """Birth-date windows of the age bands on a peildatum."""

    earliest: np.ndarray  # int64 days since 1970, per band (oldest birth date, inclusive)
    latest: np.ndarray  # int64 days, per band (youngest birth date, inclusive)
    shares: np.ndarray  # float64 per band
    min_age: int
    max_age: int
    thresholds: np.ndarray  # int64 days: latest birth date to be k years old, k = 0..max_age
    age_weight: np.ndarray  # (band, age - min_age): share of the band's days at each age
    age_share: np.ndarray  # float64 per age - min_age: share of the population
    age_days: np.ndarray  # int32 per age - min_age: birth days giving that age
    age_last_day: np.ndarray  # int64 per age - min_age: youngest birth date giving that age
    band_of_age: np.ndarray  # int8 per age - min_age


def _age_frame(peildatum: dt.date) -> _AgeFrame:
    bands = age_bands()
    aow = aow_age_months(peildatum)
    earliest, latest = [], []
    for lo, hi, _ in bands:
        latest.append(_days(_minus(peildatum, years=lo)))
        if hi is None:  # up to (not including) the AOW age
            earliest.append(_days(_minus(peildatum, months=aow)) + 1)
        else:
            earliest.append(_days(_minus(peildatum, years=hi + 1)) + 1)
    max_age = (aow - 1) // 12
    min_age = bands[0][0]
    thresholds = np.array(
        [_days(_minus(peildatum, years=k)) for k in range(max_age + 2)], dtype=np.int64
    )
    n_ages = max_age - min_age + 1
    days = np.zeros((len(bands), n_ages), dtype=np.float64)
    last_day = np.zeros(n_ages, dtype=np.int64)
    band_of_age = np.zeros(n_ages, dtype=np.int8)
    for b in range(len(bands)):
        for k in range(min_age, max_age + 1):
            # birth dates giving age k: (thresholds[k+1], thresholds[k]]
            lo_day = max(int(thresholds[k + 1]) + 1, earliest[b])
            hi_day = min(int(thresholds[k]), latest[b])
            if hi_day >= lo_day:
                days[b, k - min_age] = hi_day - lo_day + 1
                last_day[k - min_age] = hi_day
                band_of_age[k - min_age] = b
    weight = days / days.sum(axis=1, keepdims=True)
    shares = np.array([b[2] for b in bands], dtype=np.float64)
    return _AgeFrame(
        earliest=np.array(earliest, dtype=np.int64),
        latest=np.array(latest, dtype=np.int64),
        shares=shares,
        min_age=min_age,
        max_age=max_age,
        thresholds=thresholds,
        age_weight=weight,
        age_share=shares @ weight,
        age_days=days.sum(axis=0).astype(np.int32),
        age_last_day=last_day,
        band_of_age=band_of_age,
    )


# --- Conditional tables -----------------------------------------------------------------------


def _education_table(frame: _AgeFrame, geo: Geography) -> np.ndarray:
    """P(low/middle/high | single age, region group) with region groups (AM12, AM13, rest).

    Raked so that (a) each age band keeps its sourced mix and (b) AM12 and AM13 lean the way
    their CBS 85525NED 2024 rows lean against the 15-75 national mix (the only regional
    education figures in the data). Inside 18-24 the high share rises with age
    (HIGH_EDUCATION_WEIGHT_18_24) and the band total stays the sourced one.
    """
    by_band = education_by_band()
    n_bands = by_band.shape[0]
    data = marginals_data()
    national = data["education"]["population_15_75_2022"]
    nat = np.array([national[k]["value"] for k in ("low", "middle", "high")], dtype=np.float64)
    nat /= nat.sum()
    region_share = _region_shares(geo)
    anchored = list(data["regions"]["arbeidsmarktregio_2024"])
    group_weight = np.array(
        [region_share[geo.region_codes.index(code)] for code in anchored], dtype=np.float64
    )
    group_weight = np.append(group_weight, 1 - group_weight.sum())
    edu_overall = frame.shares @ by_band
    group_targets = []
    for code in anchored:
        pct = np.array(
            data["regions"]["arbeidsmarktregio_2024"][code]["education_5cat_pct"]["value"]
        )
        regional = np.array([pct[0] + pct[1], pct[2], pct[3] + pct[4]], dtype=np.float64)
        regional /= regional.sum()
        tilted = edu_overall * regional / nat
        group_targets.append(tilted / tilted.sum())
    rest = edu_overall - sum(w * t for w, t in zip(group_weight[:-1], group_targets, strict=True))
    group_targets.append(rest / group_weight[-1])
    target_group = group_weight[:, None] * np.array(group_targets)  # (group, edu)
    target_band = frame.shares[:, None] * by_band  # (band, edu)
    cell = frame.shares[:, None] * group_weight[None, :]  # (band, group)
    seed = cell[:, :, None] * by_band[:, None, :]
    joint = _rake(
        seed,
        [((0, 1), cell, None), ((0, 2), target_band, None), ((1, 2), target_group, None)],
    )
    per_band = joint / joint.sum(axis=2, keepdims=True)  # (band, group, edu)

    n_ages = frame.max_age - frame.min_age + 1
    table = np.zeros((n_ages, per_band.shape[1], 3), dtype=np.float64)
    band_of_age = np.argmax(frame.age_weight > 0, axis=0)  # first band holding the age
    for a in range(n_ages):
        table[a] = per_band[band_of_age[a]]
    # The rising high share inside the youngest band, keeping the band's average.
    young = np.zeros(n_ages, dtype=np.float64)
    grade = np.array(HIGH_EDUCATION_WEIGHT_18_24, dtype=np.float64)
    span = min(len(grade), n_ages)
    young[:span] = grade[:span]
    w0 = frame.age_weight[0]
    mean = float((w0 * young).sum())
    for a in range(n_ages):
        if w0[a] > 0 and mean > 0:
            for g in range(table.shape[1]):
                high = per_band[0, g, 2] * young[a] / mean
                rest_share = per_band[0, g, :2] / per_band[0, g, :2].sum()
                table[a, g] = [*(rest_share * (1 - high)), high]
    assert n_bands == frame.shares.shape[0]
    return table


def _region_shares(geo: Geography) -> np.ndarray:
    shares = np.zeros(len(geo.region_codes), dtype=np.float64)
    np.add.at(shares, geo.gemeente_region, geo.gemeente_weight)
    return shares


def _position_table(frame: _AgeFrame, geo: Geography, edu_table: np.ndarray) -> np.ndarray:
    """P(position | age band, education, province), raked so that:

    - the positions add up to the derived 18-AOW mix of population_nl.json;
    - the working share per education level is the sourced one (_working_rate_by_education);
    - each province's working / job-seeking / outside split leans as in CBS 85969NED 2023,
      relative to the national figure;
    - and otherwise follows the assumed odds by age band and education.
    """
    n_bands = frame.shares.shape[0]
    # P(band, education): the education table averaged over the ages of each band, with the
    # region groups weighed by their population.
    region_share = _region_shares(geo)
    anchored = list(marginals_data()["regions"]["arbeidsmarktregio_2024"])
    gw = np.array([region_share[geo.region_codes.index(c)] for c in anchored])
    gw = np.append(gw, 1 - gw.sum())
    edu_by_age = (edu_table * gw[None, :, None]).sum(axis=1)  # (age, edu)
    p_be = frame.shares[:, None] * (frame.age_weight @ edu_by_age)  # (band, edu)
    province_share = np.zeros(len(geo.provinces), dtype=np.float64)
    np.add.at(province_share, geo.gemeente_province, geo.gemeente_weight)
    cell = p_be[:, :, None] * province_share[None, None, :]  # (band, edu, province)

    odds = (
        np.array(POSITION_ODDS_BY_AGE_BAND, dtype=np.float64)[:, None, None, :]
        * np.array(POSITION_ODDS_BY_EDUCATION, dtype=np.float64)[None, :, None, :]
    )
    seed = cell[..., None] * odds / odds.sum(axis=-1, keepdims=True)

    positions = labour_position_shares()
    edu_shares = p_be.sum(axis=0)
    work_rate = _working_rate_by_education(edu_shares)
    # By Bayes these already average to the working share; the rescale only matters if a rate
    # was capped.
    work_rate *= positions[list(WORKING_POSITIONS)].sum() / (edu_shares @ work_rate)
    work_target = np.stack([edu_shares * work_rate, edu_shares * (1 - work_rate)], axis=1)

    rates = _province_rates(geo)  # (province, 3)
    national = province_share @ rates
    three = np.array(
        [
            positions[list(WORKING_POSITIONS)].sum(),
            positions[JOB_SEEKER],
            positions[ON_BENEFIT],
        ]
    )
    tilted = three[None, :] * rates / national[None, :]
    tilted /= tilted.sum(axis=1, keepdims=True)
    # Keep the national totals exact after the tilt.
    for _ in range(50):
        tilted *= three / (province_share @ tilted)
        tilted /= tilted.sum(axis=1, keepdims=True)
    province_target = province_share[:, None] * tilted

    work_group = np.array([0, 0, 0, 1, 1])
    three_group = np.array([0, 0, 0, 1, 2])
    joint = _rake(
        seed,
        [
            ((0, 1, 2), cell, None),
            ((3,), positions, None),
            ((1, 3), work_target, work_group),
            ((2, 3), province_target, three_group),
        ],
    )
    assert joint.shape[0] == n_bands
    return joint / joint.sum(axis=-1, keepdims=True)


# --- Vectorised drawing helpers ---------------------------------------------------------------


def _draw_categorical(
    rng: np.random.Generator, cum: np.ndarray, cell: np.ndarray | None, n: int
) -> np.ndarray:
    """Draw one category per person from cumulative probabilities.

    ``cum`` is (cells, k-1) float32 (the last category takes the rest); ``cell`` picks the row
    per person (None: one row for all). Returns int8 codes.
    """
    u = rng.random(n, dtype=np.float32)
    out = np.zeros(n, dtype=np.int8)
    if cell is None:
        for threshold in cum:  # a handful of categories: comparisons beat searchsorted
            out += u >= threshold
        return out
    for column in np.ascontiguousarray(cum.T):
        out += u >= column[cell]
    return out


def _draw_fixed(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """Draw ``n`` categories (int8 up to 127 categories, else int16) from one distribution.

    Exact inverse-CDF sampling made fast with a lookup table: the uniform number's grid cell
    gives the category at the cell's start, and one comparison moves it up when a boundary
    lies inside the cell. (numpy's searchsorted over random keys is about ten times slower.)
    """
    cum = np.cumsum(p / p.sum()).astype(np.float32)
    cum[-1] = np.inf
    dtype = np.int8 if len(p) <= 127 else np.int16
    grid = 1 << 16
    gaps = np.diff(np.concatenate([[0.0], cum[:-1].astype(np.float64)]))
    u = rng.random(n, dtype=np.float32)
    if len(p) > 1 and gaps.size and gaps.min() <= 2.0 / grid:
        # A category too small for the table: plain comparisons (rare; fixed small tables).
        out: np.ndarray = np.zeros(n, dtype=dtype)
        for c in cum[:-1]:
            out += u >= c
        return out
    edges = (np.arange(grid, dtype=np.float64) / grid).astype(np.float32)
    lut = np.searchsorted(cum[:-1], edges, side="right").astype(dtype)
    found: np.ndarray = lut[(u * grid).astype(np.int32)]
    found += u >= cum[found]
    return found


def _cover_regions(
    rng: np.random.Generator, geo: Geography, gemeente_index: np.ndarray, region_index: np.ndarray
) -> None:
    """Move one person into each region nobody was drawn in (when ``n`` allows), taken from the
    most populated region: the 35 regions are always all present. In place."""
    n_regions = len(geo.region_codes)
    if len(gemeente_index) < n_regions:
        return
    counts = np.bincount(region_index, minlength=n_regions)
    for region in np.flatnonzero(counts == 0):  # loops over empty regions, not persons
        donor_region = int(np.argmax(counts))
        candidates = np.flatnonzero(region_index == donor_region)
        person = int(candidates[rng.integers(len(candidates))])
        members = np.flatnonzero(geo.gemeente_region == region)
        gemeente = int(members[np.argmax(geo.gemeente_weight[members])])
        gemeente_index[person] = gemeente
        region_index[person] = region
        counts[donor_region] -= 1
        counts[region] += 1


def _cumulative(p: np.ndarray) -> np.ndarray:
    """Cumulative thresholds (last axis) without the final 1.0, as float32."""
    cum = np.cumsum(p / p.sum(axis=-1, keepdims=True), axis=-1)[..., :-1]
    return cum.astype(np.float32)


# --- The generator ----------------------------------------------------------------------------


def generate(n: int, *, seed: int = 20261123, peildatum: dt.date) -> Population:
    """Draw ``n`` persons aged 18 up to the AOW age on ``peildatum``.

    Deterministic: the same ``n``, ``seed`` and ``peildatum`` give identical arrays. Every
    attribute has its own random stream (numpy SeedSequence.spawn), so changing how one
    attribute is drawn does not reshuffle the others.
    """
    return generate_with_education(n, seed=seed, peildatum=peildatum)[0]


def generate_with_education(
    n: int, *, seed: int = 20261123, peildatum: dt.date
) -> tuple[Population, np.ndarray]:
    """As :func:`generate`, plus the CBS education bucket (int8: 0 low, 1 middle, 2 high) each
    person was drawn in. ``level_rank`` alone cannot give it: NLQF 2 holds both a vmbo-g/t
    diploma (CBS: low) and mbo-2 (CBS: middle). Use it to report on "low-educated" people in
    the CBS sense (population_nl.json ``education.definition``)."""
    if n < 0:
        raise ValueError("n must be zero or more")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(10)]
    geo = geography()
    frame = _age_frame(peildatum)

    # Where people live: gemeente by its population weight; then make sure every region has
    # someone (only ever needed for a tiny n).
    gemeente_index = _draw_fixed(streams[0], geo.gemeente_weight, n).astype(np.int16)
    region_index = geo.gemeente_region[gemeente_index]
    _cover_regions(streams[0], geo, gemeente_index, region_index)
    province = geo.gemeente_province[gemeente_index]

    # Age: single year by the band shares spread over the days of each band, then a birth date
    # uniform over that year's window, so birth dates are uniform within each band.
    age_idx = _draw_fixed(streams[1], frame.age_share, n)
    u = streams[1].random(n, dtype=np.float32)
    days = frame.age_days.astype(np.float32)  # float32 keeps the product float32 (no copy)
    offset = (u * days[age_idx]).astype(np.int32)
    np.minimum(offset, (frame.age_days - 1)[age_idx], out=offset)
    birth_days = frame.age_last_day[age_idx] - offset
    del u, offset
    age = (age_idx + frame.min_age).astype(np.int16)
    band = frame.band_of_age[age_idx]
    # A view, not a copy: int64 days since 1970 are exactly datetime64[D].
    birth_date = birth_days.view("datetime64[D]")

    # Education bucket by single age and region group, then the NLQF level within the bucket.
    edu_table = _education_table(frame, geo)
    anchored = list(marginals_data()["regions"]["arbeidsmarktregio_2024"])
    group_of_region = np.full(len(geo.region_codes), len(anchored), dtype=np.int8)
    for g, code in enumerate(anchored):
        group_of_region[geo.region_codes.index(code)] = g
    n_groups = len(anchored) + 1
    edu_cell = age_idx.astype(np.int32) * n_groups + group_of_region[region_index]
    education = _draw_categorical(streams[2], _cumulative(edu_table.reshape(-1, 3)), edu_cell, n)
    del edu_cell
    # Within a bucket at most four levels are possible: draw the position among them, then
    # look the level up.
    split = level_split()
    width = int((split > 0).sum(axis=1).max())
    rank_of = np.zeros((3, width), dtype=np.int8)
    local_p = np.zeros((3, width), dtype=np.float64)
    for e in range(3):
        ranks = np.flatnonzero(split[e] > 0)
        rank_of[e, : len(ranks)] = ranks
        rank_of[e, len(ranks) :] = ranks[-1]
        local_p[e, : len(ranks)] = split[e, ranks]
    local = _draw_categorical(streams[3], _cumulative(local_p), education, n)
    level_rank = rank_of[education, local]
    del local
    # Nobody holds a degree before the age it takes to earn one.
    level_rank[(level_rank == 9) & (age < MIN_AGE_DOCTOR)] = 8
    level_rank[(level_rank == 8) & (age < MIN_AGE_MASTER)] = 7
    level_rank[(level_rank == 7) & (age < MIN_AGE_BACHELOR)] = 6

    # Labour-market position by age band, education and province.
    pos_table = _position_table(frame, geo, edu_table)  # (band, edu, province, position)
    n_prov = len(geo.provinces)
    pos_cell = (band.astype(np.int32) * 3 + education) * n_prov + province
    labour_position = _draw_categorical(
        streams[4], _cumulative(pos_table.reshape(-1, len(LABOUR_POSITIONS))), pos_cell, n
    )
    del pos_cell, band
    working = labour_position <= SELF_EMPLOYED

    # Sector of the working (independent of the rest: the data has no cross-table).
    sector = _draw_fixed(streams[5], sector_shares(), n)
    sector[~working] = -1

    # Employer size: employees by the firm-size classes, the self-employed alone (zzp) or with
    # a few working persons, everybody else 0.
    size_class = _draw_categorical(streams[6], _cumulative(employee_size_class_shares()), None, n)
    lo = np.array([c[0] for c in SIZE_CLASSES], dtype=np.float32)
    hi = np.array([c[1] for c in SIZE_CLASSES], dtype=np.float32)
    u = streams[6].random(n, dtype=np.float32)
    # Log-uniform inside a class: as many firms of 10-20 as of 20-40 working persons.
    log_lo, log_hi = np.log(lo), np.log(hi + 1)
    employer_size = np.exp(log_lo[size_class] + u * (log_hi - log_lo)[size_class]).astype(np.int32)
    np.minimum(employer_size, hi.astype(np.int32)[size_class], out=employer_size)
    self_employed = labour_position == SELF_EMPLOYED
    solo = u < zzp_share_of_self_employed()  # reuse of u is fine: the size is overwritten
    employer_size[self_employed & solo] = 1
    with_staff = self_employed & ~solo
    employer_size[with_staff] = np.exp(
        np.log(2) + streams[6].random(int(with_staff.sum()), dtype=np.float32) * np.log(50 / 2)
    ).astype(np.int32)
    employer_size[~working] = 0
    del u, size_class, solo, with_staff, self_employed

    # National insurance over the last 12 months.
    months_insured = np.full(n, 12, dtype=np.int8)
    u = streams[7].random(n, dtype=np.float32)
    partial = u >= FULLY_INSURED_SHARE
    months_insured[partial] = (
        ((u[partial] - FULLY_INSURED_SHARE) / (1 - FULLY_INSURED_SHARE) * 12)
        .astype(np.int8)
        .clip(0, 11)
    )
    del u, partial

    # Student finance by age group and position.
    rate = np.zeros((frame.max_age + 2, len(LABOUR_POSITIONS)), dtype=np.float32)
    for lo_age, hi_age, by_position in STUDENT_FINANCE_BY_AGE:
        rate[lo_age : hi_age + 1] = by_position
    student_finance = streams[8].random(n, dtype=np.float32) < rate[age, labour_position]

    # Low literacy: the PIAAC level overall and the derived level among the working, spread
    # over education by an assumed relative risk, using this population's own mix so that the
    # two sourced levels come out exactly.
    overall, among_working = basic_skills_targets()
    rr = np.array(BASIC_SKILLS_RR_BY_EDUCATION, dtype=np.float64)
    # One pass counts education x working: index = education + 3 * working.
    cell = education + 3 * working.view(np.int8)
    mix = np.bincount(cell, minlength=6).astype(np.float64)
    edu_others, edu_working = mix[:3], mix[3:]
    share_working = edu_working.sum() / max(1.0, mix.sum())
    among_others = (overall - among_working * share_working) / max(1e-9, 1 - share_working)
    p_working = among_working * rr / max(1e-9, (edu_working @ rr) / max(1.0, edu_working.sum()))
    p_others = among_others * rr / max(1e-9, (edu_others @ rr) / max(1.0, edu_others.sum()))
    p_bs = np.concatenate([p_others, p_working]).clip(0, 0.95).astype(np.float32)
    basic_skills_need = streams[9].random(n, dtype=np.float32) < p_bs[cell]
    del cell

    population = Population(
        peildatum=peildatum,
        age=age,
        birth_date=birth_date,
        level_rank=level_rank,
        labour_position=labour_position,
        region_index=region_index.astype(np.int16, copy=False),
        gemeente_index=gemeente_index,
        region_codes=geo.region_codes,
        gemeente_codes=geo.gemeente_codes,
        sector=sector,
        employer_size=employer_size,
        months_insured=months_insured,
        student_finance=student_finance,
        basic_skills_need=basic_skills_need,
    )
    return population, education


def education_bucket(level_rank: np.ndarray) -> np.ndarray:
    """CBS low (0) / middle (1) / high (2) from a level rank. NLQF 2 is ambiguous (vmbo-g/t is
    low, mbo-2 middle); it counts as middle here, as an mbo-2 diploma is the startkwalificatie.
    Use the generator's own buckets when the exact CBS split matters."""
    return np.select([level_rank <= 1, level_rank <= 5], [0, 1], 2).astype(np.int8)


def expected_shares(peildatum: dt.date) -> dict[str, dict[str, float]]:
    """The shares the generator aims at (for tests and docs/demo-data.md)."""
    frame = _age_frame(peildatum)
    edu = frame.shares @ education_by_band()
    return {
        "age_band": {
            f"{lo}-{hi if hi is not None else 'AOW'}": float(s) for lo, hi, s in age_bands()
        },
        "education": dict(zip(("low", "middle", "high"), map(float, edu), strict=True)),
        "labour_position": dict(
            zip(LABOUR_POSITIONS, map(float, labour_position_shares()), strict=True)
        ),
        "sector": dict(zip(SECTORS, map(float, sector_shares()), strict=True)),
        "basic_skills_need": {"all": basic_skills_targets()[0]},
    }
