# SPDX-License-Identifier: EUPL-1.2
"""Raking, dates and the conditional tables the generator draws from, vectorised."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from llo.people.population.assumptions import (
    HIGH_EDUCATION_WEIGHT_18_24,
    POSITION_ODDS_BY_AGE_BAND,
    POSITION_ODDS_BY_EDUCATION,
)
from llo.people.population.codes import JOB_SEEKER, ON_BENEFIT, WORKING_POSITIONS
from llo.people.population.marginals import (
    Geography,
    _province_rates,
    _working_rate_by_education,
    age_bands,
    aow_age_months,
    education_by_band,
    labour_position_shares,
    marginals_data,
)

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
