# SPDX-License-Identifier: EUPL-1.2
"""A funder's conditions as a form stores them: the one parser (issue 13).

A budget's conditions are a plain JSON dict a funder fills in (the budget form, the API, a
deposit file's budget): levels, kinds of offer, occupations, region, purpose, co-payment,
validity, caps (seed 002: "NLQF levels to decide what may be funded", "a careful trade-off
between conditions and misuse"; JOURNEYS.md: the O&O fund's occupation list and 20 %
co-payment above NLQF 4, the bakery's "any level, purpose current job"). Every key is
optional; an empty list means "any"::

    {"max_level": "eqf_4", "offer_types": ["course"], "occupations": ["7212", "7233"],
     "regions": ["AM05"], "gemeenten": ["GM0153"], "sectors": ["metal"],
     "labour_positions": ["employed"], "purposes": ["grow"],
     "cost_components": ["tuition", "exam"],
     "co_payment_pct": 20, "co_payment_above_level": "eqf_4",
     "valid_from": "2026-01-01", "valid_until": null,
     "max_per_offer_cents": 150000,      # this money pays at most this for one training
     "accumulation_cap_cents": 300000,   # all money for the training together at most this
     "subsidiary": false,                # a public scheme that says "other money first"
     "needs_basic_skills": false, "requires_register": true,
     "key": "oo_techniek_2026", "name": "O&O-fonds Techniek", "kind": "oo_fund",
     "reference": {"title": "Reglement 2026", "href": "https://..."}}

:func:`parse_conditions` checks it (every problem at once, each named by its key, in B1
through gettext, so a form shows it beside the field and the API as ``invalidParams``) and
returns :class:`FunderConditions`; :meth:`FunderConditions.to_dict` is the canonical form that
is stored. The codes are those of :mod:`llo.core.vocabulary`. What the conditions *mean* is
decided only by the rules engine (``funder/variables/funder.py``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.utils.translation import gettext as _

from llo.core import vocabulary
from llo.schemes import enums
from llo.schemes.errors import ConditionsError
from llo.schemes.reasons import dutch_date

KINDS = ("employer", "oo_fund", "municipality", "uwv", "other")
ALWAYS = dt.date(1900, 1, 1)
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
_GEMEENTE = re.compile(r"^GM(\d{4})$")
_REGION = re.compile(r"^AM(\d{2})$")
MAX_CENTS = 2_000_000_000


@dataclass(frozen=True)
class FunderConditions:
    """A funder's conditions, checked. Empty tuples and ``None`` mean "no condition"."""

    key: str = ""
    name: str = "de financier"
    kind: str = "other"
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    max_level: str | None = None
    offer_types: tuple[str, ...] = ()
    #: ISCO-08 groups at any level, as their code text: a major group ("7"), sub-major ("72"),
    #: minor ("721") or unit group ("7212"). The number of digits is the level, so the text is
    #: kept as given ("0110", the officers, is not "110"); an offer's occupation meets a listed
    #: group when its unit group begins with it (llo.skills.codes.ancestors; issue 17).
    occupations: tuple[str, ...] = ()
    gemeenten: tuple[str, ...] = ()
    #: Labour-market regions (CBS ``AMnn``) the person must live in.
    regions: tuple[str, ...] = ()
    #: Sectors the person must work in (an O&O fund pays for workers in its sector).
    sectors: tuple[str, ...] = ()
    labour_positions: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    cost_components: tuple[str, ...] = ()
    needs_basic_skills: bool = False
    requires_register: bool = False
    co_payment_pct: int = 0
    #: The co-payment applies only to offers above this level (O&O-fonds Techniek: 20 % above
    #: NLQF 4); ``None``: to every offer.
    co_payment_above_level: str | None = None
    max_per_offer_cents: int | None = None
    accumulation_cap_cents: int | None = None
    #: A public scheme that says "other money first" (DESIGN.md 3: "private before public
    #: where a scheme says so"): the funding plan uses it after every other right.
    subsidiary: bool = False
    reference: Mapping[str, str] = field(default_factory=dict)

    @property
    def ident(self) -> str:
        """The key, or one derived from the conditions (stable for the same conditions)."""
        return self.key or "c" + self.digest()[:16]

    def as_json(self) -> dict[str, Any]:
        """Every field (a decision record, a digest): dates as ISO text, lists as lists."""
        data = asdict(self)
        data["valid_from"] = self.valid_from.isoformat() if self.valid_from else None
        data["valid_until"] = self.valid_until.isoformat() if self.valid_until else None
        data["reference"] = dict(self.reference)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        return data

    def to_dict(self) -> dict[str, Any]:
        """The canonical stored form: only the conditions that are set, lists sorted."""
        out: dict[str, Any] = {}
        default = FunderConditions()
        for name in FIELDS:
            value = getattr(self, name)
            if value == getattr(default, name) or value in ((), {}, None):
                continue
            if isinstance(value, tuple):
                value = sorted(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, Mapping):
                value = dict(value)
            out[name] = value
        return out

    def digest(self) -> str:
        text = json.dumps(self.as_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def with_purposes(self, *purposes: str) -> FunderConditions:
        """The same conditions, usable only for these purposes (seed 002: without a new
        employer, money that moves with a person is for a future occupation)."""
        return replace(self, purposes=tuple(sorted(purposes)))

    @property
    def earmarked(self) -> bool:
        """Money set aside for a kind of training (the gemeente's basic-skills voucher: only
        NT1 courses): its conditions name some kinds of offer, not every kind. The funding
        plan uses it before money that pays for any training (decision 015)."""
        return bool(self.offer_types) and set(self.offer_types) < set(vocabulary.OfferType.values)

    @property
    def validity_text(self) -> str:
        if self.valid_from is None and self.valid_until is None:
            return "altijd"
        if self.valid_until is None:
            return f"vanaf {dutch_date(self.valid_from or ALWAYS)}"
        if self.valid_from is None:
            return f"tot en met {dutch_date(self.valid_until)}"
        return f"van {dutch_date(self.valid_from)} tot en met {dutch_date(self.valid_until)}"


FIELDS: tuple[str, ...] = tuple(FunderConditions.__dataclass_fields__)


def parse_conditions(data: Mapping[str, Any] | FunderConditions) -> FunderConditions:
    """Check a funder form's dict and return it typed.

    Raises :class:`~llo.schemes.errors.ConditionsError` whose ``errors`` map every bad key to
    what is wrong (all problems at once, so a form can show them together).
    """
    if isinstance(data, FunderConditions):
        return data
    if not isinstance(data, Mapping):
        raise ConditionsError(
            _("The conditions must be a JSON object."), errors={"conditions": _("Not an object.")}
        )
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key in data:
        if key not in FIELDS:
            errors[str(key)] = _("Unknown condition '%(key)s'.") % {"key": key}
            close = difflib.get_close_matches(str(key), FIELDS, n=1, cutoff=0.75)
            if close:
                errors[str(key)] += " " + _("Did you mean '%(name)s'?") % {"name": close[0]}
    for name, check in _CHECKS.items():
        value = data.get(name)
        if value is None or value == "":
            continue
        try:
            values[name] = check(name, value)
        except _Bad as bad:
            errors[name] = bad.reason
    start, until = values.get("valid_from"), values.get("valid_until")
    if start and until and until < start:
        errors["valid_until"] = _("The end date is before the start date (valid_from).")
    if errors:
        first = next(iter(errors))
        detail = "; ".join(f"{key}: {reason}" for key, reason in errors.items())
        raise ConditionsError(
            _("The conditions are not valid: %(detail)s") % {"detail": detail},
            item=first,
            errors=errors,
        )
    return FunderConditions(**values)


class _Bad(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad(_("Write a text."))
    text = value.strip()
    if name == "key" and not _KEY.match(text):
        raise _Bad(_("Use lower case letters, digits and _, starting with a letter."))
    return text


def _kind(name: str, value: Any) -> str:
    if value not in KINDS:
        raise _Bad(_("Use one of: %(codes)s.") % {"codes": ", ".join(KINDS)})
    return str(value)


def _day(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise _Bad(_("Write a date as YYYY-MM-DD."))
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _Bad(_("Write a date as YYYY-MM-DD, not %(value)s.") % {"value": value}) from None


def _cents(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(_("Write a whole number of cents, not %(value)s.") % {"value": value})
    if not 0 < value <= MAX_CENTS:
        raise _Bad(_("Write an amount of more than 0 cents."))
    return value


def _percent(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(_("Write a whole number, not %(value)s.") % {"value": value})
    if not 0 <= value <= 100:
        raise _Bad(_("Write a whole percentage between 0 and 100."))
    return value


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(_("Choose true or false."))
    return value


def _level(name: str, value: Any) -> str:
    if value not in enums.LEVEL_RANK:
        raise _Bad(
            _("'%(value)s' is not a level. Use one of: %(codes)s.")
            % {"value": value, "codes": ", ".join(enums.LEVEL_RANK)}
        )
    return str(value)


def _list(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise _Bad(_("Give a list of codes."))
    return [str(item).strip() for item in value if str(item).strip()]


def _codes(vocabulary_name: str) -> Callable[[str, Any], tuple[str, ...]]:
    allowed = vocabulary.codes(vocabulary_name)

    def check(name: str, value: Any) -> tuple[str, ...]:
        items = _list(value)
        unknown = sorted(set(items) - set(allowed))
        if unknown:
            raise _Bad(
                _("Unknown code %(codes)s. Use: %(allowed)s.")
                % {"codes": ", ".join(unknown), "allowed": ", ".join(allowed)}
            )
        return tuple(sorted(set(items)))

    return check


def _patterned(pattern: re.Pattern[str], example: str) -> Callable[[str, Any], tuple[str, ...]]:
    def check(name: str, value: Any) -> tuple[str, ...]:
        items = _list(value)
        wrong = [item for item in items if not pattern.match(item)]
        if wrong:
            raise _Bad(
                _("%(codes)s: give CBS codes like %(example)s.")
                % {"codes": ", ".join(wrong), "example": example}
            )
        return tuple(sorted(set(items)))

    return check


def _occupations(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
        raise _Bad(_("Give a list of ISCO-08 codes, for example 7212."))
    codes = [_isco(item) for item in value]
    if not all(codes):
        raise _Bad(
            _(
                "Give ISCO-08 codes of 1 to 4 digits, for example 7212 (welders) or 72 "
                "(every occupation in metal and machines)."
            )
        )
    return tuple(sorted(set(codes)))


def _isco(value: Any) -> str:
    """An ISCO-08 group code as text, or "" when it is none. Text keeps its digits (the level:
    "72" is a sub-major group, "0110" a unit group). A number is read as its digits
    (72 → "72"); a number of 4 digits is a unit group as before."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        value = str(value) if value >= 0 else ""
    text = value.strip() if isinstance(value, str) else ""
    return text if text.isdigit() and 1 <= len(text) <= 4 else ""


def _reference(name: str, value: Any) -> dict[str, str]:
    if (
        not isinstance(value, Mapping)
        or not str(value.get("title", "")).strip()
        or not str(value.get("href", "")).startswith(("https://", "http://"))
    ):
        raise _Bad(_("Give a 'title' and an 'href' (a web address)."))
    return {"title": str(value["title"]), "href": str(value["href"])}


_CHECKS: dict[str, Callable[[str, Any], Any]] = {
    "key": _text,
    "name": _text,
    "kind": _kind,
    "valid_from": _day,
    "valid_until": _day,
    "max_level": _level,
    "offer_types": _codes("OfferType"),
    "occupations": _occupations,
    "gemeenten": _patterned(_GEMEENTE, "GM0599"),
    "regions": _patterned(_REGION, "AM12"),
    "sectors": _codes("Sector"),
    "labour_positions": _codes("LabourPosition"),
    "purposes": _codes("Purpose"),
    "cost_components": _codes("CostComponent"),
    "needs_basic_skills": _flag,
    "requires_register": _flag,
    "co_payment_pct": _percent,
    "co_payment_above_level": _level,
    "max_per_offer_cents": _cents,
    "accumulation_cap_cents": _cents,
    "subsidiary": _flag,
    "reference": lambda name, value: _reference(name, value) if value else {},
}


def canonical(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Parse and return the stored form (raises ConditionsError like :func:`parse_conditions`)."""
    return parse_conditions(dict(data or {})).to_dict()
