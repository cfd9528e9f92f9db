# SPDX-License-Identifier: EUPL-1.2
"""Offers point at the skills language: the occupations and skills an offer leads to are
stored as codes (an ESCO occupation code such as 7212.3, a skill code), given by a provider as a
code or any Dutch label (docs/skills.md).

:func:`resolve` turns what a form, the API or an import gave into codes, with a named problem
for every text that is unknown, fits several occupations (the problem lists them) or names a
whole ISCO group; :func:`labels` gives the Dutch names for pages; :func:`search_text` every label
for the search index, so an offer is found by any name of its occupation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from llo.core.problems import InvalidParam
from llo.skills import selectors
from llo.skills.resolve import Resolver, TermError

MAX_OCCUPATIONS = 20
MAX_SKILLS = 50


@dataclass
class Terms:
    """Resolvers for one request or one import (``preload`` for many offers at once)."""

    preload: bool = False
    occupations: Resolver = field(init=False)
    skills: Resolver = field(init=False)

    def __post_init__(self) -> None:
        self.occupations = Resolver("occupation", preload=self.preload)
        self.skills = Resolver("skill", preload=self.preload)


def resolve(
    occupations: Sequence[str],
    skills: Sequence[str],
    terms: Terms | None = None,
    *,
    names: tuple[str, str] = ("occupations", "skills"),
) -> tuple[list[str], list[str], list[InvalidParam]]:
    """The codes of the texts (each once, in their order) and a problem per text that does not
    resolve to exactly one occupation or skill."""
    terms = terms or Terms()
    problems: list[InvalidParam] = []
    resolved: list[list[str]] = []
    for texts, resolver, name, limit in (
        (occupations, terms.occupations, names[0], MAX_OCCUPATIONS),
        (skills, terms.skills, names[1], MAX_SKILLS),
    ):
        codes: list[str] = []
        for text in texts:
            if not str(text).strip():
                continue
            try:
                code = resolver.resolve(str(text))
            except TermError as exc:
                problems.append(InvalidParam(name, exc.reason, exc.code))
                continue
            if code not in codes:
                codes.append(code)
        if len(codes) > limit:
            problems.append(
                InvalidParam(name, _("Give at most %(n)s.") % {"n": limit}, "max-items")
            )
        resolved.append(codes)
    return resolved[0], resolved[1], problems


def apply(data: Any, terms: Terms | None = None) -> list[InvalidParam]:
    """Replace the occupations and skills of an offer's input (``data.occupations``,
    ``data.skills``: what a provider typed) by their codes; a problem per text that does not
    resolve. The API, the pages and the importers all pass through here."""
    occupations, skills, problems = resolve(data.occupations, data.skills, terms)
    data.occupations, data.skills = occupations, skills
    return problems


def filter_codes(texts: Iterable[str], what: str) -> tuple[str, ...]:
    """Search filters (API): a code or any label becomes its code; a text that names no single
    occupation or skill stays as it is, and so finds nothing."""
    resolver = Resolver(what)
    out = []
    for text in texts:
        try:
            out.append(resolver.resolve(text))
        except TermError:
            out.append(str(text))
    return tuple(out)


@dataclass(frozen=True)
class Labels:
    occupations: tuple[selectors.Term, ...]
    skills: tuple[selectors.Term, ...]


def labels(occupations: Iterable[str], skills: Iterable[str]) -> Labels:
    """The Dutch names of an offer's codes, in the offer's order (unknown codes left out)."""
    return Labels(
        tuple(selectors.occupation_terms(occupations)), tuple(selectors.skill_terms(skills))
    )


def search_text(occupations: Iterable[str], skills: Iterable[str]) -> str:
    """Every Dutch label of the offer's occupations and skills, for the full-text index."""
    occ_index, skill_index = selectors.label_index()
    words: list[str] = []
    for code in occupations:
        words.extend(occ_index.get(str(code), ()))
    for code in skills:
        words.extend(skill_index.get(str(code), ()))
    return " ".join(words)
