# SPDX-License-Identifier: EUPL-1.2
"""Checks of the rule files that policy staff edit, with the file and line of every problem.

OpenFisca reports a broken parameter file without a line, and a misspelt variable in a YAML
test only when that test runs. These checks run first (when the system is built, and before
``llo rules test`` runs anything), collect *all* problems, and report each as
``path:line: what is wrong``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext_lazy

from llo.core import vocabulary
from llo.schemes import enums
from llo.schemes.errors import RulesFileError, suggest

#: How sure a parameter's value is (its ``metadata.status``), with the words a page shows.
PARAMETER_STATUSES = {
    "confirmed": gettext_lazy("confirmed"),
    "unconfirmed": gettext_lazy("not yet confirmed"),
    "scenario": gettext_lazy("scenario"),
}
STATUSES = tuple(PARAMETER_STATUSES)
PARAMETER_KEYS = {"description", "metadata", "values", "documentation"}
VALUE_KEYS = {"value", "metadata"}
TEST_KEYS = {
    "name",
    "description",
    "keywords",
    "period",
    "input",
    "output",
    "reforms",
    "absolute_error_margin",
    "relative_error_margin",
}
#: Attribute names of OpenFisca's ParameterNode: a child with such a name would replace them.
RESERVED_NAMES = {"name", "children", "description", "documentation", "file_path", "metadata"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- YAML that remembers lines -------------------------------------------------------------
class LineDict(dict[Any, Any]):
    """A mapping from YAML with ``line`` (its own) and ``lines[key]`` (each key's line)."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list[Any]):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """Safe YAML; dates stay text (as OpenFisca reads them); duplicate keys are errors."""


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    # A key written twice is an error; a key that overrides one merged in with "<<: *anchor"
    # is not (the written one wins), so duplicates are checked before merging.
    written: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if key in written:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key '{key}' (line {line})", key_node.start_mark
            )
        written.add(key)
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


def _text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _text)


def load_yaml(path: Path, root: Path | None = None) -> Any:
    """Load a YAML file with line numbers, or raise RulesFileError at the broken line."""
    where = display_path(path, root)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = exc.problem or exc.context or "invalid YAML"
        raise RulesFileError(f"not valid YAML: {problem}", location=f"{where}:{line}") from None
    except OSError as exc:
        raise RulesFileError(f"cannot read the file: {exc}", location=where) from None


def display_path(path: Path, root: Path | None = None) -> str:
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            continue
    return str(path)


class Problems:
    """Collects problems; ``raise_all`` raises one RulesFileError listing every one."""

    def __init__(self) -> None:
        self.items: list[RulesFileError] = []

    def add(self, where: str, line: int, message: str, item: str = "") -> None:
        self.items.append(RulesFileError(message, item=item, location=f"{where}:{line}"))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_all(self) -> None:
        if not self.items:
            return
        if len(self.items) == 1:
            raise self.items[0]
        first = self.items[0]
        text = "\n".join(str(problem) for problem in self.items)
        raise RulesFileError(
            f"{len(self.items)} problems in the rule files:\n{text}",
            item=first.item,
            location="",
        )


# --- parameter files -----------------------------------------------------------------------
def _is_date(text: Any) -> bool:
    if not isinstance(text, str) or not _DATE.match(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int):
        return "whole number"
    if isinstance(value, float):
        return "decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def check_parameter_file(path: Path, name: str, root: Path | None = None) -> Problems:
    """Check one parameter file (``name`` is its dotted path, e.g. ``stap.max_amount_cents``)."""
    problems = Problems()
    where = display_path(path, root)
    try:
        data = load_yaml(path, root)
    except RulesFileError as exc:
        problems.items.append(exc)
        return problems
    if not isinstance(data, LineDict):
        problems.add(where, 1, f"parameter '{name}' must be a mapping with 'values'", name)
        return problems
    if path.stem == "index":
        for key in data:
            if key not in {"description", "metadata", "documentation"}:
                problems.add(where, data.line_of(key), f"unexpected key '{key}' in index", name)
        return problems
    for key in data:
        if key not in PARAMETER_KEYS:
            problems.add(
                where,
                data.line_of(key),
                f"unexpected key '{key}' in parameter '{name}'; "
                f"allowed: {', '.join(sorted(PARAMETER_KEYS))}",
                name,
            )
    if not isinstance(data.get("description"), str) or not data["description"].strip():
        problems.add(where, data.line, f"parameter '{name}' needs a description", name)
    metadata = data.get("metadata") or {}
    values = data.get("values")
    if not isinstance(values, LineDict) or not values:
        problems.add(
            where,
            data.line_of("values"),
            f"parameter '{name}' needs 'values': one entry per date from which a value applies",
            name,
        )
        return problems
    kinds: set[str] = set()
    for date_key, entry in values.items():
        line = values.line_of(date_key)
        label = f"{name} from {date_key}"
        if not _is_date(date_key):
            problems.add(where, line, f"'{date_key}' is not a date (write YYYY-MM-DD)", name)
            continue
        if not isinstance(entry, LineDict) or "value" not in entry:
            problems.add(
                where, line, f"{label}: write 'value:' and 'metadata:' under the date", name
            )
            continue
        for key in entry:
            if key not in VALUE_KEYS:
                problems.add(where, entry.line_of(key), f"{label}: unexpected key '{key}'", name)
        value = entry["value"]
        _check_value(problems, where, entry.line_of("value"), label, name, value, metadata)
        if value is not None:
            kinds.add(_kind(value))
        _check_value_metadata(problems, where, entry, label, name)
    if len(kinds) > 1:
        problems.add(
            where,
            values.line,
            f"parameter '{name}' mixes kinds of value ({', '.join(sorted(kinds))}); "
            "every date needs the same kind",
            name,
        )
    return problems


def _check_value(
    problems: Problems,
    where: str,
    line: int,
    label: str,
    name: str,
    value: Any,
    metadata: Mapping[str, Any],
) -> None:
    unit = metadata.get("unit", "")
    if isinstance(value, float) and (unit == "cents" or name.endswith("_cents")):
        problems.add(where, line, f"{label}: money is in whole cents, not {value}", name)
    if isinstance(value, dict):
        problems.add(where, line, f"{label}: a value cannot be a mapping", name)
    allowed = metadata.get("allowed_values")
    if allowed is not None and value is not None and value not in allowed:
        problems.add(where, line, f"{label}: '{value}' is not allowed; use one of: {allowed}", name)
    if unit == "level" and value is not None and value not in enums.LEVEL_RANK:
        problems.add(
            where,
            line,
            f"{label}: '{value}' is not a level; use one of: {', '.join(enums.LEVEL_RANK)}",
            name,
        )
    enum = str(metadata.get("enum", ""))
    if enum and value is not None:
        allowed_codes = vocabulary.codes(enum) if enum in vocabulary.VOCABULARIES else ()
        if not allowed_codes:
            problems.add(where, line, f"{label}: unknown enum '{enum}'", name)
        for item in value if isinstance(value, list) else [value]:
            if allowed_codes and item not in allowed_codes:
                problems.add(
                    where,
                    line,
                    f"{label}: '{item}' is not one of: {', '.join(allowed_codes)}",
                    name,
                )


def _check_value_metadata(
    problems: Problems, where: str, entry: LineDict, label: str, name: str
) -> None:
    meta = entry.get("metadata")
    if not isinstance(meta, LineDict):
        problems.add(
            where,
            entry.line,
            f"{label}: needs 'metadata' with 'status' and 'reference' (title and href)",
            name,
        )
        return
    status = meta.get("status")
    if status not in STATUSES:
        problems.add(
            where,
            meta.line_of("status"),
            f"{label}: status must be one of {', '.join(STATUSES)} (got {status!r})",
            name,
        )
    references = meta.get("reference")
    if not isinstance(references, list) or not references:
        problems.add(
            where,
            meta.line_of("reference"),
            f"{label}: needs a 'reference': a list of {{title, href}}",
            name,
        )
        return
    for reference in references:
        line = getattr(reference, "line", meta.line_of("reference"))
        if not isinstance(reference, Mapping):
            problems.add(where, line, f"{label}: a reference has a 'title' and an 'href'", name)
            continue
        if not str(reference.get("title", "")).strip():
            problems.add(where, line, f"{label}: the reference needs a title", name)
        href = str(reference.get("href", ""))
        if not href.startswith(("https://", "http://")):
            problems.add(where, line, f"{label}: the reference needs an href (a URL)", name)


def check_parameter_tree(directory: Path, prefix: str, root: Path | None = None) -> Problems:
    """Check every parameter file under ``directory`` (named ``prefix.<path>``)."""
    problems = Problems()
    for path in sorted(directory.rglob("*")):
        if path.suffix not in {".yaml", ".yml"} or not path.is_file():
            continue
        parts = [*path.relative_to(directory).with_suffix("").parts]
        name = ".".join([prefix, *parts])
        for part in parts:
            if part in RESERVED_NAMES:
                problems.add(
                    display_path(path, root),
                    1,
                    f"'{part}' cannot be a parameter name (OpenFisca uses it); choose another",
                    name,
                )
            if not re.match(r"^[a-z][a-z0-9_]*$", part):
                problems.add(
                    display_path(path, root),
                    1,
                    f"'{part}' is not a valid parameter name "
                    "(lower case letters, digits and _, starting with a letter)",
                    name,
                )
        problems.extend(check_parameter_file(path, name, root))
    return problems


# --- YAML test files -----------------------------------------------------------------------
def check_test_file(
    path: Path,
    variables: Iterable[str],
    *,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    scheme_title: str = "",
    root: Path | None = None,
) -> tuple[Problems, int]:
    """Check a YAML test file before it runs. Returns the problems and the number of tests."""
    problems = Problems()
    where = display_path(path, root)
    known = set(variables)
    try:
        data = load_yaml(path, root)
    except RulesFileError as exc:
        problems.items.append(exc)
        return problems, 0
    tests = data if isinstance(data, list) else [data]
    for index, test in enumerate(tests, start=1):
        if not isinstance(test, LineDict):
            problems.add(where, getattr(data, "line", 1), f"test {index} is not a mapping")
            continue
        name = test.get("name") or f"test {index}"
        for key in test:
            if key not in TEST_KEYS:
                problems.add(
                    where,
                    test.line_of(key),
                    f"test '{name}': unexpected key '{key}'.{suggest(str(key), TEST_KEYS)}",
                )
        if "name" not in test:
            problems.add(where, test.line, f"test {index} needs a 'name' saying the situation")
        period = test.get("period")
        if not _is_date(str(period)):
            problems.add(
                where,
                test.line_of("period"),
                f"test '{name}': period must be the application date as YYYY-MM-DD",
            )
        else:
            on = dt.date.fromisoformat(str(period))
            if (valid_from and on < valid_from) or (valid_until and on > valid_until):
                until = valid_until.isoformat() if valid_until else "no end"
                problems.add(
                    where,
                    test.line_of("period"),
                    f"test '{name}': {on} is outside {scheme_title} ({valid_from} to {until})",
                )
        if "output" not in test:
            problems.add(where, test.line, f"test '{name}' needs an 'output'")
        for section in ("input", "output"):
            block = test.get(section)
            if block is None:
                continue
            if not isinstance(block, LineDict):
                problems.add(where, test.line_of(section), f"test '{name}': {section} is a mapping")
                continue
            for variable in block:
                if variable not in known:
                    problems.add(
                        where,
                        block.line_of(variable),
                        f"test '{name}': unknown variable '{variable}' in {section}."
                        f"{suggest(str(variable), known)}",
                        str(variable),
                    )
        for reform in test.get("reforms") or []:
            problem = _check_reform(str(reform))
            if problem:
                problems.add(where, test.line_of("reforms"), f"test '{name}': {problem}", reform)
    return problems, len(tests)


def _check_reform(path: str) -> str:
    module_name, _, attribute = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return f"reform '{path}': module '{module_name}' not found"
    if not hasattr(module, attribute):
        return f"reform '{path}': '{module_name}' has no '{attribute}'"
    return ""
