# SPDX-License-Identifier: EUPL-1.2
"""Facts about the person, as they stand on the application date (the peildatum).

Filled by ``llo.schemes.facts`` from llo's data; in YAML tests written by hand. Codes are
integers or enum names so a whole population fits in compact arrays.
"""

from __future__ import annotations

import datetime as dt

from openfisca_core.indexed_enums import Enum

from llo.schemes.base import Input
from llo.schemes.enums import NLQF, LabourPosition, Sector


class birth_date(Input):
    value_type = dt.date
    label = "Date of birth (BRP)"


class highest_level(Input):
    value_type = Enum
    possible_values = NLQF
    default_value = NLQF["eqf_0"]
    label = "Highest education completed, as an NLQF level"


class labour_position(Input):
    value_type = Enum
    possible_values = LabourPosition
    default_value = LabourPosition["employed"]
    label = "Position on the labour market"


class insured_months_mask(Input):
    value_type = int
    label = "Calendar months insured for the Dutch national insurances (bit k-1: k months back)"
    documentation = """
    Bit k-1 is set when the person was insured for the Dutch national insurances
    (volksverzekeringen, e.g. AOW) for the whole calendar month k months before the month of
    the application: bit 0 is the month before, bit 30 is 31 months back. A scheme's reference
    period is a parameter, so the engine selects the months; the data only says which months.
    """


class receives_study_support(Input):
    value_type = bool
    label = "Receives student finance or other public study support on the application date"
    documentation = """
    Studiefinanciering, a lerarenbeurs, a tegemoetkoming schoolkosten or similar public
    funding of education. The levenlanglerenkrediet is a loan and does not count.
    """


class gemeente_code(Input):
    value_type = int
    label = "Municipality of residence: the number of the CBS code (GM0599 -> 599)"


class region_code(Input):
    value_type = int
    label = "Labour-market region of residence: the number of the CBS code (AM12 -> 12)"


class sector(Input):
    value_type = Enum
    possible_values = Sector
    default_value = Sector["none"]
    label = "Sector of the person's work (none without an employer)"


class employer_size(Input):
    value_type = int
    label = "Number of employees of the person's employer (0 without an employer)"


class needs_basic_skills(Input):
    value_type = bool
    label = "Needs basic skills (language, numeracy, digital), e.g. after an intake"


class stap_grants_received_this_year(Input):
    value_type = int
    label = "STAP grants already made to this person in the calendar year of the application"


class llo_received_this_year_cents(Input):
    value_type = int
    label = "Amount of the new LLO scheme already granted to this person this calendar year"
    unit = "cents"


class funder_balance_cents(Input):
    value_type = int
    label = "What is left for this person on the funder's budget (from the accounts)"
    unit = "cents"
