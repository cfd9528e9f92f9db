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

from llo.people.population.assumptions import (
    AD_SHARE_OF_BACHELOR,
    BASIC_SKILLS_RR_BY_EDUCATION,
    DOCTOR_SHARE_OF_MASTER_DOCTOR,
    FULLY_INSURED_SHARE,
    G4_POPULATION_15_75,
    GEMEENTE_PROVINCE_EXCEPTIONS,
    HAVO_SHARE_OF_HAVO_VWO,
    HIGH_EDUCATION_WEIGHT_18_24,
    MBO2_SHARE_OF_MBO23,
    MIN_AGE_BACHELOR,
    MIN_AGE_DOCTOR,
    MIN_AGE_MASTER,
    POSITION_ODDS_BY_AGE_BAND,
    POSITION_ODDS_BY_EDUCATION,
    REGION_PROVINCE,
    STUDENT_FINANCE_BY_AGE,
)
from llo.people.population.codes import (
    EMPLOYED,
    FLEX,
    JOB_SEEKER,
    LABOUR_POSITIONS,
    ON_BENEFIT,
    SECTOR_LABELS,
    SECTOR_SBI,
    SECTORS,
    SELF_EMPLOYED,
    SIZE_CLASSES,
    WORKING_POSITIONS,
)
from llo.people.population.generator import (
    Population,
    education_bucket,
    expected_shares,
    generate,
    generate_with_education,
)
from llo.people.population.marginals import (
    Geography,
    age_bands,
    aow_age_months,
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

__all__ = [
    "AD_SHARE_OF_BACHELOR",
    "BASIC_SKILLS_RR_BY_EDUCATION",
    "DOCTOR_SHARE_OF_MASTER_DOCTOR",
    "EMPLOYED",
    "FLEX",
    "FULLY_INSURED_SHARE",
    "G4_POPULATION_15_75",
    "GEMEENTE_PROVINCE_EXCEPTIONS",
    "HAVO_SHARE_OF_HAVO_VWO",
    "HIGH_EDUCATION_WEIGHT_18_24",
    "JOB_SEEKER",
    "LABOUR_POSITIONS",
    "MBO2_SHARE_OF_MBO23",
    "MIN_AGE_BACHELOR",
    "MIN_AGE_DOCTOR",
    "MIN_AGE_MASTER",
    "ON_BENEFIT",
    "POSITION_ODDS_BY_AGE_BAND",
    "POSITION_ODDS_BY_EDUCATION",
    "REGION_PROVINCE",
    "SECTORS",
    "SECTOR_LABELS",
    "SECTOR_SBI",
    "SELF_EMPLOYED",
    "SIZE_CLASSES",
    "STUDENT_FINANCE_BY_AGE",
    "WORKING_POSITIONS",
    "Geography",
    "Population",
    "age_bands",
    "aow_age_months",
    "basic_skills_targets",
    "education_bucket",
    "education_by_band",
    "employee_size_class_shares",
    "expected_shares",
    "generate",
    "generate_with_education",
    "geography",
    "labour_position_shares",
    "level_split",
    "marginals_data",
    "sector_shares",
    "zzp_share_of_self_employed",
]
