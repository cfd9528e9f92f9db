# SPDX-License-Identifier: EUPL-1.2
"""Categorical inputs of the rules, as OpenFisca enums (stored as ``int16`` indices).

Member *names* are the codes llo uses elsewhere (``eqf_4``, ``job_seeker``), so YAML tests and
input arrays can use them directly; member *values* are the Dutch B1 words shown in reasons.
The order of :class:`NLQF` is the order of :class:`llo.core.identifiers.Level`, so an index is
a level's rank and "at most level 4" is an integer comparison on the whole array at once.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum

from llo.core.identifiers import Level


class NLQF(Enum):
    eqf_0 = "instroomniveau (basisvaardigheden)"
    eqf_1 = "niveau 1 (entree)"
    eqf_2 = "niveau 2 (mbo 2, vmbo)"
    eqf_3 = "niveau 3 (mbo 3)"
    eqf_4 = "niveau 4 (mbo 4, havo)"
    nlqf_4plus = "niveau 4+ (vwo)"
    eqf_5 = "niveau 5 (associate degree)"
    eqf_6 = "niveau 6 (bachelor)"
    eqf_7 = "niveau 7 (master)"
    eqf_8 = "niveau 8 (doctor)"


# The rank of a level must be the same here and in the core, or "<= NLQF 4" means two things.
if [m.name for m in NLQF] != [level.value for level in Level]:
    raise ImportError("llo.schemes.enums.NLQF is not in the order of llo.core.identifiers.Level")

LEVEL_RANK: dict[str, int] = {m.name: i for i, m in enumerate(NLQF)}


class LabourPosition(Enum):
    """Same codes as ``llo.people.models.LabourPosition`` (a test pins that)."""

    employed = "werknemer in vaste dienst"
    flex = "flexwerker"
    self_employed = "zelfstandige"
    job_seeker = "werkzoekende"
    on_benefit = "met een uitkering, niet op zoek naar werk"


WORKING_POSITIONS = ("employed", "flex", "self_employed")


class OfferType(Enum):
    """What kind of offer a training is. The register adapter maps its own types onto these."""

    programme = "een hele opleiding"
    module = "een deel van een opleiding"
    course = "een cursus"
    mbo_certificate = "een mbo-certificaat"
    microcredential = "een microcredential"
    evc = "een EVC-traject"
    basic_skills = "een cursus basisvaardigheden"
    other = "ander aanbod"


class Purpose(Enum):
    """Why a person follows the training (seed letter 004: 'aan het werk komen, door te groeien
    of over te stappen')."""

    work = "aan het werk komen"
    grow = "doorgroeien in je werk"
    switch = "overstappen naar ander werk"


class Sector(Enum):
    """Sector of a person's work. The codes include the SBI-2008 based sectors of the demo
    population (``llo.people.population.SECTORS``) and the finer ones funds use. ``none``: no
    employer; ``other``: a sector llo does not know (``facts.sector_code`` maps unknown names
    there)."""

    none = "geen sector"
    agriculture = "land- en tuinbouw"
    mining = "delfstoffenwinning"
    metal = "metaal en techniek"
    food = "voedingsindustrie"
    manufacturing = "overige industrie"
    energy = "energie"
    water_waste = "water en afval"
    construction = "bouw"
    retail = "detailhandel"
    wholesale = "groothandel en autohandel"
    transport = "vervoer en opslag"
    hospitality = "horeca"
    ict = "ict"
    finance = "financiële dienstverlening"
    real_estate = "onroerend goed"
    business_services = "zakelijke dienstverlening"
    business_support = "uitzendbureaus en zakelijke ondersteuning"
    government = "overheid"
    education = "onderwijs"
    care = "zorg en welzijn"
    culture_events = "cultuur, recreatie en evenementen"
    technology = "techniek"
    bakery = "bakkerijen"
    logistics = "logistiek"
    other = "andere sector"


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
    for member in enum:
        if member.name == name:
            return str(member.value)
    return name
