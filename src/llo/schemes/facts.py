# SPDX-License-Identifier: EUPL-1.2
"""What the rules need to know, as plain frozen dataclasses: the engine stays pure and can be
tested without a database.

* :class:`PersonFacts`: the person on the application date.
* :class:`OfferFacts`: the offer applied for (money in integer cents).
* :func:`to_inputs`: one application as one-row OpenFisca input arrays; a population is the
  same names with longer arrays (``engine.evaluate``).
* :func:`unknown_inputs`: the input variables whose fact is not known (``None``).

Stored data becomes facts in one place, :mod:`llo.schemes.facts_adapter` (the people app, the
person's own statements, the register). A fact the data does not hold is ``None``: *not
known*, never a default somebody invented (issue 13). The engine still needs a value in every
row, so :func:`to_inputs` puts a placeholder there, and every condition that reads such an
input is reported as not yet known (``engine.evaluate_known``).

Every field is checked when the dataclass is made; a wrong one raises
:class:`~llo.schemes.errors.InvalidInputError` naming the field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from llo.core.identifiers import Level
from llo.schemes import enums
from llo.schemes.errors import InvalidInputError, MissingInputError, suggest

#: How far back the insurance history goes (one bit per month in an int32).
INSURED_MONTHS_KEPT = 31
_GEMEENTE = re.compile(r"^GM(\d{4})$")
_REGION = re.compile(r"^AM(\d{2})$")


def _cents(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(
            f"'{name}' must be a whole number of cents, not {value!r}", item=name
        )
    if not 0 <= value <= 2_000_000_000:
        raise InvalidInputError(f"'{name}' must be between 0 and 2,000,000,000 cents", item=name)


def _count(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2_000_000_000:
        raise InvalidInputError(f"'{name}' must be a whole number of 0 or more", item=name)


def _flag(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise InvalidInputError(f"'{name}' must be True or False, not {value!r}", item=name)


def _code(name: str, value: Any, enum: type[Any]) -> None:
    if value not in enums.names(enum):
        raise InvalidInputError(
            f"'{name}': '{value}' is not one of: {', '.join(enums.names(enum))}."
            f"{suggest(str(value), enums.names(enum))}",
            item=name,
        )


def _day(name: str, value: Any) -> None:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InvalidInputError(f"'{name}' must be a date, not {value!r}", item=name)


def _level(name: str, value: Any) -> Level:
    if isinstance(value, Level):
        return value
    try:
        return Level(value)
    except ValueError:
        raise InvalidInputError(
            f"'{name}': '{value}' is not a level; use one of: {', '.join(enums.LEVEL_RANK)}",
            item=name,
        ) from None


def sector_code(text: str) -> str:
    """An organisation's free-text sector as a Sector code: known codes as they are, empty as
    ``none``, anything else as ``other`` (so a new sector does not stop a decision)."""
    value = (text or "").strip().lower()
    if not value:
        return "none"
    return value if value in enums.names(enums.Sector) else "other"


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """The person on the application date. ``None``: the data does not hold this fact."""

    birth_date: dt.date
    highest_level: Level
    labour_position: str
    #: First days of the calendar months the person was insured for the Dutch national
    #: insurances (volksverzekeringen). Only the 31 months before the application month count.
    insured_months: frozenset[dt.date] | None
    receives_study_support: bool | None
    gemeente: str = ""  # CBS code GMnnnn, "" when unknown
    region: str = ""  # CBS code AMnn, "" when unknown
    sector: str | None = "none"
    employer_size: int | None = 0  # 0: no employer
    needs_basic_skills: bool | None = None
    stap_grants_received_this_year: int | None = None
    llo_received_this_year_cents: int | None = None
    #: What is left on the funder's budget for this person (accounts). None: unknown, which a
    #: funder decision refuses as a missing input.
    funder_balance_cents: int | None = None

    def __post_init__(self) -> None:
        _day("birth_date", self.birth_date)
        object.__setattr__(self, "highest_level", _level("highest_level", self.highest_level))
        _code("labour_position", self.labour_position, enums.LabourPosition)
        if self.insured_months is not None:
            months = frozenset(self.insured_months)
            for month in months:
                _day("insured_months", month)
                if month.day != 1:
                    raise InvalidInputError(
                        "'insured_months' holds the first day of each month",
                        item="insured_months",
                    )
            object.__setattr__(self, "insured_months", months)
        _optional(_flag, "receives_study_support", self.receives_study_support)
        if self.gemeente and not _GEMEENTE.match(self.gemeente):
            raise InvalidInputError("'gemeente' is a CBS code like GM0599", item="gemeente")
        if self.region and not _REGION.match(self.region):
            raise InvalidInputError("'region' is a CBS code like AM12", item="region")
        if self.sector is not None:
            _code("sector", self.sector, enums.Sector)
        _optional(_count, "employer_size", self.employer_size)
        _optional(_flag, "needs_basic_skills", self.needs_basic_skills)
        _optional(_count, "stap_grants_received_this_year", self.stap_grants_received_this_year)
        _optional(_cents, "llo_received_this_year_cents", self.llo_received_this_year_cents)
        _optional(_cents, "funder_balance_cents", self.funder_balance_cents)

    def insured_months_mask(self, application_date: dt.date) -> int:
        """Bit k-1 set when insured for the whole calendar month k months before the month of
        the application (k = 1 .. 31); 0 when the months are not known."""
        first = application_date.replace(day=1)
        mask = 0
        for month in self.insured_months or ():
            back = (first.year - month.year) * 12 + first.month - month.month
            if 1 <= back <= INSURED_MONTHS_KEPT:
                mask |= 1 << (back - 1)
        return mask


#: The day that stands for "never excluded from the register" in ``offer_excluded_on``.
NEVER_EXCLUDED = dt.date(1900, 1, 1)


@dataclass(frozen=True, slots=True)
class OfferFacts:
    """The offer applied for, and the application. ``None``: the data does not hold this fact
    (``excluded_on`` is the exception: ``None`` means the register never excluded it)."""

    level: Level
    offer_type: str
    fee_cents: int
    exam_cents: int
    materials_cents: int
    prices_include_vat: bool
    #: In the training register and not excluded; with a valid quality mark (``None``: an
    #: offer described by hand, not one of the register).
    in_register: bool | None
    quality_mark_valid: bool | None
    #: Why the person follows it; stated when applying (``None`` until then).
    purpose: str | None
    #: The first day of the offering applied for (``None``: no start date chosen yet).
    start_date: dt.date | None
    vat_percent: int = 0  # 0 when exempt, as most education is (Wet OB art. 11(1)(o))
    #: ISCO-08 unit-group codes, at most 3; ``None`` when the register names the occupations
    #: without their codes.
    occupations: tuple[int, ...] | None = ()
    grants_this_year: int = 0  # grants made this calendar year for this training (STAP 12a)
    #: Money from other budgets already planned for this training (the funding plan knows):
    #: a funder's accumulation cap and STAP's rule against double funding use it.
    other_funding_cents: int | None = 0
    #: The provider promises or gives gifts, offers, travel or stay costs or other advantages
    #: to (possible) participants (STAP art. 4(3)).
    gifts_or_perks: bool | None = None
    #: The training is given outside the Netherlands (STAP art. 4(4)).
    given_abroad: bool | None = None
    #: An mbo programme or part of one from a recognised institution, or an accredited
    #: programme of higher education or part of one (STAP "scholing", Stcrt. 2023, 20707).
    ocw_recognised: bool | None = None
    #: Priced as comparable training is (STAP art. 5(1) and (5), Nov 2022 to Sep 2023).
    market_rate: bool | None = None
    #: Aimed at the labour market (STAP art. 5(1), Nov 2022 to Sep 2023).
    labour_market_oriented: bool | None = None
    #: Given to a set programme, with a teacher, and what is learnt is assessed (STAP
    #: "scholing" from 1 May 2023, Stcrt. 2023, 4426).
    programme_teacher_assessment: bool | None = None
    #: The day the register excluded the training (STAP art. 19a); ``None``: never.
    excluded_on: dt.date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", _level("level", self.level))
        _code("offer_type", self.offer_type, enums.OfferType)
        for name in ("fee_cents", "exam_cents", "materials_cents"):
            _cents(name, getattr(self, name))
        _flag("prices_include_vat", self.prices_include_vat)
        _optional(_flag, "in_register", self.in_register)
        _optional(_flag, "quality_mark_valid", self.quality_mark_valid)
        if self.purpose is not None:
            _code("purpose", self.purpose, enums.Purpose)
        if self.start_date is not None:
            _day("start_date", self.start_date)
        if isinstance(self.vat_percent, bool) or self.vat_percent not in range(101):
            raise InvalidInputError("'vat_percent' must be 0 to 100", item="vat_percent")
        if self.occupations is not None:
            occupations = tuple(self.occupations)
            if len(occupations) > 3 or not all(
                isinstance(c, int) and not isinstance(c, bool) and 1 <= c <= 9999
                for c in occupations
            ):
                raise InvalidInputError(
                    "'occupations' holds at most 3 ISCO-08 codes (1 to 9999)", item="occupations"
                )
            object.__setattr__(self, "occupations", occupations)
        _count("grants_this_year", self.grants_this_year)
        _optional(_cents, "other_funding_cents", self.other_funding_cents)
        for name in _OFFER_FLAGS:
            _optional(_flag, name, getattr(self, name))
        if self.excluded_on is not None:
            _day("excluded_on", self.excluded_on)


_OFFER_FLAGS = (
    "gifts_or_perks",
    "given_abroad",
    "ocw_recognised",
    "market_rate",
    "labour_market_oriented",
    "programme_teacher_assessment",
)


def _optional(check: Any, name: str, value: Any) -> None:
    if value is not None:
        check(name, value)


def _number(code: str, pattern: re.Pattern[str]) -> int:
    match = pattern.match(code)
    return int(match[1]) if match else 0


#: Facts that may be unknown (``None``) and the input variables each one fills.
PERSON_FACT_INPUTS: dict[str, tuple[str, ...]] = {
    "insured_months": ("insured_months_mask",),
    "receives_study_support": ("receives_study_support",),
    "sector": ("sector",),
    "employer_size": ("employer_size",),
    "needs_basic_skills": ("needs_basic_skills",),
    "stap_grants_received_this_year": ("stap_grants_received_this_year",),
    "llo_received_this_year_cents": ("llo_received_this_year_cents",),
}
OFFER_FACT_INPUTS: dict[str, tuple[str, ...]] = {
    "in_register": ("offer_in_register",),
    "quality_mark_valid": ("offer_quality_mark_valid",),
    "purpose": ("purpose",),
    "start_date": ("offer_start_date",),
    "occupations": ("offer_occupation_1", "offer_occupation_2", "offer_occupation_3"),
    "other_funding_cents": ("other_funding_cents",),
    "gifts_or_perks": ("offer_gifts_or_perks",),
    "given_abroad": ("offer_given_abroad",),
    "ocw_recognised": ("offer_ocw_recognised",),
    "market_rate": ("offer_market_rate",),
    "labour_market_oriented": ("offer_labour_market_oriented",),
    "programme_teacher_assessment": ("offer_programme_teacher_assessment",),
}
#: The fact behind each input variable that can be unknown.
FACT_OF_INPUT: dict[str, str] = {
    name: fact
    for table in (PERSON_FACT_INPUTS, OFFER_FACT_INPUTS)
    for fact, names in table.items()
    for name in names
}


def unknown_facts(person: PersonFacts, offer: OfferFacts) -> tuple[str, ...]:
    """The facts of this application that are not known (``None``), person's first."""
    return tuple(f for f in PERSON_FACT_INPUTS if getattr(person, f) is None) + tuple(
        f for f in OFFER_FACT_INPUTS if getattr(offer, f) is None
    )


def unknown_inputs(person: PersonFacts, offer: OfferFacts) -> tuple[str, ...]:
    """The input variables that hold a placeholder, because their fact is not known."""
    facts = unknown_facts(person, offer)
    tables = {**PERSON_FACT_INPUTS, **OFFER_FACT_INPUTS}
    return tuple(name for fact in facts for name in tables[fact])


def _or(value: Any, placeholder: Any) -> Any:
    return placeholder if value is None else value


def to_inputs(
    person: PersonFacts, offer: OfferFacts, application_date: dt.date, *, funder: bool = False
) -> dict[str, np.ndarray]:
    """One application as one-row input arrays, named as the OpenFisca input variables.

    A fact that is not known gets a placeholder (``unknown_inputs`` names those inputs; a
    result that reads one is not known either)."""
    occupations = [*(offer.occupations or ()), 0, 0, 0][:3]
    inputs: dict[str, Any] = {
        "birth_date": np.array([person.birth_date], dtype="datetime64[D]"),
        "highest_level": [person.highest_level.value],
        "labour_position": [person.labour_position],
        "insured_months_mask": [person.insured_months_mask(application_date)],
        "receives_study_support": [bool(person.receives_study_support)],
        "gemeente_code": [_number(person.gemeente, _GEMEENTE)],
        "region_code": [_number(person.region, _REGION)],
        "sector": [_or(person.sector, "none")],
        "employer_size": [_or(person.employer_size, 0)],
        "needs_basic_skills": [bool(person.needs_basic_skills)],
        "stap_grants_received_this_year": [_or(person.stap_grants_received_this_year, 0)],
        "llo_received_this_year_cents": [_or(person.llo_received_this_year_cents, 0)],
        "offer_level": [offer.level.value],
        "offer_type": [offer.offer_type],
        "offer_fee_cents": [offer.fee_cents],
        "offer_exam_cents": [offer.exam_cents],
        "offer_materials_cents": [offer.materials_cents],
        "offer_prices_include_vat": [offer.prices_include_vat],
        "offer_vat_percent": [offer.vat_percent],
        "offer_in_register": [bool(offer.in_register)],
        "offer_quality_mark_valid": [bool(offer.quality_mark_valid)],
        "offer_occupation_1": [occupations[0]],
        "offer_occupation_2": [occupations[1]],
        "offer_occupation_3": [occupations[2]],
        "purpose": [_or(offer.purpose, "grow")],
        "offer_start_date": np.array([offer.start_date or application_date], dtype="datetime64[D]"),
        "offer_grants_this_year": [offer.grants_this_year],
        "other_funding_cents": [_or(offer.other_funding_cents, 0)],
        "offer_excluded_on": np.array([offer.excluded_on or NEVER_EXCLUDED], dtype="datetime64[D]"),
    }
    for name in _OFFER_FLAGS:
        inputs[f"offer_{name}"] = [bool(getattr(offer, name))]
    if funder:
        if person.funder_balance_cents is None:
            raise MissingInputError("funder_balance_cents")
        inputs["funder_balance_cents"] = [person.funder_balance_cents]
    return {name: np.asarray(value) for name, value in inputs.items()}


def stack(rows: Iterable[Mapping[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Many one-row input dicts as one population (the same names, longer arrays)."""
    rows = list(rows)
    if not rows:
        raise InvalidInputError("no rows to stack")
    names = rows[0].keys()
    return {name: np.concatenate([row[name] for row in rows]) for name in names}


def as_json(facts: PersonFacts | OfferFacts) -> dict[str, Any]:
    """The facts as JSON for a decision record (dates as ISO text, months sorted)."""
    data: dict[str, Any] = {}
    for item in dataclasses.fields(facts):
        value = getattr(facts, item.name)
        if isinstance(value, Level):
            value = value.value
        elif isinstance(value, frozenset):
            value = sorted(month.isoformat()[:7] for month in value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        data[item.name] = value
    return data
