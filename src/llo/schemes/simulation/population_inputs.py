# SPDX-License-Identifier: EUPL-1.2
"""The synthetic population as engine inputs, each person with a *planned training*.

``llo.people.population`` draws persons (age, education, labour-market position, region,
sector, employer size, insurance, student finance, basic skills). A scheme decides about a
person *and a training*, so for a what-if every person also gets one planned training, drawn
here from the distribution below. Everything is drawn for all persons at once (no Python loop
per person), deterministically from the seed, and independently of the rules: the baseline and
a reform see exactly the same persons and trainings, so any difference comes from the rules.

Every number below is an ASSUMPTION (there are no statistics of trainings people *plan*); the
few that lean on a source say so. docs/what-if.md lists them and how to change them; the
reports repeat them (:func:`assumptions`).
"""

from __future__ import annotations

import datetime as dt
import functools
import statistics
from dataclasses import dataclass
from typing import Any

import numpy as np

from llo.core.identifiers import Level
from llo.people.population import LABOUR_POSITIONS, SECTORS, Population, generate_with_education
from llo.schemes import enums
from llo.schemes.facts import INSURED_MONTHS_KEPT, NEVER_EXCLUDED, OfferFacts, PersonFacts

#: The planned training draws from its own random streams, children of the population's seed
#: under this spawn key: the population generator uses the seed's first children, so the two
#: never share a stream, and changing the training draw never reshuffles the persons.
TRAINING_STREAM = 7301

OFFER_TYPES: tuple[str, ...] = enums.names(enums.OfferType)
PURPOSES: tuple[str, ...] = enums.names(enums.Purpose)
LEVELS: tuple[Level, ...] = tuple(Level)

# --- Assumptions -------------------------------------------------------------------------------

#: Kinds of planned training: each has its own price and level assumptions below. They are
#: finer than the register's offer types (``llo.core.vocabulary.OfferType``): a module that
#: leads to an mbo-certificate is priced differently from another part of a programme, and
#: "other" is training that is none of the others. KIND_OFFER_TYPE says which offer type
#: each kind is, so the engine only ever sees the register's types (issue 13).
KINDS: tuple[str, ...] = (
    "programme",
    "module",
    "course",
    "mbo_certificate",
    "microcredential",
    "evc",
    "basic_skills",
    "other",
)
KIND_OFFER_TYPE: dict[str, str] = {
    "programme": "programme",
    "module": "module",
    "course": "course",
    "mbo_certificate": "module",
    "microcredential": "microcredential",
    "evc": "evc",
    "basic_skills": "basic_skills",
    "other": "course",
}
#: Share of each kind among planned trainings (KINDS order). Mostly short courses, as in the
#: STAP register (the STAP average grant was about EUR 800: population_nl.md section 7).
TYPE_SHARE = (0.08, 0.10, 0.42, 0.10, 0.12, 0.05, 0.03, 0.10)
#: Persons who need basic skills (PIAAC level 1 or below) plan a basic-skills course first this
#: often (seed 003: basic skills come first); the others draw from TYPE_SHARE.
BASIC_SKILLS_FIRST = 0.35
#: Course fee per kind of offer: median in euros and the spread (sigma of a log-normal). A
#: log-normal has the long right tail of real price lists; fees are whole euros, at most
#: MAX_FEE_EUROS.
FEE_MEDIAN_EUROS = (3000, 900, 650, 1200, 450, 1150, 250, 500)
FEE_SIGMA = (0.6, 0.5, 0.7, 0.5, 0.6, 0.25, 0.6, 0.8)
MAX_FEE_EUROS = 25_000
#: Share of basic-skills courses that cost the learner nothing (a gemeente pays the provider,
#: e.g. Taal voor het Leven); such a training has no costs a scheme can pay.
FREE_BASIC_SKILLS = 0.30
#: Exam fee: share of offers with one, and its range in whole euros, per kind of offer.
EXAM_SHARE = (0.50, 0.30, 0.15, 0.80, 0.20, 0.00, 0.05, 0.10)
EXAM_EUROS = ((100, 400), (50, 250), (50, 200), (100, 300), (50, 150), (0, 0), (25, 75), (50, 200))
#: Materials charged by the provider: share of offers and range in euros (EVC has none).
MATERIALS_SHARE = (0.25, 0.25, 0.25, 0.25, 0.25, 0.00, 0.25, 0.25)
MATERIALS_EUROS = (15, 200)
#: Share of offers priced excluding 21 % VAT (private providers outside the education
#: exemption, Wet OB art. 11(1)(o)); the others are VAT exempt and priced as such.
EXCL_VAT_SHARE = (0.10, 0.20, 0.40, 0.10, 0.35, 0.30, 0.05, 0.40)
VAT_PERCENT = 21
#: Level of the training relative to the person's highest level, in steps of the NLQF scale
#: without 4+ (entry, 1, 2, 3, 4, 5, 6, 7, 8): mostly the own level or one above.
LEVEL_STEPS = (-2, -1, 0, 1, 2)
LEVEL_STEP_SHARE = (0.05, 0.15, 0.45, 0.30, 0.05)
#: Lowest and highest step per kind of offer (an mbo-certificate is mbo 1-4, EVC 2-6, ...).
#: Basic-skills courses are at entry level (70 %) or level 1 (30 %).
LEVEL_RANGE = ((1, 7), (1, 7), (0, 7), (1, 4), (2, 7), (2, 6), (0, 1), (0, 7))
BASIC_SKILLS_ENTRY_SHARE = 0.70
#: Purpose (work, grow, switch) by labour-market position (LABOUR_POSITIONS order). Working
#: people: STAP goals "upskill in current work 58 %, reskill 42 %" (UWV; population_nl.md 7).
PURPOSE_SHARE = (
    (0.00, 0.58, 0.42),  # employed
    (0.00, 0.58, 0.42),  # flex
    (0.00, 0.58, 0.42),  # self_employed
    (0.70, 0.00, 0.30),  # job_seeker
    (0.60, 0.05, 0.35),  # on_benefit (outside the labour force)
)
#: Days from the simulation date to the start of the training: this share starts within four
#: weeks (7 to 27 days), the rest uniformly 28 to 120 days later (STAP: a training starts at
#: most 3 months after the end of a two-month application window).
SOON_SHARE = 0.10
SOON_DAYS, LATER_DAYS = (7, 27), (28, 120)
#: Share of planned trainings in the register, and of providers with a valid quality mark.
IN_REGISTER_SHARE = 0.92
QUALITY_MARK_SHARE = 0.96
#: Facts of the STAP amendments of 2022-2023 (schemes/stap/parameters/in_force): the share of
#: trainings whose provider promises gifts or perks (art. 4(3)), that are priced at market rate
#: and aimed at the labour market (art. 5(1)), that have a set programme with a teacher and an
#: assessment, and that are given abroad (art. 4(4)). ASSUMPTIONS: the Toetsingskamer removed
#: a small part of the register for such reasons; no shares were published.
GIFTS_OR_PERKS_SHARE = 0.02
MARKET_RATE_SHARE = 0.95
LABOUR_MARKET_SHARE = 0.93
PROGRAMME_TEACHER_ASSESSMENT_SHARE = 0.90
GIVEN_ABROAD_SHARE = 0.01
#: Share of each kind (KINDS order) that is OCW-recognised education: an mbo programme or part
#: of a recognised institution, or accredited higher education (Stcrt. 2023, 20707).
OCW_RECOGNISED_SHARE = (0.70, 0.50, 0.05, 1.00, 0.10, 0.00, 0.00, 0.05)
#: The occupation a training leads to (ISCO-08 unit group; 0 = none, e.g. a general language
#: course), with its weight. Some codes are on the sectors' lists of the new LLO scheme, most
#: are not; the lists themselves are rules (parameters), this is only what people plan.
OCCUPATION_POOL: tuple[tuple[int, float], ...] = (
    (5321, 0.07), (2221, 0.03), (5322, 0.03), (3221, 0.02),  # care
    (7212, 0.015), (7233, 0.015), (7411, 0.02), (3115, 0.01), (7223, 0.005), (7412, 0.005),
    (7111, 0.01), (7115, 0.015), (7126, 0.01), (7112, 0.005),  # construction
    (2512, 0.03), (2511, 0.01), (3512, 0.02), (3513, 0.005),  # ict
    (2341, 0.015), (2342, 0.01), (5312, 0.015),  # education
    (8332, 0.02), (8344, 0.02), (4321, 0.02),  # logistics
    (4110, 0.08), (4311, 0.04), (3313, 0.03), (2411, 0.03), (1219, 0.04), (2421, 0.03),
    (2431, 0.03), (5223, 0.05), (5120, 0.03), (5131, 0.02), (5141, 0.015), (3341, 0.03),
    (2422, 0.03), (9112, 0.02), (5414, 0.02), (3343, 0.02), (0, 0.05),
)  # fmt: skip
#: Working people who train to grow in their work often stay in their sector: this share of
#: them draws the occupation from their own sector's pool below (when it has one).
OWN_SECTOR_SHARE = 0.5
SECTOR_OCCUPATIONS: dict[str, tuple[int, ...]] = {
    "care": (5321, 2221, 5322, 3221),
    "metal": (7212, 7233, 7223, 3115),
    "manufacturing": (7233, 3115, 8189),
    "energy": (7411, 3113),
    "construction": (7111, 7115, 7126, 7411),
    "ict": (2512, 2511, 3512, 3513),
    "education": (2341, 2342, 5312),
    "transport": (8332, 8344, 4321),
    "retail": (5223, 5230, 1420),
    "wholesale": (4321, 3322, 8344),
    "hospitality": (5120, 5131, 1412),
    "food": (7512, 8160),
    "finance": (3312, 4312, 2411),
    "business_services": (2411, 2421, 3313),
    "business_support": (4110, 9112, 5414),
    "government": (2422, 4110, 3343),
    "culture_events": (3435, 5131, 5141),
}
#: Facts about earlier applications the population does not hold: the planned training is
#: the person's first application this calendar year (no STAP grant, no LLO money yet), and no
#: training has reached STAP's cap of grants (art. 12a).
FIRST_APPLICATION_OF_THE_YEAR = True


def assumptions() -> dict[str, Any]:
    """The planned-training assumptions, for the reports (JSON-serialisable)."""
    return {
        "kind_share": dict(zip(KINDS, TYPE_SHARE, strict=True)),
        "kind_offer_type": dict(KIND_OFFER_TYPE),
        "basic_skills_first": BASIC_SKILLS_FIRST,
        "fee_median_euros": dict(zip(KINDS, FEE_MEDIAN_EUROS, strict=True)),
        "fee_sigma": dict(zip(KINDS, FEE_SIGMA, strict=True)),
        "max_fee_euros": MAX_FEE_EUROS,
        "free_basic_skills": FREE_BASIC_SKILLS,
        "exam_share": dict(zip(KINDS, EXAM_SHARE, strict=True)),
        "materials_share": dict(zip(KINDS, MATERIALS_SHARE, strict=True)),
        "excl_vat_share": dict(zip(KINDS, EXCL_VAT_SHARE, strict=True)),
        "level_step_share": dict(zip(map(str, LEVEL_STEPS), LEVEL_STEP_SHARE, strict=True)),
        "purpose_share": {
            position: dict(zip(PURPOSES, shares, strict=True))
            for position, shares in zip(LABOUR_POSITIONS, PURPOSE_SHARE, strict=True)
        },
        "starts_within_4_weeks": SOON_SHARE,
        "start_days": {"soon": list(SOON_DAYS), "later": list(LATER_DAYS)},
        "in_register": IN_REGISTER_SHARE,
        "quality_mark_valid": QUALITY_MARK_SHARE,
        "gifts_or_perks": GIFTS_OR_PERKS_SHARE,
        "market_rate": MARKET_RATE_SHARE,
        "labour_market_oriented": LABOUR_MARKET_SHARE,
        "programme_teacher_assessment": PROGRAMME_TEACHER_ASSESSMENT_SHARE,
        "given_abroad": GIVEN_ABROAD_SHARE,
        "ocw_recognised": dict(zip(KINDS, OCW_RECOGNISED_SHARE, strict=True)),
        "other_funding": "none: the what-if looks at one scheme's money at a time",
        "occupations": len(OCCUPATION_POOL),
        "own_sector_share": OWN_SECTOR_SHARE,
        "first_application_of_the_year": FIRST_APPLICATION_OF_THE_YEAR,
        "insured_months": (
            "12 of the last 12 months: insured for all of the last 31 months; fewer: recently "
            "arrived, insured only for those most recent months"
        ),
    }


# --- Drawing helpers ---------------------------------------------------------------------------
#
# Every draw uses 16-bit uniform numbers: one 32-bit random integer per person and stream gives
# two of them (views, no copy). A share is "v < share x 65,536"; a category is a look-up of v in
# a 65,536-cell table (exact inverse-CDF sampling at a resolution of 1/65,536, far finer than
# any assumption here). So a draw is one or two passes over the array, whatever the number of
# categories: 10 million trainings take well under a second.

RESOLUTION = 1 << 16


def _halves(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two independent arrays of 16-bit uniform numbers (uint16 views of one draw)."""
    raw = rng.integers(0, 1 << 32, size=n, dtype=np.uint32)
    pair = raw.view(np.uint16).reshape(n, 2)
    return pair[:, 0], pair[:, 1]


def _threshold(share: float) -> int:
    return min(RESOLUTION, max(0, round(share * RESOLUTION)))


def _below(v: np.ndarray, share: float) -> np.ndarray:
    """True with probability ``share`` (to 1/65,536)."""
    limit = _threshold(share)
    if limit >= RESOLUTION:
        return np.ones(v.shape[0], dtype=bool)
    return v < np.uint16(limit)


def _below_by(v: np.ndarray, shares: Any, row: np.ndarray) -> np.ndarray:
    """True with probability ``shares[row]`` per person."""
    limits = np.array([_threshold(s) for s in shares], dtype=np.uint32)
    return v < limits[row]


def _table(p: Any) -> np.ndarray:
    """Look-up table of 65,536 cells: the category (int8) of every 16-bit uniform number."""
    weights = np.asarray(p, dtype=np.float64)
    bounds = np.rint(np.cumsum(weights / weights.sum()) * RESOLUTION).astype(np.int64)
    cells = np.arange(RESOLUTION, dtype=np.int64)
    return np.searchsorted(bounds[:-1], cells, side="right").astype(np.int8)


def _table_by_row(rows: Any) -> np.ndarray:
    """One table per row (flattened): look up ``row * 65,536 + v``."""
    return np.concatenate([_table(p) for p in rows])


def _by_row(table: np.ndarray, row: np.ndarray, v: np.ndarray) -> np.ndarray:
    index = row.astype(np.int32) << 16
    index |= v
    return table[index]


#: Price tables have this many cells per kind of offer (v >> 4): 12 bits of quantile.
PRICE_BITS = 12


@functools.lru_cache(maxsize=1)
def _price_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fee, exam and materials in cents per (kind of training, quantile cell), flattened; the
    last row (index len(KINDS)) is a free basic-skills course: nothing to pay."""
    cells = 1 << PRICE_BITS
    q = (np.arange(cells) + 0.5) / cells
    normal = statistics.NormalDist()
    z = np.array([normal.inv_cdf(float(x)) for x in q])
    rows = len(KINDS) + 1
    fee = np.zeros((rows, cells), dtype=np.int32)
    exam = np.zeros((rows, cells), dtype=np.int32)
    materials = np.zeros((rows, cells), dtype=np.int32)
    position = np.arange(cells, dtype=np.int64)
    for k in range(len(KINDS)):
        euros = np.rint(FEE_MEDIAN_EUROS[k] * np.exp(FEE_SIGMA[k] * z))
        fee[k] = np.minimum(euros, MAX_FEE_EUROS).astype(np.int32) * 100
        for target, share, (low, high) in (
            (exam, EXAM_SHARE[k], EXAM_EUROS[k]),
            (materials, MATERIALS_SHARE[k], MATERIALS_EUROS),
        ):
            # The cells below the share carry a price, spread evenly over low..high euros.
            limit = round(share * cells)
            if limit:
                spread = low + position[:limit] * (high - low + 1) // limit
                target[k, :limit] = spread * 100
    return fee.reshape(-1), exam.reshape(-1), materials.reshape(-1)


def _price(table: np.ndarray, row: np.ndarray, v: np.ndarray) -> np.ndarray:
    index = row.astype(np.int32) << PRICE_BITS
    index |= v >> (16 - PRICE_BITS)
    result: np.ndarray = table[index]
    return result


def _start_days_table() -> np.ndarray:
    """Days to the start per 16-bit uniform number: SOON_SHARE of the cells spread evenly over
    SOON_DAYS, the rest over LATER_DAYS."""
    limit = _threshold(SOON_SHARE)
    cells = np.arange(RESOLUTION, dtype=np.int64)
    soon = SOON_DAYS[0] + cells * (SOON_DAYS[1] - SOON_DAYS[0] + 1) // max(1, limit)
    rest = cells - limit
    later = LATER_DAYS[0] + rest * (LATER_DAYS[1] - LATER_DAYS[0] + 1) // (RESOLUTION - limit)
    return np.where(cells < limit, soon, later).astype("timedelta64[D]")


# --- The planned training ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class PlannedTraining:
    """One planned training per person (column arrays, the population's row order)."""

    level_rank: np.ndarray  # int16 index into Level
    offer_type: np.ndarray  # int16 index into OFFER_TYPES (the engine's OfferType)
    fee_cents: np.ndarray  # int32
    exam_cents: np.ndarray  # int32
    materials_cents: np.ndarray  # int32
    prices_include_vat: np.ndarray  # bool
    vat_percent: np.ndarray  # int32, 0 or VAT_PERCENT
    in_register: np.ndarray  # bool
    quality_mark_valid: np.ndarray  # bool
    occupation: np.ndarray  # int32 ISCO-08 code, 0 = none
    purpose: np.ndarray  # int16 index into PURPOSES
    start_date: np.ndarray  # datetime64[D]
    gifts_or_perks: np.ndarray  # bool
    market_rate: np.ndarray  # bool
    labour_market_oriented: np.ndarray  # bool
    programme_teacher_assessment: np.ndarray  # bool
    given_abroad: np.ndarray  # bool
    ocw_recognised: np.ndarray  # bool


#: Step scale without NLQF 4+ (rank 5): step -> level rank.
_STEP_TO_RANK = np.array([0, 1, 2, 3, 4, 6, 7, 8, 9], dtype=np.int16)
#: Level rank -> step; a vwo diploma (4+) counts as step 4 (level 4).
_RANK_TO_STEP = np.array([0, 1, 2, 3, 4, 4, 5, 6, 7, 8], dtype=np.int16)


def plan_trainings(population: Population, on: dt.date, *, seed: int) -> PlannedTraining:
    """Draw one planned training per person, starting after ``on`` (see the module)."""
    n = len(population)
    streams = [
        np.random.default_rng(s)
        # spawn(11): children 0-7 are the first draws; 8-10 the STAP amendments' facts (a
        # child's stream depends on its index only, so adding children changes nothing else).
        for s in np.random.SeedSequence(seed, spawn_key=(TRAINING_STREAM,)).spawn(11)
    ]

    # Kind of training; people who need basic skills plan a basic-skills course first this
    # often. ``offer_type`` holds the kind until it is mapped onto the offer types below.
    v_type, v_first = _halves(streams[0], n)
    offer_type = _table(TYPE_SHARE)[v_type]
    basic = KINDS.index("basic_skills")
    offer_type[population.basic_skills_need & _below(v_first, BASIC_SKILLS_FIRST)] = basic
    is_basic = offer_type == basic

    # Level: the person's own level plus a step, within the range of the kind of offer;
    # basic-skills courses at entry level or level 1.
    v_step, v_entry = _halves(streams[1], n)
    step = _RANK_TO_STEP[population.level_rank]
    step += np.asarray(LEVEL_STEPS, dtype=np.int16)[_table(LEVEL_STEP_SHARE)[v_step]]
    ranges = np.asarray(LEVEL_RANGE, dtype=np.int16)
    np.clip(step, ranges[offer_type, 0], ranges[offer_type, 1], out=step)
    step[is_basic & ~_below(v_entry, BASIC_SKILLS_ENTRY_SHARE)] = 1
    step[is_basic & _below(v_entry, BASIC_SKILLS_ENTRY_SHARE)] = 0
    level_rank = _STEP_TO_RANK[step]
    del step, v_step, v_entry, v_type, v_first

    # Prices: quantiles of a log-normal fee, sometimes an exam fee and materials (tables of
    # whole euros in cents); a share of the basic-skills courses is free (the last table row).
    v_fee, v_exam = _halves(streams[2], n)
    v_materials, v_free = _halves(streams[3], n)
    price_row = offer_type.astype(np.int16)
    price_row[is_basic & _below(v_free, FREE_BASIC_SKILLS)] = len(KINDS)
    fee_table, exam_table, materials_table = _price_tables()
    fee_cents = _price(fee_table, price_row, v_fee)
    exam_cents = _price(exam_table, price_row, v_exam)
    materials_cents = _price(materials_table, price_row, v_materials)
    del price_row, v_fee, v_exam, v_materials, v_free, is_basic
    v_vat, v_purpose = _halves(streams[4], n)
    excl_vat = _below_by(v_vat, EXCL_VAT_SHARE, offer_type)
    vat_percent = np.where(excl_vat, np.int32(VAT_PERCENT), np.int32(0))
    prices_include_vat = ~excl_vat
    del excl_vat, v_vat

    # Purpose by labour-market position.
    purpose = _by_row(_table_by_row(PURPOSE_SHARE), population.labour_position, v_purpose)
    purpose = purpose.astype(np.int16)
    del v_purpose

    # Occupation: from the general pool, or (growing in the own sector) the sector's pool.
    v_occupation, v_own = _halves(streams[5], n)
    codes = np.array([code for code, _ in OCCUPATION_POOL], dtype=np.int32)
    occupation = codes[_table([weight for _, weight in OCCUPATION_POOL])[v_occupation]]
    width = max(len(pool) for pool in SECTOR_OCCUPATIONS.values())
    pool_codes = np.zeros((len(SECTORS), width), dtype=np.int32)
    pool_size = np.zeros(len(SECTORS), dtype=np.int32)
    for index, name in enumerate(SECTORS):
        pool = SECTOR_OCCUPATIONS.get(name, ())
        pool_codes[index, : len(pool)] = pool
        pool_size[index] = len(pool)
    has_pool = np.append(pool_size > 0, False)  # index -1 (not working): no pool
    own = (purpose == PURPOSES.index("grow")) & _below(v_own, OWN_SECTOR_SHARE)
    own &= has_pool[population.sector]
    rows = population.sector[own].astype(np.int32)
    # Which of the sector's codes: the occupation draw's own number, scaled to the pool.
    pick = (v_occupation[own].astype(np.int32) * pool_size[rows]) >> 16
    occupation[own] = pool_codes[rows, pick]
    del own, rows, pick, v_occupation, v_own

    # Start: within four weeks for some, 28 to 120 days later for the rest; the register and
    # the quality mark.
    v_start, v_register = _halves(streams[6], n)
    start_date = np.datetime64(on, "D") + _start_days_table()[v_start]
    in_register = _below(v_register, IN_REGISTER_SHARE)
    v_quality, _ = _halves(streams[7], n)
    quality_mark_valid = _below(v_quality, QUALITY_MARK_SHARE)
    del v_start, v_register, v_quality

    # The facts of the STAP amendments (2022-2023).
    v_gifts, v_market = _halves(streams[8], n)
    v_labour, v_programme = _halves(streams[9], n)
    v_abroad, v_ocw = _halves(streams[10], n)
    gifts_or_perks = _below(v_gifts, GIFTS_OR_PERKS_SHARE)
    market_rate = _below(v_market, MARKET_RATE_SHARE)
    labour_market_oriented = _below(v_labour, LABOUR_MARKET_SHARE)
    programme_teacher_assessment = _below(v_programme, PROGRAMME_TEACHER_ASSESSMENT_SHARE)
    given_abroad = _below(v_abroad, GIVEN_ABROAD_SHARE)
    ocw_recognised = _below_by(v_ocw, OCW_RECOGNISED_SHARE, offer_type)
    del v_gifts, v_market, v_labour, v_programme, v_abroad, v_ocw

    # The kind of training as the register's offer type (the engine's OfferType).
    to_type = np.array(
        [enums.index_of(enums.OfferType, KIND_OFFER_TYPE[kind]) for kind in KINDS],
        dtype=np.int16,
    )
    return PlannedTraining(
        level_rank=level_rank,
        offer_type=to_type[offer_type],
        fee_cents=fee_cents,
        exam_cents=exam_cents,
        materials_cents=materials_cents,
        prices_include_vat=prices_include_vat,
        vat_percent=vat_percent,
        in_register=in_register,
        quality_mark_valid=quality_mark_valid,
        occupation=occupation,
        purpose=purpose,
        start_date=start_date,
        gifts_or_perks=gifts_or_perks,
        market_rate=market_rate,
        labour_market_oriented=labour_market_oriented,
        programme_teacher_assessment=programme_teacher_assessment,
        given_abroad=given_abroad,
        ocw_recognised=ocw_recognised,
    )


# --- Population -> engine inputs ---------------------------------------------------------------


def _code_numbers(codes: tuple[str, ...]) -> np.ndarray:
    """The numbers of CBS codes (GM0599 -> 599, AM22 -> 22), for a look-up by index."""
    return np.array([int(code[2:]) for code in codes], dtype=np.int32)


#: Population sector index + 1 -> Sector enum index (row 0: not working -> "none").
_SECTOR_INDEX = np.array(
    [enums.index_of(enums.Sector, "none")] + [enums.index_of(enums.Sector, s) for s in SECTORS],
    dtype=np.int16,
)
_POSITION_INDEX = np.array(
    [enums.index_of(enums.LabourPosition, p) for p in LABOUR_POSITIONS], dtype=np.int16
)
#: All 31 months of insurance history set (bit k-1: k months back).
ALL_MONTHS = np.int32((1 << INSURED_MONTHS_KEPT) - 1)


def insured_months_mask(months_insured: np.ndarray) -> np.ndarray:
    """The engine's insurance bit mask from the population's months insured out of the last 12.

    12 of 12: insured for every one of the 31 months the mask holds (residents). Fewer: the
    person arrived recently and was insured only for the most recent ``m`` months (bits 0 to
    m-1). ASSUMPTION: the population only knows the last 12 months.
    """
    months = months_insured.astype(np.int32)
    partial = (np.left_shift(np.int32(1), months) - 1).astype(np.int32)
    return np.where(months >= 12, ALL_MONTHS, partial).astype(np.int32)


def engine_inputs(population: Population, training: PlannedTraining) -> dict[str, np.ndarray]:
    """Input arrays named as the engine's input variables (``schemes/common/variables``).

    Enums go in as int16 indices (the engine checks their range), dates as ``datetime64[D]``,
    money as int32 cents. Arrays that need no conversion are passed as they are (no copy).
    """
    n = len(population)
    zeros = np.zeros(n, dtype=np.int32)  # shared by every input that is zero for everyone
    gemeente = _code_numbers(population.gemeente_codes)
    region = _code_numbers(population.region_codes)
    return {
        "birth_date": population.birth_date,
        "highest_level": population.level_rank.astype(np.int16),
        "labour_position": _POSITION_INDEX[population.labour_position],
        "insured_months_mask": insured_months_mask(population.months_insured),
        "receives_study_support": population.student_finance,
        "gemeente_code": gemeente[population.gemeente_index],
        "region_code": region[population.region_index],
        "sector": _SECTOR_INDEX[population.sector.astype(np.int16) + 1],
        "employer_size": population.employer_size,
        "needs_basic_skills": population.basic_skills_need,
        "stap_grants_received_this_year": zeros,
        "llo_received_this_year_cents": zeros,
        "offer_level": training.level_rank,
        "offer_type": training.offer_type,
        "offer_fee_cents": training.fee_cents,
        "offer_exam_cents": training.exam_cents,
        "offer_materials_cents": training.materials_cents,
        "offer_prices_include_vat": training.prices_include_vat,
        "offer_vat_percent": training.vat_percent,
        "offer_in_register": training.in_register,
        "offer_quality_mark_valid": training.quality_mark_valid,
        "offer_occupation_1": training.occupation,
        "offer_occupation_2": zeros,
        "offer_occupation_3": zeros,
        "purpose": training.purpose,
        "offer_start_date": training.start_date,
        "offer_grants_this_year": zeros,
        "other_funding_cents": zeros,
        "offer_gifts_or_perks": training.gifts_or_perks,
        "offer_market_rate": training.market_rate,
        "offer_labour_market_oriented": training.labour_market_oriented,
        "offer_programme_teacher_assessment": training.programme_teacher_assessment,
        "offer_given_abroad": training.given_abroad,
        "offer_ocw_recognised": training.ocw_recognised,
        # Nobody's training was excluded from the register (one date for all rows, no copy).
        "offer_excluded_on": np.broadcast_to(np.datetime64(NEVER_EXCLUDED, "D"), (n,)),
    }


@dataclass(frozen=True, eq=False)
class SimulationInputs:
    """A population on a date with its planned trainings and the engine inputs built from
    them. ``education`` is the CBS bucket (0 low, 1 middle, 2 high) each person was drawn in."""

    on: dt.date
    seed: int
    population: Population
    education: np.ndarray
    training: PlannedTraining
    inputs: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.population)


def build(n: int, on: dt.date, *, seed: int) -> SimulationInputs:
    """``n`` persons aged 18 to the AOW age on ``on``, each with a planned training."""
    population, education = generate_with_education(n, seed=seed, peildatum=on)
    training = plan_trainings(population, on, seed=seed)
    return SimulationInputs(
        on, seed, population, education, training, engine_inputs(population, training)
    )


# --- One row as facts (for decide(), tests and the benchmark) ------------------------------------


def _month_back(first: dt.date, back: int) -> dt.date:
    index = first.year * 12 + first.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def facts_of(data: SimulationInputs, row: int) -> tuple[PersonFacts, OfferFacts]:
    """Person ``row`` and their planned training as the facts ``decide()`` takes: the same
    person through the other door, so a test can check the vectorised mapping against it."""
    p, t = data.population, data.training
    first = data.on.replace(day=1)
    mask = int(insured_months_mask(p.months_insured[row : row + 1])[0])
    insured = frozenset(
        _month_back(first, k) for k in range(1, INSURED_MONTHS_KEPT + 1) if mask >> (k - 1) & 1
    )
    sector = int(p.sector[row])
    person = PersonFacts(
        birth_date=p.birth_date[row].astype(dt.date),
        highest_level=LEVELS[int(p.level_rank[row])],
        labour_position=LABOUR_POSITIONS[int(p.labour_position[row])],
        insured_months=insured,
        receives_study_support=bool(p.student_finance[row]),
        gemeente=p.gemeente_codes[int(p.gemeente_index[row])],
        region=p.region_codes[int(p.region_index[row])],
        sector=SECTORS[sector] if sector >= 0 else "none",
        employer_size=int(p.employer_size[row]),
        needs_basic_skills=bool(p.basic_skills_need[row]),
        stap_grants_received_this_year=0,
        llo_received_this_year_cents=0,
    )
    occupation = int(t.occupation[row])
    offer = OfferFacts(
        level=LEVELS[int(t.level_rank[row])],
        offer_type=OFFER_TYPES[int(t.offer_type[row])],
        fee_cents=int(t.fee_cents[row]),
        exam_cents=int(t.exam_cents[row]),
        materials_cents=int(t.materials_cents[row]),
        prices_include_vat=bool(t.prices_include_vat[row]),
        in_register=bool(t.in_register[row]),
        quality_mark_valid=bool(t.quality_mark_valid[row]),
        purpose=PURPOSES[int(t.purpose[row])],
        start_date=t.start_date[row].astype(dt.date),
        vat_percent=int(t.vat_percent[row]),
        occupations=(occupation,) if occupation else (),
        other_funding_cents=0,
        gifts_or_perks=bool(t.gifts_or_perks[row]),
        given_abroad=bool(t.given_abroad[row]),
        ocw_recognised=bool(t.ocw_recognised[row]),
        market_rate=bool(t.market_rate[row]),
        labour_market_oriented=bool(t.labour_market_oriented[row]),
        programme_teacher_assessment=bool(t.programme_teacher_assessment[row]),
    )
    return person, offer
