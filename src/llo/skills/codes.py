# SPDX-License-Identifier: EUPL-1.2
"""Codes and labels of the skills language, without a database.

Occupations are ESCO occupations, named by their ESCO code (``7212.3`` for *lasser*). Each lies
in one ISCO-08 unit group (``7212``, ESCO's ``iscoGroup``). ESCO codes extend the code of their
unit group with dotted parts (``7212.3`` is inside ``7212``; ``7212.3.1`` is a narrower
occupation of ``7212.3``), and ISCO-08 itself is a prefix hierarchy: major group ``7``,
sub-major group ``72``, minor group ``721``, unit group ``7212`` (ILO, ISCO-08 structure).

So *one* rule maps an occupation to the groups it belongs to, and the funders' conditions and
the schemes' sector lists can hold a code at any level (docs/decisions/017-skills-language.md):
an offer's occupation meets a listed code when the listed code is one of the occupation's
:func:`ancestors` (itself included).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

#: An ESCO occupation code: an ISCO-08 unit group and one or more dotted parts.
ESCO_CODE = re.compile(r"^\d{4}(\.\d{1,3})+$")
#: An ISCO-08 group code at any level: major (1 digit) to unit group (4 digits).
ISCO_CODE = re.compile(r"^\d{1,4}$")
#: ESCO's URI prefixes (the importer accepts concepts of other schemes too, such as llo's own).
ESCO_OCCUPATION_URI = "http://data.europa.eu/esco/occupation/"
ESCO_SKILL_URI = "http://data.europa.eu/esco/skill/"

RELATION_TYPES = ("essential", "optional")


def normalise(label: str) -> str:
    """The key a label is looked up by: case, accents and spacing do not matter
    ("Mécanicien " finds "mecanicien")."""
    decomposed = unicodedata.normalize("NFKD", label)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def is_esco_code(text: str) -> bool:
    return bool(ESCO_CODE.match(text))


def is_isco_code(text: str) -> bool:
    return bool(ISCO_CODE.match(text))


def unit_group(code: str) -> str:
    """The ISCO-08 unit group of an ESCO occupation code, or the code itself for a group."""
    return code.split(".", 1)[0]


def ancestors(code: str) -> tuple[str, ...]:
    """The code and every broader code it belongs to, narrowest first:
    ``7212.3.1`` → ``7212.3.1, 7212.3, 7212, 721, 72, 7``."""
    parts = code.split(".")
    dotted = [".".join(parts[: i + 1]) for i in range(len(parts) - 1, 0, -1)]
    group = parts[0]
    return (*dotted, *(group[:n] for n in range(len(group), 0, -1)))


def expand(codes: Iterable[str]) -> frozenset[str]:
    """Every code the given occupations belong to (see :func:`ancestors`)."""
    return frozenset(a for code in codes for a in ancestors(str(code)))


def meets(occupations: Iterable[str], listed: Iterable[str]) -> bool:
    """Does one of the occupations lie inside one of the listed codes (any level)?"""
    return not expand(occupations).isdisjoint(str(c) for c in listed)


def unit_groups(codes: Iterable[str]) -> tuple[str, ...]:
    """The distinct ISCO-08 unit groups of occupation codes (ESCO codes, or unit groups
    themselves), in their order: what the OpenFisca rules take (``offer_occupation_1..3``)."""
    found = (
        unit_group(c) if is_esco_code(c) else c
        for c in (str(c) for c in codes)
        if is_esco_code(c) or (is_isco_code(c) and len(c) == 4)
    )
    return tuple(dict.fromkeys(found))


def skill_code_of(uri: str) -> str:
    """The short code of a skill: the last part of its URI (ESCO's skills CSV has no code
    column; an ESCO skill URI ends in a UUID, llo's own in a readable word)."""
    tail = uri.rstrip("/").rsplit("/", 1)[-1]
    return tail.rsplit(":", 1)[-1]


def split_labels(cell: str) -> list[str]:
    """ESCO keeps one label a line inside a quoted cell; blank lines and doubles go."""
    seen: dict[str, str] = {}
    for line in cell.splitlines():
        text = " ".join(line.split())
        if text and normalise(text) not in seen:
            seen[normalise(text)] = text
    return list(seen.values())
