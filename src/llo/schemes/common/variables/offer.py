# SPDX-License-Identifier: EUPL-1.2
"""Facts about the offer applied for, and the application itself.

Money is in integer euro cents (``value_type = int``), never float (DESIGN.md section 4).
Occupations are ISCO-08 unit-group codes (4 digits, e.g. 7212 welders); an offer leads to at
most three, in ``offer_occupation_1..3`` (0 = none), so a population stays a set of flat arrays.
"""

from __future__ import annotations

import datetime as dt

from openfisca_core.indexed_enums import Enum

from llo.schemes.base import Input
from llo.schemes.enums import NLQF, OfferType, Purpose


class offer_level(Input):
    value_type = Enum
    possible_values = NLQF
    default_value = NLQF["eqf_0"]
    label = "NLQF level of the offer"


class offer_type(Input):
    value_type = Enum
    possible_values = OfferType
    default_value = OfferType["course"]
    label = "Kind of offer"


class offer_fee_cents(Input):
    value_type = int
    label = "Course or tuition fee"
    unit = "cents"


class offer_exam_cents(Input):
    value_type = int
    label = "Exam fee"
    unit = "cents"


class offer_materials_cents(Input):
    value_type = int
    label = "Required literature and materials charged by the provider"
    unit = "cents"


class offer_prices_include_vat(Input):
    value_type = bool
    label = "The three price components already include VAT"


class offer_vat_percent(Input):
    value_type = int
    label = "VAT rate on the offer in percent (0 when exempt, as much education is)"


class offer_in_register(Input):
    value_type = bool
    label = "The offer is listed in the training register and not excluded from it"


class offer_quality_mark_valid(Input):
    value_type = bool
    label = "The provider holds a quality mark that is valid on the application date"


class offer_occupation_1(Input):
    value_type = int
    label = "First occupation the offer leads to (ISCO-08 code, 0 = none)"


class offer_occupation_2(Input):
    value_type = int
    label = "Second occupation the offer leads to (ISCO-08 code, 0 = none)"


class offer_occupation_3(Input):
    value_type = int
    label = "Third occupation the offer leads to (ISCO-08 code, 0 = none)"


class purpose(Input):
    value_type = Enum
    possible_values = Purpose
    default_value = Purpose["grow"]
    label = "Purpose of the training: to (get back to) work, grow, or switch"


class offer_start_date(Input):
    value_type = dt.date
    label = "Start date of the offering applied for"


class offer_grants_this_year(Input):
    value_type = int
    label = "Grants already made this calendar year for this training (STAP art. 12a)"


class other_funding_cents(Input):
    value_type = int
    label = "Money from other budgets already planned for this training (caps, double funding)"
    unit = "cents"


class offer_gifts_or_perks(Input):
    value_type = bool
    label = "The provider promises or gives gifts, travel or stay costs or other advantages"
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2022-28947.html (STAP art. 4(3))"


class offer_given_abroad(Input):
    value_type = bool
    label = "The training is given outside the Netherlands"
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2023-20707.html (STAP art. 4(4))"


class offer_ocw_recognised(Input):
    value_type = bool
    label = "An mbo programme (or part) of a recognised institution, or accredited higher education"
    reference = (
        "https://zoek.officielebekendmakingen.nl/stcrt-2023-20707.html (WEB 7.1.2, WHW 7.3a)"
    )


class offer_market_rate(Input):
    value_type = bool
    label = "The catalogue price matches that of comparable training (market rate)"
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2022-28947.html (STAP art. 5(5))"


class offer_labour_market_oriented(Input):
    value_type = bool
    label = "The training is aimed at the labour market"
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2022-28947.html (STAP art. 5(1))"


class offer_programme_teacher_assessment(Input):
    value_type = bool
    label = "Given to a set programme, with a teacher, and what is learnt is assessed"
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2023-4426.html (STAP art. 1)"


class offer_excluded_on(Input):
    value_type = dt.date
    label = "The day the register excluded the training (1900-01-01: never)"
    reference = "https://zoek.officielebekendmakingen.nl/stcrt-2023-4426.html (STAP art. 12(1)(e))"
