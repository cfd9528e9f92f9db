# SPDX-License-Identifier: EUPL-1.2
"""The generator: all persons drawn at once, and the shares it is expected to meet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from llo.people.population.assumptions import (
    BASIC_SKILLS_RR_BY_EDUCATION,
    FULLY_INSURED_SHARE,
    MIN_AGE_BACHELOR,
    MIN_AGE_DOCTOR,
    MIN_AGE_MASTER,
    STUDENT_FINANCE_BY_AGE,
)
from llo.people.population.codes import LABOUR_POSITIONS, SECTORS, SELF_EMPLOYED, SIZE_CLASSES
from llo.people.population.marginals import (
    age_bands,
    basic_skills_targets,
    education_by_band,
    employee_size_class_shares,
    geography,
    labour_position_shares,
    level_split,
    marginals_data,
    sector_shares,
    zzp_share_of_self_employed,
)
from llo.people.population.tables import (
    _age_frame,
    _cover_regions,
    _cumulative,
    _draw_categorical,
    _draw_fixed,
    _education_table,
    _position_table,
)

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
