# SPDX-License-Identifier: EUPL-1.2
"""The named assumptions of the population model, each with its reason (docs/demo-data.md
repeats them)."""

from __future__ import annotations

# --- Assumptions (each one named, with its reason; docs/demo-data.md repeats them) ------------

#: Split of the CBS "middle" cells onto NLQF levels. CBS publishes mbo-2 and mbo-3 as one cell;
#: population_nl.json ("mbo_split_suggestion") suggests 40/60 as a modelling assumption.
MBO2_SHARE_OF_MBO23 = 0.40
#: havo (NLQF 4) against vwo (NLQF 4+) among those whose highest diploma is havo/vwo: assumed
#: 55/45 (more havo than vwo diplomas are issued, and more vwo pupils go on to wo).
HAVO_SHARE_OF_HAVO_VWO = 0.55
#: Associate degrees (NLQF 5) inside the CBS "hbo/wo bachelor" cell: assumed 2 % (a small,
#: young programme type).
AD_SHARE_OF_BACHELOR = 0.02
#: Doctorates (NLQF 8) inside the CBS "master/doctor" cell: assumed 6 %.
DOCTOR_SHARE_OF_MASTER_DOCTOR = 0.06
#: Within the 18-24 band nobody is highly educated at 18 and the share rises with age; the
#: relative weights per single year 18..24 are assumed (the band total stays the sourced one).
HIGH_EDUCATION_WEIGHT_18_24 = (0.0, 0.0, 0.5, 1.0, 1.5, 2.0, 2.0)
#: Lowest age for a bachelor, a master and a doctorate (younger draws move one level down).
MIN_AGE_BACHELOR, MIN_AGE_MASTER, MIN_AGE_DOCTOR = 21, 23, 27

#: Assumed relative odds of each labour position (columns as LABOUR_POSITIONS) per age band:
#: young people are more often flex or outside the labour force (students), older people more
#: often outside it (disability, early retirement). Raked onto the sourced marginals.
POSITION_ODDS_BY_AGE_BAND = (
    (0.5, 2.5, 0.3, 1.5, 2.2),  # 18-24
    (1.0, 1.2, 0.8, 1.0, 0.6),  # 25-34
    (1.1, 0.8, 1.1, 0.9, 0.6),  # 35-44
    (1.1, 0.7, 1.2, 0.9, 0.7),  # 45-54
    (0.9, 0.6, 1.2, 1.2, 1.6),  # 55 to the AOW age
)
#: Assumed relative odds of each labour position per education (low, middle, high): job seekers
#: and flex workers are more often low-educated, the self-employed more often highly educated.
#: The employment rate per education level itself is sourced (see _working_rate_by_education).
POSITION_ODDS_BY_EDUCATION = (
    (0.8, 1.3, 0.8, 2.0, 1.6),  # low
    (1.0, 1.0, 1.0, 1.3, 1.0),  # middle
    (1.1, 0.8, 1.2, 0.8, 0.6),  # high
)
#: Relative risk of low literacy per education (low, middle, high), assumed from the PIAAC
#: gradient; the levels themselves are sourced (PIAAC 2023 overall, derived share of workers).
BASIC_SKILLS_RR_BY_EDUCATION = (3.5, 1.3, 0.4)
#: Share of residents insured for all 12 of the last 12 months: assumed 98 % (recent
#: immigration is about 2 % of the population a year); the rest insured 0..11 months, uniform.
#: Not in population_nl.json: a placeholder.
FULLY_INSURED_SHARE = 0.98
#: Chance of receiving student finance (DUO) by age group and labour position, assumed: about
#: 45 % of 18-24 year olds and a few percent of 25-29 year olds (DUO counts were not retrieved;
#: a placeholder). Columns as LABOUR_POSITIONS.
STUDENT_FINANCE_BY_AGE = (
    (18, 24, (0.12, 0.45, 0.05, 0.03, 0.80)),
    (25, 29, (0.01, 0.06, 0.01, 0.01, 0.20)),
)

#: The arbeidsmarktregio whose members mostly lie in each province (CBS 2025 regions). Used only
#: to weigh gemeenten by province population, because population per region is not in the data.
REGION_PROVINCE: dict[str, str] = {
    "AM01": "Groningen", "AM02": "Fryslan", "AM03": "Drenthe", "AM05": "Overijssel",
    "AM06": "Gelderland", "AM07": "Gelderland", "AM08": "Gelderland", "AM09": "Gelderland",
    "AM10": "Gelderland", "AM11": "Flevoland", "AM12": "Noord-Holland", "AM13": "Utrecht",
    "AM14": "Utrecht", "AM15": "Noord-Holland", "AM17": "Noord-Holland",
    "AM18": "Noord-Holland", "AM19": "Zuid-Holland", "AM20": "Zuid-Holland",
    "AM21": "Zuid-Holland", "AM22": "Zuid-Holland", "AM23": "Zuid-Holland", "AM24": "Zeeland",
    "AM25": "Noord-Brabant", "AM26": "Noord-Brabant", "AM27": "Noord-Brabant",
    "AM28": "Noord-Brabant", "AM29": "Limburg", "AM30": "Limburg", "AM32": "Noord-Brabant",
    "AM33": "Limburg", "AM34": "Zuid-Holland", "AM35": "Zuid-Holland", "AM36": "Overijssel",
    "AM37": "Noord-Holland", "AM38": "Gelderland",
}  # fmt: skip
#: Gemeenten in a region that lies mostly in another province (data/README.md names some of
#: them: regions cut across provinces).
GEMEENTE_PROVINCE_EXCEPTIONS: dict[str, str] = {
    "GM0106": "Drenthe", "GM1680": "Drenthe", "GM1699": "Drenthe", "GM1730": "Drenthe",
    "GM0119": "Drenthe", "GM1701": "Drenthe", "GM0050": "Flevoland", "GM0150": "Overijssel",
    "GM0317": "Utrecht", "GM1961": "Utrecht", "GM0339": "Utrecht", "GM0340": "Utrecht",
    "GM0345": "Utrecht", "GM0736": "Utrecht", "GM0267": "Gelderland", "GM0230": "Gelderland",
    "GM0244": "Gelderland", "GM0269": "Gelderland", "GM0302": "Gelderland",
    "GM1706": "Noord-Brabant", "GM0944": "Limburg",
}  # fmt: skip
#: Population 15-75 (x1000) of the four largest gemeenten, CBS 85268NED "Arbeidsdeelname;
#: provincie", 2nd quarter 2022 (read from the StatLine table page; not in population_nl.json).
#: Without these anchors, "equal weight per gemeente" would give Amsterdam as many people as
#: Ouder-Amstel.
G4_POPULATION_15_75: dict[str, int] = {
    "GM0363": 714,  # Amsterdam
    "GM0599": 507,  # Rotterdam
    "GM0518": 426,  # 's-Gravenhage
    "GM0344": 285,  # Utrecht
}
