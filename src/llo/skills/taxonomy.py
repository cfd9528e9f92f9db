# SPDX-License-Identifier: EUPL-1.2
"""Read a taxonomy in ESCO's own CSV layouts and check it whole, without a database.

Three files, each optional: occupations (``occupations_nl.csv``), skills (``skills_nl.csv``)
and the occupation-skill relations (``occupationSkillRelations_nl.csv``: ``occupationUri,
relationType, skillType, skillUri``). ESCO's download has more columns than we use; extra
columns are ignored, missing ones are an error. :func:`read` finds every problem (a relation to
an occupation or skill that exists neither in the files nor already in llo, an unknown relation
type, a code that does not fit its ISCO group, a URI twice...) before anything is written: a
broken file is refused whole (:class:`TaxonomyError`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO

from llo.skills.codes import (
    ESCO_OCCUPATION_URI,
    ESCO_SKILL_URI,
    RELATION_TYPES,
    is_esco_code,
    skill_code_of,
    split_labels,
    unit_group,
)

OCCUPATION_COLUMNS = ("conceptUri", "iscoGroup", "preferredLabel", "altLabels", "code")
SKILL_COLUMNS = ("conceptUri", "skillType", "preferredLabel", "altLabels")
RELATION_COLUMNS = ("occupationUri", "relationType", "skillUri")
SKILL_TYPES = ("skill/competence", "knowledge")
#: ESCO marks concepts it no longer uses; those are not loaded.
LOADED_STATUSES = ("", "released")


@dataclass(frozen=True)
class Issue:
    file: str
    line: int  # 0: the file as a whole
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class TaxonomyError(Exception):
    """A taxonomy file that cannot be loaded; ``issues`` names every problem."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        shown = "; ".join(str(i) for i in issues[:5])
        more = f" (and {len(issues) - 5} more)" if len(issues) > 5 else ""
        super().__init__(f"The taxonomy has {len(issues)} problem(s): {shown}{more}")


@dataclass(frozen=True)
class OccupationRow:
    uri: str
    code: str
    isco_group: str
    preferred_label: str
    alt_labels: tuple[str, ...]
    hidden_labels: tuple[str, ...]
    description: str
    source: str


@dataclass(frozen=True)
class SkillRow:
    uri: str
    code: str
    skill_type: str
    reuse_level: str
    preferred_label: str
    alt_labels: tuple[str, ...]
    hidden_labels: tuple[str, ...]
    description: str
    source: str


@dataclass(frozen=True)
class RelationRow:
    occupation_uri: str
    skill_uri: str
    relation_type: str
    line: int = 0


@dataclass
class Taxonomy:
    occupations: list[OccupationRow] = field(default_factory=list)
    skills: list[SkillRow] = field(default_factory=list)
    relations: list[RelationRow] = field(default_factory=list)


def _source(uri: str, esco_prefix: str) -> str:
    return "esco" if uri.startswith(esco_prefix) else "llo"


def _rows(
    name: str, data: IO[str] | str, required: tuple[str, ...], issues: list[Issue]
) -> Iterable[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with their first line number (cells may span lines)."""
    handle = io.StringIO(data) if isinstance(data, str) else data
    reader = csv.DictReader(handle, strict=True)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        issues.append(Issue(name, 1, f"not a readable CSV file ({exc})"))
        return
    header = [h.lstrip("\ufeff").strip() for h in header]
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    if missing:
        issues.append(Issue(name, 1, f"missing column(s): {', '.join(missing)}"))
        return
    line = reader.line_num + 1
    try:
        for row in reader:
            if None in row:
                issues.append(Issue(name, line, "more cells than the header has columns"))
            yield line, {k: (v or "").strip() for k, v in row.items() if k is not None}
            line = reader.line_num + 1
    except csv.Error as exc:
        issues.append(Issue(name, reader.line_num, f"broken CSV ({exc})"))


def read(
    *,
    occupations: IO[str] | str | None = None,
    skills: IO[str] | str | None = None,
    relations: IO[str] | str | None = None,
    names: tuple[str, str, str] = (
        "occupations_nl.csv",
        "skills_nl.csv",
        "occupationSkillRelations_nl.csv",
    ),
    known_occupations: Callable[[set[str]], set[str]] = lambda uris: set(),
    known_skills: Callable[[set[str]], set[str]] = lambda uris: set(),
) -> Taxonomy:
    """Parse and check the given files; raise :class:`TaxonomyError` with every problem.

    ``known_occupations``/``known_skills`` say which of the given URIs llo holds already, so a
    relations file may refer to concepts loaded earlier."""
    issues: list[Issue] = []
    result = Taxonomy()
    occ_name, skill_name, rel_name = names
    if occupations is not None:
        result.occupations = _occupations(occ_name, occupations, issues)
    if skills is not None:
        result.skills = _skills(skill_name, skills, issues)
    if relations is not None:
        result.relations = _relations(rel_name, relations, issues)
        _check_references(rel_name, result, issues, known_occupations, known_skills)
    if issues:
        raise TaxonomyError(issues)
    return result


def _occupations(name: str, data: IO[str] | str, issues: list[Issue]) -> list[OccupationRow]:
    out: list[OccupationRow] = []
    uris: dict[str, int] = {}
    codes: dict[str, int] = {}
    for line, row in _rows(name, data, OCCUPATION_COLUMNS, issues):
        if row.get("status", "") not in LOADED_STATUSES:
            continue
        uri, code, group = row["conceptUri"], row["code"], row["iscoGroup"]
        label = " ".join(row["preferredLabel"].split())
        problems = []
        if not uri:
            problems.append("conceptUri is empty")
        elif uri in uris:
            problems.append(f"conceptUri {uri} is also on line {uris[uri]}")
        if not label:
            problems.append("preferredLabel is empty")
        if not is_esco_code(code):
            problems.append(f"code '{code}' is not an ESCO occupation code such as 7212.3")
        elif code in codes:
            problems.append(f"code {code} is also on line {codes[code]}")
        elif unit_group(code) != group:
            problems.append(f"code {code} does not lie in ISCO group '{group}'")
        if problems:
            issues.extend(Issue(name, line, p) for p in problems)
            continue
        uris[uri] = line
        codes[code] = line
        out.append(
            OccupationRow(
                uri=uri,
                code=code,
                isco_group=group,
                preferred_label=label,
                alt_labels=tuple(split_labels(row["altLabels"])),
                hidden_labels=tuple(split_labels(row.get("hiddenLabels", ""))),
                description=row.get("description", "") or row.get("definition", ""),
                source=_source(uri, ESCO_OCCUPATION_URI),
            )
        )
    return out


def _skills(name: str, data: IO[str] | str, issues: list[Issue]) -> list[SkillRow]:
    out: list[SkillRow] = []
    uris: dict[str, int] = {}
    codes: dict[str, int] = {}
    for line, row in _rows(name, data, SKILL_COLUMNS, issues):
        if row.get("status", "") not in LOADED_STATUSES:
            continue
        uri = row["conceptUri"]
        label = " ".join(row["preferredLabel"].split())
        code = skill_code_of(uri) if uri else ""
        problems = []
        if not uri:
            problems.append("conceptUri is empty")
        elif uri in uris:
            problems.append(f"conceptUri {uri} is also on line {uris[uri]}")
        elif not code or len(code) > 64:
            problems.append(f"conceptUri {uri} does not end in a usable code")
        elif code in codes:
            problems.append(f"the code {code} of {uri} is also on line {codes[code]}")
        if not label:
            problems.append("preferredLabel is empty")
        if row["skillType"] not in SKILL_TYPES:
            problems.append(
                f"skillType '{row['skillType']}' is not one of: {', '.join(SKILL_TYPES)}"
            )
        if problems:
            issues.extend(Issue(name, line, p) for p in problems)
            continue
        uris[uri] = line
        codes[code] = line
        out.append(
            SkillRow(
                uri=uri,
                code=code,
                skill_type=row["skillType"],
                reuse_level=row.get("reuseLevel", ""),
                preferred_label=label,
                alt_labels=tuple(split_labels(row["altLabels"])),
                hidden_labels=tuple(split_labels(row.get("hiddenLabels", ""))),
                description=row.get("description", "") or row.get("definition", ""),
                source=_source(uri, ESCO_SKILL_URI),
            )
        )
    return out


def _relations(name: str, data: IO[str] | str, issues: list[Issue]) -> list[RelationRow]:
    out: list[RelationRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in _rows(name, data, RELATION_COLUMNS, issues):
        occ, skill, kind = row["occupationUri"], row["skillUri"], row["relationType"]
        problems = []
        if not occ:
            problems.append("occupationUri is empty")
        if not skill:
            problems.append("skillUri is empty")
        if kind not in RELATION_TYPES:
            problems.append(f"relationType '{kind}' is not one of: {', '.join(RELATION_TYPES)}")
        if (occ, skill) in seen:
            problems.append(f"the relation of {occ} and {skill} is also on line {seen[occ, skill]}")
        if problems:
            issues.extend(Issue(name, line, p) for p in problems)
            continue
        seen[occ, skill] = line
        out.append(RelationRow(occ, skill, kind, line))
    return out


def _check_references(
    name: str,
    taxonomy: Taxonomy,
    issues: list[Issue],
    known_occupations: Callable[[set[str]], set[str]],
    known_skills: Callable[[set[str]], set[str]],
) -> None:
    """Every relation points at an occupation and a skill that exist after the import."""
    occ_uris = {r.occupation_uri for r in taxonomy.relations}
    skill_uris = {r.skill_uri for r in taxonomy.relations}
    occ_ok = {o.uri for o in taxonomy.occupations}
    skill_ok = {s.uri for s in taxonomy.skills}
    occ_ok |= known_occupations(occ_uris - occ_ok)
    skill_ok |= known_skills(skill_uris - skill_ok)
    if occ_uris <= occ_ok and skill_uris <= skill_ok:
        return
    for relation in taxonomy.relations:
        line_issues = []
        if relation.occupation_uri not in occ_ok:
            line_issues.append(f"occupationUri {relation.occupation_uri} is not a known occupation")
        if relation.skill_uri not in skill_ok:
            line_issues.append(f"skillUri {relation.skill_uri} is not a known skill")
        for message in line_issues:
            issues.append(Issue(name, relation.line, message))
        if len(issues) > 1000:
            issues.append(Issue(name, 0, "more than 1,000 problems; the rest is not listed"))
            return
