# SPDX-License-Identifier: EUPL-1.2
"""Funder conditions as data: an employer's development budget, an O&O-fund's sector budget, a
municipality's basic-skills budget... are not new Python code. A funder fills in a form; the
form stores a JSON-serialisable dict (money in cents); this module checks it and turns it into
OpenFisca *parameters* of one generic set of formulas (``funder/variables/funder.py``).

The dict uses the keys of ``llo.accounts.conditions.Conditions`` (the funder form), so one
stored dict means the same to the funding plan and to this engine, plus a few of its own. Every
key is optional; an empty list means "any"::

    {"max_level": "eqf_4", "offer_types": ["course"], "occupations": ["7212", 7233],
     "regions": ["AM05"], "gemeenten": ["GM0153"], "sectors": ["metal"],
     "labour_positions": ["employed"], "purposes": ["grow"],
     "cost_components": ["tuition", "exam"],          # tuition, exam, materials, evc, other
     "co_payment_pct": 20, "co_payment_above_level": "eqf_4",
     "valid_from": "2026-01-01", "valid_until": null,
     "max_per_offer_cents": 150000,                   # this money pays at most this per training
     "accumulation_cap_cents": 300000,                # all money for the training together
     "subsidiary": false,                             # order in the funding plan; no rule here
     # llo.schemes only:
     "key": "oo_techniek_2026", "name": "O&O-fonds Techniek", "kind": "oo_fund",
     "needs_basic_skills": false, "requires_register": true,
     "reference": {"title": "Reglement 2026", "href": "https://..."}}

Several funders are evaluated in one vectorised run: their conditions become the parameter
nodes ``funders.f0``, ``funders.f1``, ... and the input ``funder_index`` says which funder each
row is checked against. Validity is the parameter ``active`` (true from ``valid_from``, false
from the day after ``valid_until``); the conditions apply from ``valid_from``, the date a
decision record shows for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from openfisca_core.parameters import ParameterNode

from llo.schemes import enums
from llo.schemes.errors import ConditionsError, suggest
from llo.schemes.reasons import dutch_date

KINDS = ("employer", "oo_fund", "municipality", "uwv", "other")
EXAMPLES_DIR = Path(__file__).resolve().parent / "funder" / "examples"
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,79}$")
_GEMEENTE = re.compile(r"^GM(\d{4})$")
_REGION = re.compile(r"^AM(\d{2})$")


#: Price parts a funder may pay, and the words for them (accounts.conditions.COST_COMPONENTS).
COST_COMPONENTS = {
    "tuition": "lesgeld",
    "exam": "examengeld",
    "materials": "boeken en materiaal",
    "evc": "een EVC-traject",
    "other": "andere kosten",
}
ALWAYS = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class FunderConditions:
    key: str = ""
    name: str = "de financier"
    kind: str = "other"
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    max_level: str | None = None
    offer_types: tuple[str, ...] = ()
    occupations: tuple[int, ...] = ()
    gemeenten: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    labour_positions: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    cost_components: tuple[str, ...] = ()
    needs_basic_skills: bool = False
    requires_register: bool = False
    co_payment_pct: int = 0
    co_payment_above_level: str | None = None
    max_per_offer_cents: int | None = None
    accumulation_cap_cents: int | None = None
    subsidiary: bool = False
    reference: Mapping[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The canonical dict (what a form stores): dates as ISO text, lists as lists."""
        data = asdict(self)
        data["valid_from"] = self.valid_from.isoformat() if self.valid_from else None
        data["valid_until"] = self.valid_until.isoformat() if self.valid_until else None
        data["reference"] = dict(self.reference)
        for key, value in data.items():
            if isinstance(value, tuple):
                data[key] = list(value)
        return data

    def digest(self) -> str:
        text = json.dumps(self.as_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def validity_text(self) -> str:
        if self.valid_from is None and self.valid_until is None:
            return "altijd"
        if self.valid_until is None:
            return f"vanaf {dutch_date(self.valid_from or ALWAYS)}"
        if self.valid_from is None:
            return f"tot en met {dutch_date(self.valid_until)}"
        return f"van {dutch_date(self.valid_from)} tot en met {dutch_date(self.valid_until)}"


_FIELDS = {name for name in FunderConditions.__dataclass_fields__}


def parse_conditions(data: Mapping[str, Any]) -> FunderConditions:
    """Check a funder form's dict and return it typed; ConditionsError names the bad field.

    All problems are collected and reported together, so a form can show them at once.
    """
    if isinstance(data, FunderConditions):
        return data
    if not isinstance(data, Mapping):
        raise ConditionsError("funder conditions must be a mapping (a JSON object)")
    errors: list[tuple[str, str]] = []
    for key in data:
        if key not in _FIELDS:
            errors.append((str(key), f"unknown field '{key}'.{suggest(str(key), _FIELDS)}"))
    values: dict[str, Any] = {}

    def text(name: str) -> None:
        value = data.get(name)
        if value is None:
            return
        if not isinstance(value, str) or not value.strip():
            errors.append((name, f"'{name}' must be text"))
        else:
            values[name] = value.strip()

    def day(name: str) -> None:
        value = data.get(name)
        if value is None:
            return
        try:
            values[name] = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            errors.append((name, f"'{name}' must be a date YYYY-MM-DD, not {value!r}"))

    def whole(name: str, low: int, high: int) -> None:
        value = data.get(name)
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(
                (name, f"'{name}' must be a whole number (money in cents), not {value!r}")
            )
        elif not low <= value <= high:
            errors.append((name, f"'{name}' must be between {low} and {high}, not {value}"))
        else:
            values[name] = value

    def flag(name: str) -> None:
        value = data.get(name)
        if value is None:
            return
        if not isinstance(value, bool):
            errors.append((name, f"'{name}' must be true or false"))
        else:
            values[name] = value

    def level(name: str) -> None:
        value = data.get(name)
        if value is None:
            return
        if value not in enums.LEVEL_RANK:
            errors.append(
                (name, f"'{name}': '{value}' is not a level ({', '.join(enums.LEVEL_RANK)})")
            )
        else:
            values[name] = value

    def codes(name: str, allowed: tuple[str, ...]) -> None:
        value = data.get(name)
        if value is None:
            return
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            errors.append((name, f"'{name}' must be a list of codes"))
            return
        wrong = [v for v in value if v not in allowed]
        if wrong:
            errors.append((name, f"'{name}': unknown {wrong}; use: {', '.join(allowed)}"))
        else:
            values[name] = tuple(dict.fromkeys(value))

    def patterned(name: str, pattern: re.Pattern[str], example: str) -> None:
        value = data.get(name)
        if value is None:
            return
        if not isinstance(value, list | tuple) or not all(
            isinstance(v, str) and pattern.match(v) for v in value
        ):
            errors.append((name, f"'{name}' must be a list of CBS codes like {example}"))
        else:
            values[name] = tuple(dict.fromkeys(value))

    text("key")
    text("name")
    if "key" not in values:
        # No key of its own: derive a stable one from the conditions themselves.
        plain = json.dumps(_plain(dict(data)), sort_keys=True, default=str)
        values["key"] = "c" + hashlib.sha256(plain.encode()).hexdigest()[:16]
    if "key" in values and not _KEY.match(values["key"]):
        errors.append(("key", "'key' is lower case letters, digits and _, starting with a letter"))
    kind = data.get("kind", "other")
    if kind not in KINDS:
        errors.append(("kind", f"'kind' must be one of: {', '.join(KINDS)}"))
    else:
        values["kind"] = kind
    day("valid_from")
    day("valid_until")
    until, start = values.get("valid_until"), values.get("valid_from")
    if until and start and until < start:
        errors.append(("valid_until", "'valid_until' is before 'valid_from'"))
    whole("max_per_offer_cents", 0, 2_000_000_000)
    whole("accumulation_cap_cents", 0, 2_000_000_000)
    whole("co_payment_pct", 0, 100)
    level("max_level")
    level("co_payment_above_level")
    codes("offer_types", enums.names(enums.OfferType))
    codes("sectors", enums.names(enums.Sector))
    codes("labour_positions", enums.names(enums.LabourPosition))
    codes("purposes", enums.names(enums.Purpose))
    codes("cost_components", tuple(COST_COMPONENTS))
    patterned("gemeenten", _GEMEENTE, "GM0599")
    patterned("regions", _REGION, "AM12")
    occupations = data.get("occupations")
    if occupations is not None:
        # ISCO-08 unit groups, as numbers or as text of digits (the form stores text).
        parsed = [_isco(v) for v in occupations] if isinstance(occupations, list | tuple) else [0]
        if not all(parsed):
            errors.append(("occupations", "'occupations' must be ISCO-08 codes (1 to 9999)"))
        else:
            values["occupations"] = tuple(dict.fromkeys(parsed))
    flag("needs_basic_skills")
    flag("requires_register")
    flag("subsidiary")
    reference = data.get("reference")
    if reference:  # None or {} (as as_json writes it): no reference of the funder's own
        if (
            not isinstance(reference, Mapping)
            or not str(reference.get("title", "")).strip()
            or not str(reference.get("href", "")).startswith(("https://", "http://"))
        ):
            errors.append(("reference", "'reference' needs a 'title' and an 'href' (a URL)"))
        else:
            values["reference"] = {"title": reference["title"], "href": reference["href"]}
    if errors:
        detail = "; ".join(message for _, message in errors)
        raise ConditionsError(f"invalid funder conditions: {detail}", item=errors[0][0])
    return FunderConditions(**values)


def _isco(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 1 <= value <= 9999 else 0


def _param(description: str, values: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return {"description": description, "metadata": metadata, "values": values}


def _node_data(conditions: FunderConditions) -> dict[str, Any]:
    """One funder's conditions as OpenFisca parameter data."""
    reference = dict(conditions.reference) or {
        "title": f"Voorwaarden van {conditions.name} ({conditions.key}), ingesteld in llo",
        "href": f"https://llo.example.nl/funders/{conditions.key}",
    }
    start = (conditions.valid_from or ALWAYS).isoformat()

    def entry(value: Any) -> dict[str, Any]:
        return {"value": value, "metadata": {"status": "confirmed", "reference": [reference]}}

    def dated(value: Any) -> dict[str, Any]:
        return {start: entry(value)}

    # Descriptive values apply always (a sentence can name the funder on any date); the
    # conditions apply from valid_from; "active" says whether the budget applies.
    active: dict[str, Any] = {ALWAYS.isoformat(): entry(False), start: entry(True)}
    if conditions.valid_until is not None:
        after = (conditions.valid_until + dt.timedelta(days=1)).isoformat()
        active[after] = entry(False)

    def forever(value: Any) -> dict[str, Any]:
        return {ALWAYS.isoformat(): entry(value)}

    data: dict[str, Any] = {
        "key": _param("Funder key", forever(conditions.key)),
        "display_name": _param("Funder name", forever(conditions.name)),
        "kind": _param("Kind of funder", forever(conditions.kind)),
        "validity": _param("Validity in words", forever(conditions.validity_text)),
        "active": _param("The budget applies on this date", active),
        "offer_types": _param(
            "Offer types funded ([] = any)", dated(list(conditions.offer_types)), enum="OfferType"
        ),
        "occupations": _param(
            "ISCO-08 occupations the offer must lead to ([] = any)",
            dated(list(conditions.occupations)),
            unit="isco08",
        ),
        "gemeenten": _param(
            "Municipalities of residence (CBS number; [] = any)",
            dated([_number(code) for code in conditions.gemeenten]),
        ),
        "regions": _param(
            "Labour-market regions of residence (CBS number; [] = any)",
            dated([_number(code) for code in conditions.regions]),
        ),
        "sectors": _param("Sectors ([] = any)", dated(list(conditions.sectors)), enum="Sector"),
        "labour_positions": _param(
            "Labour-market positions ([] = any)",
            dated(list(conditions.labour_positions)),
            enum="LabourPosition",
        ),
        "purposes": _param("Purposes ([] = any)", dated(list(conditions.purposes)), enum="Purpose"),
        "cost_components": _param(
            "Price parts paid ([] = all)",
            dated(list(conditions.cost_components)),
            labels=COST_COMPONENTS,
        ),
        "needs_basic_skills": _param(
            "Only for people who need basic skills", dated(conditions.needs_basic_skills)
        ),
        "requires_register": _param(
            "The offer must be in the register with a valid quality mark",
            dated(conditions.requires_register),
        ),
        "co_payment_pct": _param(
            "Share the person pays, in percent", dated(conditions.co_payment_pct), unit="percent"
        ),
        "subsidiary": _param(
            "Used after every other right (funding plan order; no rule here)",
            dated(conditions.subsidiary),
        ),
    }
    optional = {
        "max_level": ("Highest NLQF level funded", "level"),
        "co_payment_above_level": ("The co-payment applies to offers above this level", "level"),
        "max_per_offer_cents": ("The most this money pays for one training", "cents"),
        "accumulation_cap_cents": ("The most all money together pays for one training", "cents"),
    }
    for name, (description, unit) in optional.items():
        value = getattr(conditions, name)
        if value is not None:
            data[name] = _param(description, dated(value), unit=unit)
    return data


def _number(code: str) -> int:
    """The number of a CBS code: GM0599 -> 599, AM05 -> 5."""
    return int(code[2:])


def funders_node(conditions: Sequence[FunderConditions]) -> ParameterNode:
    """The ``funders`` parameter node: ``f0``, ``f1``, ... in the order given."""
    keys = [c.key for c in conditions]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ConditionsError(f"funder key used twice: {', '.join(duplicates)}", item=duplicates[0])
    data = {f"f{i}": _node_data(c) for i, c in enumerate(conditions)}
    return ParameterNode("funders", data=data)


def digest(conditions: Sequence[FunderConditions]) -> str:
    return hashlib.sha256("".join(c.digest() for c in conditions).encode()).hexdigest()


def load_example(stem: str) -> FunderConditions:
    """A funder of ../shared/JOURNEYS.md, from ``funder/examples/<stem>.yaml``."""
    from llo.schemes.validation import load_yaml

    path = EXAMPLES_DIR / f"{stem}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in EXAMPLES_DIR.glob("*.yaml"))
        raise ConditionsError(f"no example funder '{stem}'.{suggest(stem, known)}", item=stem)
    data = load_yaml(path)
    return parse_conditions(_plain(data))


def example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES_DIR.glob("*.yaml"))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
