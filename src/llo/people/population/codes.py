# SPDX-License-Identifier: EUPL-1.2
"""Codes of the population model: labour positions, sectors, firm-size classes."""

from __future__ import annotations

#: Labour-market positions; the position in this tuple is the code in ``Population``.
#: "on_benefit" holds everyone outside the labour force (students, carers, the disabled, the
#: early retired): the model's label for it is "not looking for work" (people.LabourPosition).
LABOUR_POSITIONS = ("employed", "flex", "self_employed", "job_seeker", "on_benefit")
EMPLOYED, FLEX, SELF_EMPLOYED, JOB_SEEKER, ON_BENEFIT = range(5)
WORKING_POSITIONS = (EMPLOYED, FLEX, SELF_EMPLOYED)

# Sectors: one per SBI-2008 section of CBS 85316NED/85272NED (population_nl.json "sectors"),
# except that C (industry) and G (trade) are split, because O&O-funds and CAOs follow the finer
# lines (metal, food, retail). The split fractions are ASSUMPTIONS (no CBS split is in the data):
# metal = SBI 24-30 and 33 ("metalektro" plus small metal), food = SBI 10-12, retail = SBI 47.
# Codes match llo.schemes.enums.Sector where that has the sector (government, culture_events).
_SECTOR_SPEC: tuple[tuple[str, str, str, float], ...] = (
    ("agriculture", "Landbouw, bosbouw en visserij", "A", 1.0),
    ("mining", "Delfstoffenwinning", "B", 1.0),
    ("metal", "Metaal en techniek", "C", 0.40),
    ("food", "Voedingsmiddelenindustrie", "C", 0.17),
    ("manufacturing", "Overige industrie", "C", 0.43),
    ("energy", "Energievoorziening", "D", 1.0),
    ("water_waste", "Waterbedrijven en afvalbeheer", "E", 1.0),
    ("construction", "Bouw", "F", 1.0),
    ("retail", "Detailhandel", "G", 0.55),
    ("wholesale", "Groothandel en autohandel", "G", 0.45),
    ("transport", "Vervoer en opslag", "H", 1.0),
    ("hospitality", "Horeca", "I", 1.0),
    ("ict", "Informatie en communicatie", "J", 1.0),
    ("finance", "Financiële dienstverlening", "K", 1.0),
    ("real_estate", "Verhuur van en handel in onroerend goed", "L", 1.0),
    ("business_services", "Specialistische zakelijke diensten", "M", 1.0),
    ("business_support", "Verhuur en overige zakelijke diensten (met uitzendbureaus)", "N", 1.0),
    ("government", "Openbaar bestuur en overheidsdiensten", "O", 1.0),
    ("education", "Onderwijs", "P", 1.0),
    ("care", "Zorg en welzijn", "Q", 1.0),
    ("culture_events", "Cultuur, recreatie, evenementen en overige diensten", "R-U", 1.0),
)
#: Sector codes; the position in this tuple is the code in ``Population.sector``.
SECTORS: tuple[str, ...] = tuple(spec[0] for spec in _SECTOR_SPEC)
SECTOR_LABELS: dict[str, str] = {spec[0]: spec[1] for spec in _SECTOR_SPEC}
SECTOR_SBI: dict[str, str] = {spec[0]: spec[2] for spec in _SECTOR_SPEC}

#: Firm-size classes of CBS 85316NED (employed persons by working persons at the firm).
SIZE_CLASSES: tuple[tuple[int, int], ...] = ((1, 9), (10, 49), (50, 249), (250, 25_000))
