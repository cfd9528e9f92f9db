# SPDX-License-Identifier: EUPL-1.2
"""Reads of the skills language, as plain dataclasses: search by any Dutch label, labels for
codes (pages show labels, never bare codes), an occupation with its skills, and the names of
ISCO-08 groups.

Resolving what a person typed (a code, a URI or any Dutch label) into one code lives in
:mod:`llo.skills.resolve`.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from llo.skills.codes import is_esco_code, is_isco_code, normalise
from llo.skills.models import (
    LabelKind,
    Occupation,
    OccupationLabel,
    OccupationSkill,
    RelationType,
    Skill,
    SkillLabel,
)


@dataclass(frozen=True)
class Term:
    """A concept by code and its Dutch name."""

    code: str
    label: str


@dataclass(frozen=True)
class Match:
    """A search hit: the concept and the label that matched (which may be another name)."""

    code: str
    label: str
    matched: str
    isco_group: str = ""


@dataclass(frozen=True)
class OccupationDetail:
    code: str
    label: str
    uri: str
    isco_group: str
    isco_group_label: str
    alt_labels: tuple[str, ...]
    description: str
    source: str
    essential: tuple[Term, ...] = ()
    optional: tuple[Term, ...] = ()


@dataclass(frozen=True)
class SkillDetail:
    code: str
    label: str
    uri: str
    skill_type: str
    alt_labels: tuple[str, ...]
    description: str
    source: str
    essential_for: tuple[Term, ...] = ()
    optional_for: tuple[Term, ...] = ()


def code_order(code: str) -> tuple[int, ...]:
    """7212.3 before 7212.10 (codes sort by their numbers, not as text)."""
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


# --- search -----------------------------------------------------------------------------------


_RANK = {LabelKind.PREFERRED: 0, LabelKind.ALTERNATIVE: 1, LabelKind.HIDDEN: 2}


def _search(
    label_model: type[OccupationLabel] | type[SkillLabel], fk: str, q: str, limit: int
) -> list[Match]:
    key = normalise(q)
    if not key:
        return []
    best: dict[str, tuple[tuple[int, int, int, str], Match]] = {}
    # Exact, then starts-with, then contains: three narrow queries rather than one wide one.
    stages = (Q(key=key), Q(key__startswith=key) & ~Q(key=key), Q(key__contains=key))
    for stage, condition in enumerate(stages):
        rows = (
            label_model.objects.filter(condition)
            .values_list(
                "text",
                "kind",
                f"{fk}__code",
                f"{fk}__preferred_label",
                *(("occupation__isco_group",) if fk == "occupation" else ()),
            )
            .order_by("key")[: limit * 4]
        )
        for text, kind, code, preferred, *group in rows:
            rank = (stage, _RANK.get(kind, 3), len(text), preferred)
            if code not in best or rank < best[code][0]:
                best[code] = (rank, Match(code, preferred, text, group[0] if group else ""))
        if len(best) >= limit:
            break
    return [m for _rank, m in sorted(best.values(), key=lambda item: item[0])][:limit]


def search_occupations(q: str, limit: int = 20) -> list[Match]:
    """Occupations with a Dutch label (preferred, alternative or search term) that equals,
    starts with or contains ``q``; exact hits and preferred names first."""
    return _search(OccupationLabel, "occupation", q, limit)


def search_skills(q: str, limit: int = 20) -> list[Match]:
    return _search(SkillLabel, "skill", q, limit)


# --- labels for codes ---------------------------------------------------------------------


def occupation_labels(codes: Iterable[str]) -> dict[str, str]:
    """Code → Dutch name for the known occupation codes among ``codes``."""
    wanted = {str(c) for c in codes if c}
    if not wanted:
        return {}
    return dict(Occupation.objects.filter(code__in=wanted).values_list("code", "preferred_label"))


def skill_labels(codes: Iterable[str]) -> dict[str, str]:
    wanted = {str(c) for c in codes if c}
    if not wanted:
        return {}
    return dict(Skill.objects.filter(code__in=wanted).values_list("code", "preferred_label"))


def occupation_terms(codes: Iterable[str]) -> list[Term]:
    """The occupations in the order given, unknown codes left out."""
    ordered = [str(c) for c in codes]
    names = occupation_labels(ordered)
    return [Term(c, names[c]) for c in dict.fromkeys(ordered) if c in names]


def form_names(occupation_codes: Iterable[str]) -> list[str]:
    """How a form shows the occupations so that they resolve back to the same codes: the name,
    or the name with the code for the few ESCO names two occupations share
    ("banketbakker (7512.3)")."""
    terms = occupation_terms(occupation_codes)
    keys = {t.code: normalise(t.label) for t in terms}
    shared = set(
        OccupationLabel.objects.filter(kind=LabelKind.PREFERRED, key__in=set(keys.values()))
        .values("key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("key", flat=True)
    )
    return [f"{t.label} ({t.code})" if keys[t.code] in shared else t.label for t in terms]


def skill_terms(codes: Iterable[str]) -> list[Term]:
    ordered = [str(c) for c in codes]
    names = skill_labels(ordered)
    return [Term(c, names[c]) for c in dict.fromkeys(ordered) if c in names]


def every_label(occupation_codes: Iterable[str], skill_codes: Iterable[str] = ()) -> list[str]:
    """Every Dutch label of the given occupations and skills (search terms included): what the
    register's search index holds so an offer is found by any name of its occupation."""
    occ = {str(c) for c in occupation_codes if c}
    sk = {str(c) for c in skill_codes if c}
    out: list[str] = []
    if occ:
        out += OccupationLabel.objects.filter(occupation__code__in=occ).values_list(
            "text", flat=True
        )
    if sk:
        out += SkillLabel.objects.filter(skill__code__in=sk).values_list("text", flat=True)
    return out


@functools.lru_cache(maxsize=1)
def names() -> tuple[dict[str, str], dict[str, str]]:
    """code → Dutch name of every occupation and skill (for lists of many offers). Cached per
    process; :func:`clear_caches` after an import."""
    return (
        dict(Occupation.objects.values_list("code", "preferred_label")),
        dict(Skill.objects.values_list("code", "preferred_label")),
    )


@functools.lru_cache(maxsize=1)
def label_index() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """code → every label, for occupations and skills: for indexing many offers at once.
    Cached per process; :func:`clear_caches` after an import."""
    occ: dict[str, list[str]] = {}
    for code, text in OccupationLabel.objects.values_list("occupation__code", "text"):
        occ.setdefault(code, []).append(text)
    sk: dict[str, list[str]] = {}
    for code, text in SkillLabel.objects.values_list("skill__code", "text"):
        sk.setdefault(code, []).append(text)
    return (
        {c: tuple(v) for c, v in occ.items()},
        {c: tuple(v) for c, v in sk.items()},
    )


# --- one concept --------------------------------------------------------------------------


def occupation(code: str) -> OccupationDetail | None:
    found = Occupation.objects.filter(code=code).first()
    if found is None:
        return None
    essential, optional = _by_relation(
        OccupationSkill.objects.filter(occupation=found)
        .order_by("skill__preferred_label")
        .values_list("relation_type", "skill__code", "skill__preferred_label")
    )
    return OccupationDetail(
        code=found.code,
        label=found.preferred_label,
        uri=found.uri,
        isco_group=found.isco_group,
        isco_group_label=isco_group_label(found.isco_group),
        alt_labels=tuple(found.alt_labels),
        description=found.description,
        source=found.source,
        essential=essential,
        optional=optional,
    )


def skill(code: str) -> SkillDetail | None:
    found = Skill.objects.filter(code=code).first()
    if found is None:
        return None
    essential, optional = _by_relation(
        OccupationSkill.objects.filter(skill=found)
        .order_by("occupation__preferred_label")
        .values_list("relation_type", "occupation__code", "occupation__preferred_label")
    )
    return SkillDetail(
        code=found.code,
        label=found.preferred_label,
        uri=found.uri,
        skill_type=found.skill_type,
        alt_labels=tuple(found.alt_labels),
        description=found.description,
        source=found.source,
        essential_for=essential,
        optional_for=optional,
    )


def skills_of(occupation_codes: Iterable[str], essential_only: bool = True) -> list[Term]:
    """The skills the given occupations need (essential ones, or all)."""
    rows = OccupationSkill.objects.filter(occupation__code__in=list(occupation_codes))
    if essential_only:
        rows = rows.filter(relation_type=RelationType.ESSENTIAL)
    pairs = dict(rows.values_list("skill__code", "skill__preferred_label"))
    return sorted((Term(c, n) for c, n in pairs.items()), key=lambda t: t.label)


# --- ISCO-08 groups -----------------------------------------------------------------------


@dataclass(frozen=True)
class IscoGroup:
    code: str
    label: str
    occupations: tuple[Term, ...] = field(default=())


def _group_members(code: str) -> list[tuple[str, str]]:
    rows = Occupation.objects.filter(isco_group__startswith=code).values_list(
        "code", "preferred_label"
    )
    return sorted(rows, key=lambda r: code_order(r[0]))


@functools.lru_cache(maxsize=1)
def _group_names() -> dict[tuple[str, str], str]:
    """(code, language) → the name of an ISCO-08 major or sub-major group
    (data/isco08_groups.csv: the ILO's English titles, llo's own B1 Dutch)."""
    from importlib import resources

    text = resources.files("llo.skills").joinpath("data/isco08_groups.csv").read_text("utf-8")
    names: dict[tuple[str, str], str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        names[(row["code"], "en")] = row["label_en"]
        names[(row["code"], "nl")] = row["label_nl"]
    return names


@functools.lru_cache(maxsize=2048)
def _group_label(code: str, language: str) -> str:
    members = _group_members(code)
    if not members:
        return ""
    # The broadest occupations of the group name it: those with the fewest dotted parts.
    depth = min(c.count(".") for c, _n in members)
    names = [n for c, n in members if c.count(".") == depth]
    # A major or sub-major group (1 or 2 digits) holds hundreds of occupations: its own name
    # says more, with three of them as examples (issue 17).
    named = _group_names().get((code, "en" if language.startswith("en") else "nl"))
    if named:
        return _("%(group)s (such as %(names)s)") % {"group": named, "names": ", ".join(names[:3])}
    shown, rest = names[:3], len(members) - min(3, len(names))
    if rest:
        return ngettext(
            "occupations such as %(names)s and %(count)s other",
            "occupations such as %(names)s and %(count)s others",
            rest,
        ) % {"names": ", ".join(shown), "count": rest}
    return _("occupations: %(names)s") % {"names": ", ".join(shown)}


def isco_group_label(code: str) -> str:
    """A B1 name for an ISCO-08 group, made of the ESCO occupations in it ("beroepen zoals
    lasser, soldeerder en 4 andere"): ESCO's Dutch ISCO group names are not packaged, and the
    occupations say more to a reader than the group's formal title
    (docs/decisions/017-skills-language.md). Empty for a group without occupations."""
    from django.utils.translation import get_language

    return _group_label(str(code), get_language() or "nl") if is_isco_code(str(code)) else ""


def isco_group(code: str) -> IscoGroup | None:
    if not is_isco_code(code):
        return None
    members = _group_members(code)
    if not members:
        return None
    return IscoGroup(code, isco_group_label(code), tuple(Term(c, n) for c, n in members))


def code_label(code: str) -> str:
    """A label for a code that is an ESCO occupation or an ISCO-08 group (funders' conditions
    and the schemes' sector lists hold either)."""
    code = str(code)
    if is_esco_code(code):
        return occupation_labels([code]).get(code, "")
    return isco_group_label(code)


def code_labels(codes: Iterable[str]) -> dict[str, str]:
    wanted = [str(c) for c in codes]
    names = occupation_labels(c for c in wanted if is_esco_code(c))
    for c in wanted:
        if c not in names and is_isco_code(c):
            names[c] = isco_group_label(c)
    return {c: n for c, n in names.items() if n}


def clear_caches() -> None:
    """After a taxonomy import: names and indexes are read again."""
    _group_label.cache_clear()
    _group_names.cache_clear()
    label_index.cache_clear()
    names.cache_clear()


def _by_relation(rows: Iterable[tuple[str, str, str]]) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """(relation type, code, label) rows split into the essential and the optional terms."""
    essential: list[Term] = []
    optional: list[Term] = []
    for kind, code, label in rows:
        (essential if kind == RelationType.ESSENTIAL else optional).append(Term(code, label))
    return tuple(essential), tuple(optional)
