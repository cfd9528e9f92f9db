# SPDX-License-Identifier: EUPL-1.2
"""schemes.outlook (issue 15): a right's conditions in the funder rule's own words, and what
a person may qualify for before choosing a training."""

from __future__ import annotations

import dataclasses
import datetime as dt

from llo.schemes.facts import PersonFacts
from llo.schemes.outlook import SET_BY, conditions_in_words, person_outlook
from llo.schemes.system import build_system

MOHAMMED = PersonFacts(
    birth_date=dt.date(2003, 1, 9),
    highest_level="eqf_1",
    labour_position="flex",
    insured_months=None,
    receives_study_support=None,
    gemeente="GM0034",
    region="AM01",
    sector="business_support",
    employer_size=120,
    llo_received_this_year_cents=0,
)


def test_every_condition_with_a_rule_sentence_names_what_switches_it_on() -> None:
    ruled = {c.variable for c in build_system().scheme("funder").conditions if c.rule}
    assert ruled == set(SET_BY)


def test_conditions_in_words_only_those_the_funder_set() -> None:
    words = conditions_in_words(
        {"max_level": "eqf_4", "sectors": ["metal"], "co_payment_pct": 20},
        dt.date(2026, 12, 7),
        name="O&O-fonds Techniek",
    )
    assert words == [
        "Alleen voor opleidingen tot en met niveau 4 (mbo 4, havo).",
        "Alleen voor mensen die werken in: metaal en techniek.",
    ]
    assert conditions_in_words({}, dt.date(2026, 12, 7), name="Bakkerij") == []


def test_mohammed_may_qualify_for_the_new_scheme_without_naming_it() -> None:
    outlook = person_outlook(MOHAMMED, dt.date(2027, 1, 11), "llo_regeling")
    assert outlook.possible
    assert outlook.depends_on_training  # level, occupation, register: the training decides
    texts = [r.text for r in outlook.reasons_for]
    assert "U bent op de dag van uw aanvraag 18 jaar of ouder." in texts
    assert "U hoort bij de groep mensen voor wie de regeling is." in texts
    # Study support is not known: said so, without refusing.
    assert [r.condition for r in outlook.not_known] == ["llo_no_study_support"]


def test_a_condition_about_the_person_that_fails_rules_it_out() -> None:
    older = dataclasses.replace(MOHAMMED, birth_date=dt.date(1955, 1, 1))
    assert not person_outlook(older, dt.date(2027, 1, 11), "llo_regeling").possible
    # UWV's money is for job seekers; Mohammed works through an agency.
    uwv = person_outlook(
        MOHAMMED,
        dt.date(2026, 12, 7),
        {"name": "UWV", "labour_positions": ["job_seeker"], "purposes": ["work", "switch"]},
    )
    assert not uwv.possible
    assert [r.text for r in uwv.reasons_against] == ["UWV betaalt alleen voor: werkzoekenden."]
