# SPDX-License-Identifier: EUPL-1.2
"""Categorical inputs of the rules, as OpenFisca enums (stored as ``int16`` indices).

The codes are those of :mod:`llo.core.vocabulary` (and :class:`llo.core.identifiers.Level`),
in the same order, built from them here: a code means the same in a stored offer, a funder's
conditions and a decision, and there is one list to change (issue 13). Member *names* are the
codes (``eqf_4``, ``job_seeker``), so YAML tests and input arrays use them directly; the
words shown in reasons come from the vocabulary (:func:`label`, Dutch B1 through gettext).
The order of :class:`NLQF` is the order of the levels, so an index is a level's rank and "at
most level 4" is an integer comparison on the whole array at once.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum

from llo.core import vocabulary
from llo.core.identifiers import Level


def _enum(name: str, codes: tuple[str, ...]) -> type[Enum]:
    # The member's value is its code: OpenFisca needs distinct values; words come from gettext.
    built: type[Enum] = Enum(name, [(code, code) for code in codes])
    return built


NLQF = _enum("NLQF", tuple(level.value for level in Level))
LabourPosition = _enum("LabourPosition", vocabulary.codes("LabourPosition"))
OfferType = _enum("OfferType", vocabulary.codes("OfferType"))
Purpose = _enum("Purpose", vocabulary.codes("Purpose"))
Sector = _enum("Sector", vocabulary.codes("Sector"))

LEVEL_RANK: dict[str, int] = {m.name: i for i, m in enumerate(NLQF)}
WORKING_POSITIONS = tuple(str(p) for p in vocabulary.WORKING_POSITIONS)

ENUMS: dict[str, type[Enum]] = {
    "NLQF": NLQF,
    "LabourPosition": LabourPosition,
    "OfferType": OfferType,
    "Purpose": Purpose,
    "Sector": Sector,
}


def names(enum: type[Enum]) -> tuple[str, ...]:
    return tuple(m.name for m in enum)


def index_of(enum: type[Enum], name: str) -> int:
    """The index of a member by code; ValueError naming the allowed codes otherwise."""
    for i, member in enumerate(enum):
        if member.name == name:
            return i
    raise ValueError(f"'{name}' is not one of: {', '.join(names(enum))}")


def indices(enum_array: object) -> np.ndarray:
    """The plain ``int16`` indices of an OpenFisca EnumArray (which forbids ``<=``)."""
    return np.asarray(enum_array).view(np.ndarray)


def label(enum: type[Enum], name: str) -> str:
    """The Dutch words for a code inside a sentence of a rule (``llo.core.vocabulary``)."""
    return vocabulary.phrase(enum.__name__, name)
