# SPDX-License-Identifier: EUPL-1.2
"""Reform files: parameter changes with dates, written by policy staff in YAML, no Python.

::

    name: LLO-bedrag naar 1.500 euro
    description: Meer geld per persoon per jaar.
    changes:
      llo_regeling.amount_per_person_per_year_cents:   # a parameter path
        2027-01-01: 150000                              # from this date: this value

A value applies from its date until the next date given for the same parameter (and replaces
every later value of the baseline). The whole file is checked against the rules before anything
runs, and *every* problem is reported with the file, the line and the item: an unknown
parameter (with the nearest known one), a date that is not a date or lies outside the scheme's
validity, a value of the wrong kind (money in whole cents, a level code, an allowed choice).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openfisca_core.parameters import Parameter, ParameterNode

from llo.schemes import engine, validation
from llo.schemes.errors import RulesError, RulesFileError
from llo.schemes.validation import LineDict, Problems

TOP_KEYS = ("name", "description", "changes")
#: The longest list a parameter value can be (lists of occupations, purposes, windows).
MAX_LIST = 1000
#: Parameters a reform file cannot change: funder conditions come from the funders' forms.
NOT_REFORMABLE = ("funders",)


@dataclass(frozen=True)
class Change:
    parameter: str
    start: dt.date
    value: Any
    line: int = 0


@dataclass(frozen=True)
class ReformSpec:
    """A checked reform file."""

    name: str
    description: str
    changes: tuple[Change, ...]
    source: str = ""

    def as_changes(self) -> dict[str, dict[str, Any]]:
        """The changes as ``engine.apply_reform`` takes them."""
        result: dict[str, dict[str, Any]] = {}
        for change in self.changes:
            result.setdefault(change.parameter, {})[change.start.isoformat()] = change.value
        return result

    @property
    def digest(self) -> str:
        text = json.dumps(self.as_changes(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "digest": self.digest,
            "changes": [
                {"parameter": c.parameter, "from": c.start.isoformat(), "value": c.value}
                for c in self.changes
            ],
        }


class ReformFileError(RulesFileError):
    """Every problem of a reform file; ``problems`` holds each one (with its ``location``
    ``file:line`` and ``item``), so a form can show them one per line."""

    def __init__(self, source: str, problems: list[RulesFileError]) -> None:
        self.problems = problems
        first = problems[0]
        if len(problems) == 1:
            super().__init__(first.message, item=first.item, location=first.location)
        else:
            text = "\n".join(str(problem) for problem in problems)
            super().__init__(f"{len(problems)} problems in {source}:\n{text}", item=first.item)


def raise_all(problems: Problems, source: str) -> None:
    """Raise one ReformFileError naming every problem (``file:line: what``), or nothing."""
    if problems:
        raise ReformFileError(source, list(problems.items))


def parameter_paths(system: engine.System) -> list[str]:
    """Every reformable parameter as a dotted path (the names a reform file can use)."""

    def walk(node: Any, prefix: str) -> Iterator[str]:
        for name, child in node.children.items():
            path = f"{prefix}.{name}" if prefix else name
            if isinstance(child, Parameter):
                yield path
            elif isinstance(child, ParameterNode):
                yield from walk(child, path)

    return [
        path for path in walk(system.parameters, "") if path.split(".", 1)[0] not in NOT_REFORMABLE
    ]


def nearest(name: str, known: list[str]) -> str:
    """' Did you mean 'x'?' with the nearest known parameter path (by whole path, then by its
    last part, so 'llo_regeling.amount_per_person_cents' finds the yearly amount)."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not close:
        last = name.rsplit(".", 1)[-1]
        by_last = {path.rsplit(".", 1)[-1]: path for path in known}
        match = difflib.get_close_matches(last, list(by_last), n=1, cutoff=0.6)
        close = [by_last[match[0]]] if match else []
    return f" Did you mean '{close[0]}'?" if close else ""


def _load_text(text: str, where: str) -> Any:
    """YAML text with line numbers (``validation``'s loader: dates stay text, a key written
    twice is an error), or RulesFileError at the broken line."""
    try:
        return yaml.load(text, Loader=validation._LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = exc.problem or exc.context or "invalid YAML"
        error = RulesFileError(f"not valid YAML: {problem}", location=f"{where}:{line}")
        raise ReformFileError(where, [error]) from None


def load_reform(
    path: Path, *, system: engine.System | None = None, display: str = ""
) -> ReformSpec:
    """Read and check a reform file; ``display`` is the name errors use (default: the path)."""
    where = display or validation.display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        error = RulesFileError(f"cannot read the reform file: {exc}", location=where)
        raise ReformFileError(where, [error]) from None
    return parse_reform(text, source=where, system=system)


def parse_reform(
    text: str, *, source: str = "reform.yaml", system: engine.System | None = None
) -> ReformSpec:
    """Check reform YAML text against the rules; RulesFileError lists every problem."""
    from llo.schemes.system import build_system

    system = system or build_system()
    data = _load_text(text, source)
    problems = Problems()
    if not isinstance(data, LineDict):
        problems.add(source, getattr(data, "line", 1), "a reform file is a mapping with 'changes'")
        raise_all(problems, source)
    for key in data:
        if key not in TOP_KEYS:
            problems.add(
                source,
                data.line_of(key),
                f"unexpected key '{key}'; a reform file has: {', '.join(TOP_KEYS)}."
                f"{nearest(str(key), list(TOP_KEYS))}",
                str(key),
            )
    name = data.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        problems.add(source, data.line_of("name"), "'name' must be text", "name")
    description = data.get("description") or ""
    if not isinstance(description, str):
        problems.add(source, data.line_of("description"), "'description' must be text")
    changes = data.get("changes")
    found: list[Change] = []
    if not isinstance(changes, LineDict) or not changes:
        problems.add(
            source,
            data.line_of("changes"),
            "give 'changes': a parameter path with, under it, 'YYYY-MM-DD: value' lines",
            "changes",
        )
    else:
        known = parameter_paths(system)
        for path, values in changes.items():
            found.extend(
                _check_parameter(system, source, changes, str(path), values, known, problems)
            )
    raise_all(problems, source)
    return ReformSpec(
        name=str(name).strip() if isinstance(name, str) and name.strip() else Path(source).stem,
        description=str(description).strip(),
        changes=tuple(found),
        source=source,
    )


def _check_parameter(
    system: engine.System,
    source: str,
    changes: LineDict,
    path: str,
    values: Any,
    known: list[str],
    problems: Problems,
) -> list[Change]:
    line = changes.line_of(path)
    if path.split(".", 1)[0] in NOT_REFORMABLE:
        problems.add(
            source, line, f"'{path}': funder conditions come from the funders' forms", path
        )
        return []
    try:
        parameter = engine.find_parameter(system, path)
    except RulesError:
        inside = [k for k in known if k.startswith(path + ".")]
        if inside:
            problems.add(
                source,
                line,
                f"'{path}' is a group of parameters; name one of: {', '.join(inside)}",
                path,
            )
        else:
            problems.add(source, line, f"unknown parameter '{path}'.{nearest(path, known)}", path)
        return []
    if not isinstance(values, LineDict) or not values:
        problems.add(
            source,
            line,
            f"'{path}': under the parameter write one line per date: 'YYYY-MM-DD: value'",
            path,
        )
        return []
    scheme = system.schemes.get(path.split(".", 1)[0])
    result: list[Change] = []
    for when, value in values.items():
        at = values.line_of(when)
        try:
            start = dt.date.fromisoformat(str(when))
        except ValueError:
            problems.add(source, at, f"'{path}': '{when}' is not a date (write YYYY-MM-DD)", path)
            continue
        if scheme is not None and not scheme.applies_on(start):
            until = scheme.valid_until.isoformat() if scheme.valid_until else "no end date"
            problems.add(
                source,
                at,
                f"'{path}' from {start}: {scheme.title} ('{scheme.key}') applies from "
                f"{scheme.valid_from} to {until}; a change must start inside that period",
                path,
            )
            continue
        before = len(problems.items)
        _check_value(parameter, path, value, source, at, start, problems)
        if len(problems.items) == before:
            result.append(Change(path, start, _plain(value), at))
    return result


def _plain(value: Any) -> Any:
    """LineList/LineDict to plain list/dict (the engine and JSON want plain values)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _check_value(
    parameter: Parameter,
    path: str,
    value: Any,
    source: str,
    line: int,
    start: dt.date,
    problems: Problems,
) -> None:
    label = f"{path} from {start}"
    if value is None:
        problems.add(source, line, f"{label}: give a value", path)
        return
    if isinstance(value, Mapping):
        problems.add(source, line, f"{label}: write the value itself after the date", path)
        return
    # A value is one value or a flat list of them (this also keeps YAML aliases from blowing
    # a small text up into a huge nested structure).
    if isinstance(value, list) and (
        len(value) > MAX_LIST or any(isinstance(v, list | Mapping) for v in value)
    ):
        problems.add(
            source, line, f"{label}: a value is one value or a list of at most {MAX_LIST}", path
        )
        return
    metadata = parameter.metadata
    money = metadata.get("unit") == "cents" or path.endswith("_cents")
    if money and isinstance(value, int) and not isinstance(value, bool) and value < 0:
        problems.add(source, line, f"{label}: money cannot be negative ({value} cents)", path)
        return
    # The same checks as the parameter files (allowed values, levels, enum codes, cents)...
    before = len(problems.items)
    validation._check_value(problems, source, line, label, path, _plain(value), metadata)
    if len(problems.items) > before:
        return
    # ...and the engine's own check that the value is of the parameter's kind.
    try:
        engine._check_reform_value(parameter, path, _plain(value))
    except RulesError as exc:
        problems.add(source, line, exc.message, path)
