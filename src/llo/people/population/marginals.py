# SPDX-License-Identifier: EUPL-1.2
"""The sourced marginals (data/population_nl.json) and the regions and gemeenten."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from llo.people.population.assumptions import (
    AD_SHARE_OF_BACHELOR,
    DOCTOR_SHARE_OF_MASTER_DOCTOR,
    G4_POPULATION_15_75,
    GEMEENTE_PROVINCE_EXCEPTIONS,
    HAVO_SHARE_OF_HAVO_VWO,
    MBO2_SHARE_OF_MBO23,
    REGION_PROVINCE,
)
from llo.people.population.codes import _SECTOR_SPEC, WORKING_POSITIONS
from llo.regions.reference import gemeente_rows

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
