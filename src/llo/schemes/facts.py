# SPDX-License-Identifier: EUPL-1.2
"""What the rules need to know, as plain frozen dataclasses: the engine stays pure and can be
tested without a database.

* :class:`PersonFacts`: the person on the application date.
* :class:`OfferFacts`: the offer applied for (money in integer cents).
* :func:`facts_from_person`: PersonFacts from a ``llo.people.models.Person`` plus what the
  people app does not hold yet (``**extra``). The register's adapter for OfferFacts comes with
  the register issue.
* :func:`to_inputs`: one application as one-row OpenFisca input arrays; a population is the
  same names with longer arrays (``engine.evaluate``).

Every field is checked when the dataclass is made; a wrong one raises
:class:`~llo.schemes.errors.InvalidInputError` naming the field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from llo.core.identifiers import Level
from llo.schemes import enums
from llo.schemes.errors import InvalidInputError, MissingInputError, suggest

if TYPE_CHECKING:
    from llo.people.models import Person

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
    birth_date: dt.date
    highest_level: Level
    labour_position: str
    #: First days of the calendar months the person was insured for the Dutch national
    #: insurances (volksverzekeringen). Only the 31 months before the application month count.
    insured_months: frozenset[dt.date]
    receives_study_support: bool
    gemeente: str = ""  # CBS code GMnnnn, "" when unknown
    region: str = ""  # CBS code AMnn, "" when unknown
    sector: str = "none"
    employer_size: int = 0  # 0: no employer
    needs_basic_skills: bool = False
    stap_grants_received_this_year: int = 0
    llo_received_this_year_cents: int = 0
    #: What is left on the funder's budget for this person (accounts). None: unknown, which a
    #: funder decision refuses as a missing input.
    funder_balance_cents: int | None = None

    def __post_init__(self) -> None:
        _day("birth_date", self.birth_date)
        object.__setattr__(self, "highest_level", _level("highest_level", self.highest_level))
        _code("labour_position", self.labour_position, enums.LabourPosition)
        months = frozenset(self.insured_months)
        for month in months:
            _day("insured_months", month)
            if month.day != 1:
                raise InvalidInputError(
                    "'insured_months' holds the first day of each month", item="insured_months"
                )
        object.__setattr__(self, "insured_months", months)
        _flag("receives_study_support", self.receives_study_support)
        if self.gemeente and not _GEMEENTE.match(self.gemeente):
            raise InvalidInputError("'gemeente' is a CBS code like GM0599", item="gemeente")
        if self.region and not _REGION.match(self.region):
            raise InvalidInputError("'region' is a CBS code like AM12", item="region")
        _code("sector", self.sector, enums.Sector)
        _count("employer_size", self.employer_size)
        _flag("needs_basic_skills", self.needs_basic_skills)
        _count("stap_grants_received_this_year", self.stap_grants_received_this_year)
        _cents("llo_received_this_year_cents", self.llo_received_this_year_cents)
        if self.funder_balance_cents is not None:
            _cents("funder_balance_cents", self.funder_balance_cents)

    def insured_months_mask(self, application_date: dt.date) -> int:
        """Bit k-1 set when insured for the whole calendar month k months before the month of
        the application (k = 1 .. 31)."""
        first = application_date.replace(day=1)
        mask = 0
        for month in self.insured_months:
            back = (first.year - month.year) * 12 + first.month - month.month
            if 1 <= back <= INSURED_MONTHS_KEPT:
                mask |= 1 << (back - 1)
        return mask


@dataclass(frozen=True, slots=True)
class OfferFacts:
    level: Level
    offer_type: str
    fee_cents: int
    exam_cents: int
    materials_cents: int
    prices_include_vat: bool
    in_register: bool
    quality_mark_valid: bool
    purpose: str
    start_date: dt.date
    vat_percent: int = 0  # 0 when exempt, as most education is (Wet OB art. 11(1)(o))
    occupations: tuple[int, ...] = ()  # ISCO-08 unit-group codes, at most 3
    grants_this_year: int = 0  # grants made this calendar year for this training (STAP 12a)
    #: Money from other budgets already planned for this training (the funding plan knows);
    #: only a funder's accumulation cap uses it.
    other_funding_cents: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", _level("level", self.level))
        _code("offer_type", self.offer_type, enums.OfferType)
        for name in ("fee_cents", "exam_cents", "materials_cents"):
            _cents(name, getattr(self, name))
        _flag("prices_include_vat", self.prices_include_vat)
        _flag("in_register", self.in_register)
        _flag("quality_mark_valid", self.quality_mark_valid)
        _code("purpose", self.purpose, enums.Purpose)
        _day("start_date", self.start_date)
        if isinstance(self.vat_percent, bool) or self.vat_percent not in range(101):
            raise InvalidInputError("'vat_percent' must be 0 to 100", item="vat_percent")
        occupations = tuple(self.occupations)
        if len(occupations) > 3 or not all(
            isinstance(c, int) and not isinstance(c, bool) and 1 <= c <= 9999 for c in occupations
        ):
            raise InvalidInputError(
                "'occupations' holds at most 3 ISCO-08 codes (1 to 9999)", item="occupations"
            )
        object.__setattr__(self, "occupations", occupations)
        _count("grants_this_year", self.grants_this_year)
        _cents("other_funding_cents", self.other_funding_cents)


def _number(code: str, pattern: re.Pattern[str]) -> int:
    match = pattern.match(code)
    return int(match[1]) if match else 0


def to_inputs(
    person: PersonFacts, offer: OfferFacts, application_date: dt.date, *, funder: bool = False
) -> dict[str, np.ndarray]:
    """One application as one-row input arrays, named as the OpenFisca input variables."""
    occupations = [*offer.occupations, 0, 0, 0][:3]
    inputs: dict[str, Any] = {
        "birth_date": np.array([person.birth_date], dtype="datetime64[D]"),
        "highest_level": [person.highest_level.value],
        "labour_position": [person.labour_position],
        "insured_months_mask": [person.insured_months_mask(application_date)],
        "receives_study_support": [person.receives_study_support],
        "gemeente_code": [_number(person.gemeente, _GEMEENTE)],
        "region_code": [_number(person.region, _REGION)],
        "sector": [person.sector],
        "employer_size": [person.employer_size],
        "needs_basic_skills": [person.needs_basic_skills],
        "stap_grants_received_this_year": [person.stap_grants_received_this_year],
        "llo_received_this_year_cents": [person.llo_received_this_year_cents],
        "offer_level": [offer.level.value],
        "offer_type": [offer.offer_type],
        "offer_fee_cents": [offer.fee_cents],
        "offer_exam_cents": [offer.exam_cents],
        "offer_materials_cents": [offer.materials_cents],
        "offer_prices_include_vat": [offer.prices_include_vat],
        "offer_vat_percent": [offer.vat_percent],
        "offer_in_register": [offer.in_register],
        "offer_quality_mark_valid": [offer.quality_mark_valid],
        "offer_occupation_1": [occupations[0]],
        "offer_occupation_2": [occupations[1]],
        "offer_occupation_3": [occupations[2]],
        "purpose": [offer.purpose],
        "offer_start_date": np.array([offer.start_date], dtype="datetime64[D]"),
        "offer_grants_this_year": [offer.grants_this_year],
    }
    if funder:
        if person.funder_balance_cents is None:
            raise MissingInputError("funder_balance_cents")
        inputs["funder_balance_cents"] = [person.funder_balance_cents]
        inputs["funder_other_funding_cents"] = [offer.other_funding_cents]
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


#: Facts the people app does not hold yet; ``facts_from_person`` needs them in ``extra``.
EXTRA_REQUIRED = ("insured_months", "receives_study_support")
EXTRA_OPTIONAL = (
    "needs_basic_skills",
    "stap_grants_received_this_year",
    "llo_received_this_year_cents",
    "funder_balance_cents",
    "sector",
    "employer_size",
)


def facts_from_person(person: Person, on: dt.date, **extra: Any) -> PersonFacts:
    """PersonFacts for ``person`` on ``on`` (the peildatum).

    From the people app: birth date, highest level, labour position, gemeente and its region,
    and the sector and size of the employer of an employment active on ``on`` (the one that
    started last). ``extra`` gives the rest (``insured_months`` and
    ``receives_study_support`` are required; see EXTRA_OPTIONAL) and may override sector and
    employer size.
    """
    unknown = sorted(set(extra) - set(EXTRA_REQUIRED) - set(EXTRA_OPTIONAL))
    if unknown:
        allowed = (*EXTRA_REQUIRED, *EXTRA_OPTIONAL)
        raise InvalidInputError(
            f"unknown fact '{unknown[0]}'; allowed: {', '.join(allowed)}."
            f"{suggest(unknown[0], allowed)}",
            item=unknown[0],
        )
    missing = [name for name in EXTRA_REQUIRED if name not in extra]
    if missing:
        raise MissingInputError(missing[0], needed_by="facts_from_person")
    employment = _active_employment(person, on)
    sector = "none"
    size = 0
    if employment is not None:
        sector = sector_code(employment.sector or employment.employer.sector)
        size = employment.employer.employees or 0
    gemeente = person.gemeente
    values: dict[str, Any] = {
        "birth_date": person.birth_date,
        "highest_level": Level(person.highest_level),
        "labour_position": person.labour_position,
        "gemeente": gemeente.code,
        "region": gemeente.region_id,
        "sector": sector,
        "employer_size": size,
    }
    values.update(extra)
    return PersonFacts(**values)


def _active_employment(person: Person, on: dt.date) -> Any:
    active = [e for e in person.employments.select_related("employer") if e.is_active_on(on)]
    return max(active, key=lambda e: e.start) if active else None
