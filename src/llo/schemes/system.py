# SPDX-License-Identifier: EUPL-1.2
"""The llo tax-benefit system: every scheme's variables and parameters in one OpenFisca
system, built once per process (:func:`build_system` is cached) and checked while it is built.

Layout of a scheme (openfisca-country-template style)::

    schemes/<key>/scheme.yaml     title, validity, eligible/amount variables, the conditions in
                                  the order of the reasons with their Dutch B1 sentences
    schemes/<key>/parameters/     one YAML file per parameter: dated values with status and
                                  reference; its tree is ``<key>.<path>``
    schemes/<key>/variables/      Python: Input, Derived and Condition variables
    schemes/<key>/tests/          OpenFisca YAML tests (``llo rules test``)

``schemes/common/`` holds what all schemes share (inputs, age, AOW age, price incl. VAT).

A scheme's rule version is ``<llo version>+<key>.<12 hex>``: a hash of its own files and of
the shared rule code, so any change to a parameter, a sentence or a formula gives a new version.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy
from openfisca_core.errors import ParameterParsingError
from openfisca_core.parameters import ParameterNode
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

import llo
from llo.schemes import reasons
from llo.schemes.base import Person, is_condition
from llo.schemes.errors import (
    OutsideValidityError,
    RulesFileError,
    UnknownSchemeError,
    suggest,
)
from llo.schemes.validation import LineDict, Problems, check_parameter_tree, load_yaml

SCHEMES_DIR = Path(__file__).resolve().parent
COMMON = "common"
SCHEME_KEYS = ("stap", "llo_regeling", "funder")
#: Shared rule code: a change here changes every scheme's rule version.
SHARED_FILES = ("base.py", "enums.py", "dates.py", "known.py")
SCHEME_KEYS_IN_FILE = {
    "key",
    "title",
    "description",
    "status",
    "valid_from",
    "valid_until",
    "reference",
    "eligible",
    "amount",
    "outputs",
    "conditions",
}


@dataclass(frozen=True)
class ConditionText:
    variable: str
    passed: str
    failed: str
    line: int = 0
    #: The sentence when a fact the condition needs is not known yet (optional).
    unknown: str = ""
    #: The condition itself, for someone who has not applied yet (optional): what a right's
    #: page and the learning overview show ("Alleen voor opleidingen tot en met niveau 4.").
    rule: str = ""


#: Where a scheme stands (``status`` in its scheme.yaml), with the words a page shows.
SCHEME_STATUSES = {
    "live": gettext_lazy("in use"),
    "scenario": gettext_lazy("proposal (scenario)"),
    "historical": gettext_lazy("ended; kept to explain earlier decisions"),
}


@dataclass(frozen=True)
class Scheme:
    key: str
    title: str
    description: str
    status: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    reference: Mapping[str, str]
    eligible: str
    amount: str
    outputs: tuple[str, ...]
    conditions: tuple[ConditionText, ...]
    directory: Path
    files_hash: str = ""
    file_path: Path = field(default_factory=Path)

    @property
    def status_label(self) -> str:
        return str(SCHEME_STATUSES.get(self.status, self.status))

    @property
    def rule_version(self) -> str:
        return f"{llo.__version__}+{self.key}.{self.files_hash[:12]}"

    @property
    def condition_names(self) -> tuple[str, ...]:
        return tuple(c.variable for c in self.conditions)

    @property
    def test_directory(self) -> Path:
        return self.directory / "tests"

    def applies_on(self, on: dt.date) -> bool:
        return (self.valid_from is None or on >= self.valid_from) and (
            self.valid_until is None or on <= self.valid_until
        )

    def check_date(self, on: dt.date) -> None:
        """Raise OutsideValidityError when ``on`` is outside the scheme's application period."""
        if self.applies_on(on):
            return
        until = self.valid_until.isoformat() if self.valid_until else "no end date"
        raise OutsideValidityError(
            f"{self.title} ('{self.key}') applies to applications from "
            f"{self.valid_from} to {until}; {on.isoformat()} is outside that period",
            item=self.key,
        )

    def outputs_all(self) -> tuple[str, ...]:
        return (self.eligible, self.amount, *self.condition_names, *self.outputs)


class LloSystem(TaxBenefitSystem):
    """All schemes in one OpenFisca system. Build it with :func:`build_system` (cached)."""

    def __init__(self) -> None:
        super().__init__([Person])
        self.schemes: dict[str, Scheme] = {}
        problems = Problems()
        problems.extend(check_parameter_tree(SCHEMES_DIR / COMMON / "parameters", COMMON))
        for key in SCHEME_KEYS:
            directory = SCHEMES_DIR / key / "parameters"
            if directory.is_dir():
                problems.extend(check_parameter_tree(directory, key))
        problems.raise_all()
        for package in (COMMON, *SCHEME_KEYS):
            for variable in _variables_of(package):
                self.add_variable(variable)
        self.parameters = _load_parameters()
        for key in SCHEME_KEYS:
            self.schemes[key] = _load_scheme(self, key)

    def scheme(self, key: str) -> Scheme:
        try:
            return self.schemes[key]
        except KeyError:
            raise UnknownSchemeError(
                f"unknown scheme '{key}'; known: {', '.join(self.schemes)}."
                f"{suggest(key, self.schemes)}",
                item=key,
            ) from None


def _variables_of(package: str) -> Iterator[type[Variable]]:
    """Variable classes defined in ``llo.schemes.<package>.variables.*`` (imported normally,
    once, rather than re-executed per system as OpenFisca's directory loader does)."""
    base = f"llo.schemes.{package}.variables"
    module = importlib.import_module(base)
    for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda i: i.name):
        sub = importlib.import_module(f"{base}.{info.name}")
        for value in vars(sub).values():
            if (
                isinstance(value, type)
                and issubclass(value, Variable)
                and value.__module__ == sub.__name__
            ):
                yield value


def _load_parameters() -> ParameterNode:
    root = ParameterNode("", data={})
    for package in (COMMON, *SCHEME_KEYS):
        directory = SCHEMES_DIR / package / "parameters"
        if not directory.is_dir():
            continue
        try:
            root.add_child(package, ParameterNode(package, directory_path=str(directory)))
        except ParameterParsingError as exc:  # after our own checks this is unexpected
            raise RulesFileError(str(exc), item=package, location=str(directory)) from None
    # Funder conditions are built at run time (llo.schemes.funders); none are configured here.
    root.add_child("funders", ParameterNode("funders", data={}))
    return root


def _date_or_none(value: Any, where: str, line: int, name: str, problems: Problems) -> Any:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.add(where, line, f"'{name}' must be a date YYYY-MM-DD or null", name)
        return None


def _load_scheme(system: LloSystem, key: str) -> Scheme:
    directory = SCHEMES_DIR / key
    path = directory / "scheme.yaml"
    where = f"src/llo/schemes/{key}/scheme.yaml"
    problems = Problems()
    data = load_yaml(path, SCHEMES_DIR.parent.parent.parent)
    if not isinstance(data, LineDict):
        raise RulesFileError("scheme.yaml must be a mapping", item=key, location=f"{where}:1")
    for name in data:
        if name not in SCHEME_KEYS_IN_FILE:
            problems.add(
                where,
                data.line_of(name),
                f"unexpected key '{name}'.{suggest(str(name), SCHEME_KEYS_IN_FILE)}",
                str(name),
            )
    if data.get("key") != key:
        problems.add(where, data.line_of("key"), f"'key' must be '{key}' (the folder name)", key)
    texts: list[ConditionText] = []
    conditions = data.get("conditions") or []
    for entry in conditions:
        line = getattr(entry, "line", data.line_of("conditions"))
        if not isinstance(entry, Mapping) or not {"variable", "passed", "failed"} <= set(entry):
            problems.add(where, line, "each condition needs 'variable', 'passed' and 'failed'")
            continue
        for extra in sorted(set(entry) - {"variable", "passed", "failed", "unknown", "rule"}):
            problems.add(where, line, f"unexpected key '{extra}' in a condition", str(extra))
        name = str(entry["variable"])
        variable = system.variables.get(name)
        if variable is None:
            problems.add(
                where,
                line,
                f"unknown variable '{name}'.{suggest(name, system.variables)}",
                name,
            )
        elif not is_condition(variable):
            problems.add(where, line, f"'{name}' is not a Condition variable", name)
        for which in ("passed", "failed", "unknown", "rule"):
            if which not in entry:
                continue
            sentence = str(entry[which]).strip()
            if not sentence.endswith((".", "!", "?")) or len(sentence.split()) > 40:
                problems.add(
                    where,
                    entry.line_of(which) if isinstance(entry, LineDict) else line,
                    f"the '{which}' sentence of '{name}' must be short (B1, at most 40 words) "
                    "and end with a full stop",
                    name,
                )
        texts.append(
            ConditionText(
                name,
                str(entry["passed"]),
                str(entry["failed"]),
                line,
                str(entry.get("unknown") or ""),
                str(entry.get("rule") or ""),
            )
        )
    listed = [t.variable for t in texts]
    declared = sorted(
        name
        for name, variable in system.variables.items()
        if is_condition(variable)
        and variable.__class__.__module__.startswith(f"llo.schemes.{key}.")
    )
    for name in declared:
        if listed.count(name) != 1:
            problems.add(
                where,
                data.line_of("conditions"),
                f"condition '{name}' must be listed exactly once under 'conditions'",
                name,
            )
    for name in ("eligible", "amount"):
        if str(data.get(name)) not in system.variables:
            problems.add(where, data.line_of(name), f"'{name}' must name a variable", name)
    outputs = tuple(str(o) for o in data.get("outputs") or [])
    for name in outputs:
        if name not in system.variables:
            problems.add(where, data.line_of("outputs"), f"unknown output variable '{name}'", name)
    valid_from = _date_or_none(
        data.get("valid_from"), where, data.line_of("valid_from"), "valid_from", problems
    )
    valid_until = _date_or_none(
        data.get("valid_until"), where, data.line_of("valid_until"), "valid_until", problems
    )
    problems.raise_all()
    scheme = Scheme(
        key=key,
        title=str(data.get("title", key)),
        description=str(data.get("description", "")),
        status=str(data.get("status", "")),
        valid_from=valid_from,
        valid_until=valid_until,
        reference=dict(data.get("reference") or {}),
        eligible=str(data["eligible"]),
        amount=str(data["amount"]),
        outputs=outputs,
        conditions=tuple(texts),
        directory=directory,
        files_hash=files_hash(key),
        file_path=path,
    )
    _check_sentences(system, scheme, where)
    return scheme


def _check_sentences(system: LloSystem, scheme: Scheme, where: str) -> None:
    """Every name in braces must be a parameter that exists on the scheme's first day."""
    from llo.schemes.funder_conditions import FunderConditions
    from llo.schemes.funders import funders_node

    problems = Problems()
    on = scheme.valid_from or dt.date(2026, 1, 1)
    extra: dict[str, Any] = {}
    if scheme.key == "funder":
        # A sample funder with every optional condition set, so that every name resolves.
        sample = FunderConditions(
            key="sample",
            name="Voorbeeld",
            valid_from=on,
            max_level="eqf_4",
            co_payment_above_level="eqf_4",
            max_per_offer_cents=1,
            accumulation_cap_cents=1,
        )
        extra["funder"] = reasons.ParamView(funders_node([sample]).children["f0"], on.isoformat())
    context = reasons.context_for(system.parameters, on, **extra)
    for text in scheme.conditions:
        for sentence in (text.passed, text.failed, text.unknown, text.rule):
            try:
                reasons.render(sentence, context)
            except Exception as exc:  # reported with its line, never swallowed
                problems.add(
                    where, text.line, f"sentence of '{text.variable}': {exc}", text.variable
                )
    problems.raise_all()


def files_hash(key: str) -> str:
    """sha256 of the scheme's files and the shared rule files (paths and bytes, sorted)."""
    digest = hashlib.sha256()
    paths: list[Path] = [SCHEMES_DIR / name for name in SHARED_FILES]
    for folder in (SCHEMES_DIR / COMMON, SCHEMES_DIR / key):
        paths.extend(
            p
            for p in folder.rglob("*")
            if p.is_file()
            and p.suffix in {".py", ".yaml", ".yml"}
            and "tests" not in p.relative_to(folder).parts
            and "__pycache__" not in p.parts
        )
    for path in sorted(set(paths)):
        digest.update(str(path.relative_to(SCHEMES_DIR)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def build_system() -> LloSystem:
    """The system with every scheme, built once per process and then shared (read only)."""
    return LloSystem()
