# SPDX-License-Identifier: EUPL-1.2
"""Which units of a programme a person's credentials cover (vrijstellingen), and the price
that is left. Pure: plain data in, plain data out.

Seed 000 (Onderwijsagenda LLO): "vrijstellingen voor wat je al kunt" on the basis of
learning outcomes (leeruitkomsten). A unit is covered by a credential when

* the credential's level is at least the unit's (EQF/NLQF order), when both are known, and
* every skill of the unit is among the credential's skills, **or** at least two thirds of the
  unit's learning outcomes have a matching outcome in the credential (half of the meaningful
  words in common).

The best covering credential is proposed for each unit, with the reason in words. The
provider decides (accept or refuse with a reason); llo never decides an exemption alone.

Price after exemptions: an accepted unit takes its share of the course fee off, in proportion
to its study load among all units of the programme (equal shares when loads are unknown),
rounded down so the reduction is never more than the unit's share; exam and materials costs
stay (the exam is still taken).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from llo.core.identifiers import Level

_WORD = re.compile(r"[a-zà-ÿ0-9]+")
#: Dutch words that say nothing about what a person can do.
_STOP = frozenset([
    "de", "het", "een", "en", "of", "je", "jij", "u", "van", "voor", "in", "op", "met", "aan",
    "bij", "door", "dat", "die", "dit", "te", "om", "als", "naar", "kan", "kunt", "kun", "zijn",
    "is", "wordt", "werkt", "volgens", "over", "uit", "ook", "tot", "the", "and", "to",
])  # fmt: skip


@dataclass(frozen=True)
class UnitFacts:
    unit_id: int
    title: str
    skills: tuple[str, ...]
    outcomes: tuple[str, ...]
    level: str
    hours: int | None


@dataclass(frozen=True)
class HeldFacts:
    credential_id: int
    title: str
    skills: tuple[str, ...]
    outcomes: tuple[str, ...]
    level: str


@dataclass(frozen=True)
class Match:
    unit_id: int
    credential_id: int
    skills: tuple[str, ...]
    outcomes: tuple[tuple[str, str], ...]
    by: str  # "skills" | "outcomes"
    score: float


def words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1)


def _similar(a: str, b: str) -> bool:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / len(wa | wb) >= 0.5


def _level_ok(held: str, unit: str) -> bool:
    try:
        return not held or not unit or Level(unit).rank <= Level(held).rank
    except ValueError:
        return True


def cover(unit: UnitFacts, held: HeldFacts) -> Match | None:
    if not _level_ok(held.level, unit.level):
        return None
    held_skills = {s.lower() for s in held.skills}
    unit_skills = tuple(s for s in unit.skills if s)
    skills = tuple(s for s in unit_skills if s.lower() in held_skills)
    pairs = []
    for outcome in unit.outcomes:
        found = next((h for h in held.outcomes if _similar(outcome, h)), None)
        if found is not None:
            pairs.append((outcome, found))
    by_skills = bool(unit_skills) and len(skills) == len(unit_skills)
    by_outcomes = bool(unit.outcomes) and len(pairs) * 3 >= len(unit.outcomes) * 2
    if not (by_skills or by_outcomes):
        return None
    score = (len(pairs) / len(unit.outcomes) if unit.outcomes else 0) + (
        len(skills) / len(unit_skills) if unit_skills else 0
    )
    return Match(
        unit.unit_id,
        held.credential_id,
        skills,
        tuple(pairs),
        "outcomes" if by_outcomes else "skills",
        score,
    )


def propose(units: Sequence[UnitFacts], held: Sequence[HeldFacts]) -> list[Match]:
    """The best covering credential per unit (ties: the oldest credential, lowest id)."""
    out = []
    for unit in units:
        best: Match | None = None
        for h in sorted(held, key=lambda h: h.credential_id):
            m = cover(unit, h)
            if m is not None and (best is None or m.score > best.score):
                best = m
        if best is not None:
            out.append(best)
    return out


@dataclass(frozen=True)
class UnitShare:
    unit_id: int
    reduction_cents: int


def reductions(
    fee_cents: int, units: Sequence[UnitFacts], exempted: Sequence[int]
) -> list[UnitShare]:
    """Each exempted unit's share of the course fee (rounded down)."""
    if not units or fee_cents <= 0:
        return []
    loads = {u.unit_id: (u.hours or 0) for u in units}
    total = sum(loads.values())
    out = []
    for unit_id in exempted:
        if unit_id not in loads:
            continue
        share = fee_cents * loads[unit_id] // total if total > 0 else fee_cents // len(units)
        out.append(UnitShare(unit_id, share))
    return out


def price_after(
    components: dict[str, int], units: Sequence[UnitFacts], exempted: Sequence[int]
) -> tuple[dict[str, int], list[UnitShare]]:
    """The price components after the exemptions: only the course fee ("tuition") goes down."""
    shares = reductions(components.get("tuition", 0), units, exempted)
    left = dict(components)
    left["tuition"] = max(0, left.get("tuition", 0) - sum(s.reduction_cents for s in shares))
    return left, shares
