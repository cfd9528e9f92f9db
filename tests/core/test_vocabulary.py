# SPDX-License-Identifier: EUPL-1.2
"""One vocabulary: the register, the funder form, the rules and the population use the same
codes, and every code has Dutch words (issue 13)."""

from __future__ import annotations

import pytest
from django.utils import translation

from llo.core import vocabulary
from llo.people import models as people_models
from llo.people.population import SECTORS
from llo.register import models as register_models
from llo.schemes import enums
from llo.schemes.errors import ConditionsError
from llo.schemes.funder_conditions import parse_conditions


def test_the_register_offer_types_are_the_rules_offer_types() -> None:
    assert register_models.OfferType is vocabulary.OfferType
    assert enums.names(enums.OfferType) == tuple(register_models.OfferType.values)
    with pytest.raises(ConditionsError) as info:
        parse_conditions({"offer_types": ["mbo_certificate"]})
    assert info.value.item == "offer_types"


@pytest.mark.parametrize("name", ["LabourPosition", "Purpose", "Sector"])
def test_the_rules_enums_are_built_from_the_vocabulary(name: str) -> None:
    assert enums.names(enums.ENUMS[name]) == vocabulary.codes(name)


def test_people_and_the_population_use_the_same_codes() -> None:
    assert people_models.LabourPosition is vocabulary.LabourPosition
    assert set(SECTORS) <= set(vocabulary.codes("Sector"))


@pytest.mark.parametrize("name", sorted(vocabulary.VOCABULARIES))
def test_every_code_has_dutch_words(name: str) -> None:
    same_in_dutch = {"ICT", "Microcredential", "EVC procedure"}
    for code in vocabulary.codes(name):
        with translation.override("en"):
            english = vocabulary.label(name, code)
        with translation.override("nl"):
            dutch = vocabulary.label(name, code)
        assert dutch != english or english in same_in_dutch, (name, code)
        phrase = vocabulary.phrase(name, code)
        assert (phrase and phrase[0].islower()) or phrase.isupper(), (name, code, phrase)


def test_a_phrase_is_dutch_whatever_the_page_language() -> None:
    with translation.override("en"):
        assert vocabulary.phrase("OfferType", "course") == "een cursus"
        assert vocabulary.phrase("Sector", "metal") == "metaal en techniek"
        assert vocabulary.phrase("NLQF", "eqf_4") == "niveau 4 (mbo 4, havo)"
    assert vocabulary.label("OfferType", "unknown-code") == "unknown-code"
