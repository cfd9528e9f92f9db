# SPDX-License-Identifier: EUPL-1.2
"""Funder conditions as OpenFisca parameters. An employer's development budget, an O&O-fund's
sector budget, a municipality's basic-skills budget... are not new Python code: a funder fills
in a form, :mod:`llo.schemes.funder_conditions` checks the dict (the one parser), and this
module turns it into *parameters* of one generic set of formulas (``funder/variables/funder.py``).

Several funders are evaluated in one vectorised run: their conditions become the parameter
nodes ``funders.f0``, ``funders.f1``, ... and the input ``funder_index`` says which funder each
row is checked against. Validity is the parameter ``active`` (true from ``valid_from``, false
from the day after ``valid_until``); the conditions apply from ``valid_from``, the date a
decision record shows for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openfisca_core.parameters import ParameterNode

from llo.schemes.errors import ConditionsError, suggest
from llo.schemes.funder_conditions import ALWAYS, FunderConditions, parse_conditions

EXAMPLES_DIR = Path(__file__).resolve().parent / "funder" / "examples"

__all__ = [
    "ALWAYS",
    "ConditionsError",
    "FunderConditions",
    "digest",
    "example_names",
    "funders_node",
    "load_example",
    "parse_conditions",
]


def _param(description: str, values: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return {"description": description, "metadata": metadata, "values": values}


def _node_data(conditions: FunderConditions) -> dict[str, Any]:
    """One funder's conditions as OpenFisca parameter data."""
    reference = dict(conditions.reference) or {
        "title": f"Voorwaarden van {conditions.name} ({conditions.ident}), ingesteld in llo",
        "href": f"https://llo.example.nl/funders/{conditions.ident}",
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
        "key": _param("Funder key", forever(conditions.ident)),
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
            enum="CostComponent",
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
    keys = [c.ident for c in conditions]
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
