# SPDX-License-Identifier: EUPL-1.2
"""One generic set of formulas for every funder's budget (employer, O&O-fund, municipality,
UWV). The conditions are parameters ``funders.f<i>.*`` built at run time from the funder's form
(``llo.schemes.funders``); each row names its funder in ``funder_index``.

Several funders run in one vectorised pass: per-funder values are gathered into arrays with
the row's funder index, and list conditions ("one of these occupations") become a single
``numpy.isin`` on (funder index, code) keys. Python only loops over funders, never over rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from llo.schemes.base import Condition, Derived, Input
from llo.schemes.common.variables.derived import cost_incl_vat
from llo.schemes.enums import (
    LEVEL_RANK,
    LabourPosition,
    OfferType,
    Purpose,
    Sector,
    index_of,
    indices,
)
from llo.schemes.errors import InvalidInputError, MissingInputError

NO_LIMIT = 99  # a level rank above every level: "no maximum"
_KEY = np.int64(1 << 20)  # codes are below 2**20 (ISCO 4 digits, CBS numbers, enum indices)


class funder_index(Input):
    value_type = int
    label = "Which configured funder this row is checked against (0, 1, ...)"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        # With exactly one funder there is nothing to choose; with more, the caller must say.
        if len(_funders(parameters, period)) == 1:
            return np.zeros(person.count, dtype=np.int32)
        raise MissingInputError("funder_index")


def _funders(parameters: Any, period: Any) -> list[Any]:
    node = parameters(period).funders
    return [getattr(node, f"f{i}") for i in range(len(list(node)))]


def _has(node: Any, name: str) -> bool:
    return name in node


def _rows(person: Any, period: Any, parameters: Any) -> tuple[np.ndarray, list[Any]]:
    funders = _funders(parameters, period)
    index = person("funder_index", period)
    if not funders:
        raise InvalidInputError("no funder conditions are configured", item="funders")
    if index.size and (index.min() < 0 or index.max() >= len(funders)):
        raise InvalidInputError(
            f"funder_index must be between 0 and {len(funders) - 1}", item="funder_index"
        )
    return index.astype(np.int64), funders


def _gather(index: np.ndarray, values: list[Any], dtype: Any) -> np.ndarray:
    return np.asarray(values, dtype=dtype)[index]


def _active(funder: Any) -> bool:
    return _has(funder, "active") and bool(funder.active)


def _list(funder: Any, name: str) -> list[Any]:
    # Outside its validity a funder's conditions are absent; the budget_valid condition fails.
    return list(getattr(funder, name)) if _has(funder, name) else []


def _in_lists(index: np.ndarray, row_codes: list[np.ndarray], lists: list[list[int]]) -> np.ndarray:
    """True where one of the row's codes is on its funder's list (an empty list: no row)."""
    keys = np.asarray(
        sorted(i * int(_KEY) + int(code) for i, codes in enumerate(lists) for code in codes),
        dtype=np.int64,
    )
    hit = np.zeros(index.shape, dtype=bool)
    if keys.size == 0:
        return hit
    for codes in row_codes:
        codes = codes.astype(np.int64)
        hit |= (codes >= 0) & np.isin(index * _KEY + codes, keys)
    return hit


def _open(index: np.ndarray, lists: list[list[Any]]) -> np.ndarray:
    """True where the row's funder has an empty list ("any")."""
    return _gather(index, [len(values) == 0 for values in lists], bool)


class funder_budget_valid(Condition):
    label = "The budget applies on the application date (valid_from .. valid_until)"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        return _gather(index, [_active(f) for f in funders], bool)


class funder_level_ok(Condition):
    label = "The offer's level is at most the funder's maximum level"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        most = [LEVEL_RANK[f.max_level] if _has(f, "max_level") else NO_LIMIT for f in funders]
        return indices(person("offer_level", period)) <= _gather(index, most, np.int16)


class funder_offer_type_ok(Condition):
    label = "The kind of offer is one the funder pays for"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        lists = [[index_of(OfferType, t) for t in _list(f, "offer_types")] for f in funders]
        codes = [indices(person("offer_type", period))]
        return _open(index, lists) | _in_lists(index, codes, lists)


def _listed(person: Any, period: Any, parameters: Any, name: str) -> np.ndarray:
    """True in the rows whose funder has a list ``name``: only there does the condition need
    the person's or the offer's fact (``llo.schemes.known``)."""
    index, funders = _rows(person, period, parameters)
    return ~_open(index, [_list(f, name) for f in funders])


class funder_occupation_ok_applies(Derived):
    value_type = bool
    label = "The funder has a list of occupations (only then are the offer's occupations needed)"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        return _listed(person, period, parameters, "occupations")


class funder_sector_ok_applies(Derived):
    value_type = bool
    label = "The funder has a list of sectors (only then is the person's sector needed)"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        return _listed(person, period, parameters, "sectors")


class funder_purpose_ok_applies(Derived):
    value_type = bool
    label = "The funder has a list of purposes (only then is the training's purpose needed)"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        return _listed(person, period, parameters, "purposes")


class funder_basic_skills_ok_applies(Derived):
    value_type = bool
    label = "The budget is for basic skills only (only then is the need for them asked)"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        only = [_has(f, "needs_basic_skills") and bool(f.needs_basic_skills) for f in funders]
        return _gather(index, only, bool)


class funder_occupation_ok(Condition):
    label = "The offer leads to an occupation on the funder's list"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        lists = [[_group_key(str(c)) for c in _list(f, "occupations")] for f in funders]
        slots = ("offer_occupation_1", "offer_occupation_2", "offer_occupation_3")
        codes = [key for slot in slots for key in _group_keys(person(slot, period))]
        return _open(index, lists) | _in_lists(index, codes, lists)


# A funder may list ISCO-08 groups at any level: major "7", sub-major "72", minor "721" or unit
# group "7212" (ILO, ISCO-08 structure: each level adds one digit). The offer's occupations are
# unit groups. A group is keyed by (digits, number), so "72" and "0072" or "0110" and "110"
# never meet; a unit group lies in the group whose code is its first n digits.
_LEVEL = 10_000


def _group_key(code: str) -> int:
    return len(code) * _LEVEL + int(code)


def _group_keys(unit_groups: np.ndarray) -> list[np.ndarray]:
    """The keys of the groups each row's unit group lies in, one array per level (4 digits to
    1). 0 means "no occupation": its keys are -1, on no list."""
    codes = unit_groups.astype(np.int64)
    none = codes <= 0
    return [
        np.where(none, -1, digits * _LEVEL + codes // 10 ** (4 - digits)) for digits in (4, 3, 2, 1)
    ]


class funder_region_ok(Condition):
    label = "The person lives in a municipality or labour-market region the funder covers"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        gemeenten = [[int(c) for c in _list(f, "gemeenten")] for f in funders]
        regions = [[int(c) for c in _list(f, "regions")] for f in funders]
        anywhere = _open(index, [g + r for g, r in zip(gemeenten, regions, strict=True)])
        in_gemeente = _in_lists(index, [person("gemeente_code", period)], gemeenten)
        in_region = _in_lists(index, [person("region_code", period)], regions)
        return anywhere | in_gemeente | in_region


class funder_sector_ok(Condition):
    label = "The person works in a sector the funder covers"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        lists = [[index_of(Sector, s) for s in _list(f, "sectors")] for f in funders]
        codes = [indices(person("sector", period))]
        return _open(index, lists) | _in_lists(index, codes, lists)


class funder_labour_position_ok(Condition):
    label = "The person's labour-market position is one the funder covers"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        lists = [
            [index_of(LabourPosition, p) for p in _list(f, "labour_positions")] for f in funders
        ]
        codes = [indices(person("labour_position", period))]
        return _open(index, lists) | _in_lists(index, codes, lists)


class funder_purpose_ok(Condition):
    label = "The purpose of the training is one the funder pays for"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        lists = [[index_of(Purpose, p) for p in _list(f, "purposes")] for f in funders]
        codes = [indices(person("purpose", period))]
        return _open(index, lists) | _in_lists(index, codes, lists)


class funder_basic_skills_ok(Condition):
    label = "When the budget is for basic skills only: the person needs basic skills"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        only = person("funder_basic_skills_ok_applies", period)
        return ~only | person("needs_basic_skills", period)


class funder_register_ok_applies(Derived):
    value_type = bool
    label = "The funder asks for an offer in the register with a valid quality mark"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        needs = [_has(f, "requires_register") and bool(f.requires_register) for f in funders]
        return _gather(index, needs, bool)


class funder_register_ok(Condition):
    label = "When the funder asks: the offer is in the register with a valid quality mark"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        needs = person("funder_register_ok_applies", period)
        listed = person("offer_in_register", period) & person("offer_quality_mark_valid", period)
        return ~needs | listed


class funder_balance_left(Condition):
    label = "Something is left on the person's budget"

    def formula(person: Any, period: Any) -> Any:
        return person("funder_balance_cents", period) > 0


def _pays(person: Any, period: Any, parameters: Any, part: str) -> np.ndarray:
    """Rows whose funder pays this cost component (an empty list pays every part)."""
    index, funders = _rows(person, period, parameters)
    parts = [set(_list(f, "cost_components")) for f in funders]
    return _gather(index, [not p or part in p for p in parts], bool)


class funder_pays_fee(Derived):
    value_type = bool
    label = "The funder pays the course fee: 'tuition', or 'evc' for an EVC procedure"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        is_evc = person("offer_type", period) == OfferType["evc"]
        tuition = _pays(person, period, parameters, "tuition")
        return tuition | (_pays(person, period, parameters, "evc") & is_evc)


class funder_pays_exam(Derived):
    value_type = bool
    label = "The funder pays the exam fee ('exam')"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        return _pays(person, period, parameters, "exam")


class funder_pays_materials(Derived):
    value_type = bool
    label = "The funder pays books and materials ('materials')"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        return _pays(person, period, parameters, "materials")


class funder_eligible_cost_cents(Derived):
    value_type = int
    label = "The price parts this funder pays for (cost_components), including VAT"
    unit = "cents"

    def formula(person: Any, period: Any) -> Any:
        # "tuition" is the course fee; "evc" is the fee of an EVC procedure; "exam" and
        # "materials" are those prices. No price of the register is "other".
        zero = np.zeros(1, dtype=np.int32)
        return cost_incl_vat(
            np.where(person("funder_pays_fee", period), person("offer_fee_cents", period), zero),
            np.where(person("funder_pays_exam", period), person("offer_exam_cents", period), zero),
            np.where(
                person("funder_pays_materials", period),
                person("offer_materials_cents", period),
                zero,
            ),
            person("offer_vat_percent", period),
            person("offer_prices_include_vat", period),
        )


class funder_has_eligible_costs(Condition):
    label = "The offer has costs of the parts the budget pays for"

    def formula(person: Any, period: Any) -> Any:
        return person("funder_eligible_cost_cents", period) > 0


FUNDER_CONDITIONS = (
    "funder_budget_valid",
    "funder_level_ok",
    "funder_offer_type_ok",
    "funder_occupation_ok",
    "funder_region_ok",
    "funder_sector_ok",
    "funder_labour_position_ok",
    "funder_purpose_ok",
    "funder_basic_skills_ok",
    "funder_register_ok",
    "funder_balance_left",
    "funder_has_eligible_costs",
)


class funder_eligible(Derived):
    value_type = bool
    label = "The funder's budget pays for this offer: every condition is met"

    def formula(person: Any, period: Any) -> Any:
        result = np.ones(person.count, dtype=bool)
        for name in FUNDER_CONDITIONS:
            result &= person(name, period)
        return result


def _percent(funder: Any) -> int:
    return int(funder.co_payment_pct) if _has(funder, "co_payment_pct") else 0


class funder_co_payment_applies(Derived):
    value_type = bool
    label = "The person pays a share (co-payment) for this offer"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        above = [
            LEVEL_RANK[f.co_payment_above_level] if _has(f, "co_payment_above_level") else -1
            for f in funders
        ]
        level = indices(person("offer_level", period))
        percent = _gather(index, [_percent(f) for f in funders], np.int32)
        return (percent > 0) & (level > _gather(index, above, np.int16))


class funder_co_payment_cents(Derived):
    value_type = int
    label = "What the person pays of the whole price when a co-payment applies (rounded up)"
    unit = "cents"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        cost = person("offer_cost_incl_vat_cents", period).astype(np.int64)
        percent = _gather(index, [_percent(f) for f in funders], np.int64)
        # At least the percentage of the price (rounded up to the cent), so the funder's part,
        # rounded down, and the person's part always add up to the price (JOURNEYS.md: Jan
        # pays 20 % above NLQF 4).
        own = -(-cost * percent // 100)
        return np.where(person("funder_co_payment_applies", period), own, 0)


class funder_share_cents(Derived):
    value_type = int
    label = "What the funder pays before its caps: its price parts, leaving the co-payment"
    unit = "cents"

    def formula(person: Any, period: Any) -> Any:
        cost = person("offer_cost_incl_vat_cents", period).astype(np.int64)
        room = cost - person("funder_co_payment_cents", period)
        return np.minimum(person("funder_eligible_cost_cents", period), room)


class funder_amount_cents(Derived):
    value_type = int
    label = "What the funder pays: its share, within its caps and the person's balance"
    unit = "cents"

    def formula(person: Any, period: Any, parameters: Any) -> Any:
        index, funders = _rows(person, period, parameters)
        unlimited = np.iinfo(np.int32).max
        per_offer = [
            int(f.max_per_offer_cents) if _has(f, "max_per_offer_cents") else unlimited
            for f in funders
        ]
        amount = np.minimum(
            person("funder_share_cents", period),
            np.minimum(_gather(index, per_offer, np.int64), person("funder_balance_cents", period)),
        )
        caps = [
            int(f.accumulation_cap_cents) if _has(f, "accumulation_cap_cents") else unlimited
            for f in funders
        ]
        if any(cap < unlimited for cap in caps):
            # All money for the training together stays within the cap: this funder adds at
            # most the cap minus what other budgets already pay (never below zero).
            room = _gather(index, caps, np.int64) - person("other_funding_cents", period)
            amount = np.minimum(amount, np.maximum(room, 0))
        return np.where(person("funder_eligible", period), amount, 0)


class funder_person_pays_cents(Derived):
    value_type = int
    label = "What is left for the person to pay (or for another budget) after this funder"
    unit = "cents"

    def formula(person: Any, period: Any) -> Any:
        return person("offer_cost_incl_vat_cents", period) - person("funder_amount_cents", period)
