# SPDX-License-Identifier: EUPL-1.2
"""Take-up rates of the what-if: the share of eligible persons who actually apply.

They live in ``take_up.yaml`` beside this module, each value with a source and a note. A rate
is kept as whole parts per million, so that the expected cost (eligible x take-up x amount)
stays exact integer arithmetic on cents: see :mod:`llo.schemes.simulation.run`.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llo.schemes import engine, validation
from llo.schemes.errors import suggest
from llo.schemes.simulation.reform import raise_all
from llo.schemes.validation import LineDict, Problems

TAKE_UP_FILE = Path(__file__).resolve().parent / "take_up.yaml"
#: CBS education groups, in the order of the population generator's buckets (0, 1, 2).
EDUCATION = ("low", "middle", "high")
PPM = 1_000_000


@dataclass(frozen=True)
class Rate:
    ppm: int
    source: str = ""
    note: str = ""

    @property
    def value(self) -> float:
        return self.ppm / PPM

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "source": self.source, "note": self.note}


@dataclass(frozen=True)
class SchemeTakeUp:
    scheme: str
    default: Rate
    by_education: dict[str, Rate] = field(default_factory=dict)

    def rate(self, group: str) -> Rate:
        return self.by_education.get(group, self.default)

    @property
    def ppm_by_education(self) -> tuple[int, ...]:
        """Parts per million for low, middle, high (the default where a group has none)."""
        return tuple(self.rate(group).ppm for group in EDUCATION)

    def as_json(self) -> dict[str, Any]:
        return {
            "default": self.default.as_json(),
            "by_education": {group: self.rate(group).as_json() for group in EDUCATION},
        }


@dataclass(frozen=True)
class TakeUp:
    schemes: dict[str, SchemeTakeUp]
    source: str = ""

    def get(self, scheme: str) -> SchemeTakeUp | None:
        return self.schemes.get(scheme)


def _rate(node: Any, where: str, line: int, label: str, problems: Problems) -> Rate | None:
    if not isinstance(node, LineDict) or "value" not in node:
        problems.add(where, line, f"{label}: write 'value', 'source' and 'note'", label)
        return None
    for key in node:
        if key not in ("value", "source", "note"):
            problems.add(where, node.line_of(key), f"{label}: unexpected key '{key}'", label)
    value = node["value"]
    at = node.line_of("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(where, at, f"{label}: the rate is a number from 0 to 1", label)
        return None
    # Through the decimal text, so 0.024 is exactly 24,000 parts per million.
    exact = decimal.Decimal(str(value)) * PPM
    if not 0 <= exact <= PPM or exact != exact.to_integral_value():
        problems.add(where, at, f"{label}: the rate is from 0 to 1 with at most 6 decimals", label)
        return None
    for key in ("source", "note"):
        if not str(node.get(key) or "").strip():
            problems.add(where, node.line, f"{label}: give a '{key}' for the value", label)
    return Rate(int(exact), str(node.get("source", "")).strip(), str(node.get("note", "")).strip())


def load_take_up(path: Path | None = None, *, system: engine.System | None = None) -> TakeUp:
    """Read and check the take-up file (default: ``take_up.yaml``); every problem is named
    with its file and line."""
    from llo.schemes.system import build_system

    system = system or build_system()
    path = path or TAKE_UP_FILE
    where = validation.display_path(path)
    problems = Problems()
    data = validation.load_yaml(path)
    schemes = data.get("schemes") if isinstance(data, LineDict) else None
    if not isinstance(schemes, LineDict):
        problems.add(where, getattr(data, "line", 1), "the file needs 'schemes:'")
        raise_all(problems, where)
        raise AssertionError  # raise_all raised: there was a problem
    result: dict[str, SchemeTakeUp] = {}
    for key, node in schemes.items():
        line = schemes.line_of(key)
        if key not in system.schemes:
            problems.add(
                where, line, f"unknown scheme '{key}'.{suggest(str(key), system.schemes)}", key
            )
            continue
        if not isinstance(node, LineDict):
            problems.add(where, line, f"'{key}': give 'default' (and 'by_education')", key)
            continue
        default = _rate(node.get("default"), where, node.line_of("default"), key, problems)
        groups: dict[str, Rate] = {}
        by_education = node.get("by_education") or {}
        for group, value in by_education.items():
            at = by_education.line_of(group) if isinstance(by_education, LineDict) else line
            if group not in EDUCATION:
                problems.add(
                    where,
                    at,
                    f"'{key}': education group '{group}' is one of {', '.join(EDUCATION)}",
                    key,
                )
                continue
            rate = _rate(value, where, at, f"{key}.{group}", problems)
            if rate is not None:
                groups[group] = rate
        if default is not None:
            result[str(key)] = SchemeTakeUp(str(key), default, groups)
    raise_all(problems, where)
    return TakeUp(result, where)
