# SPDX-License-Identifier: EUPL-1.2
"""Stored data becomes rule facts in one place, with the source of every fact and nothing
invented (issue 13). Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from llo.people.models import Employment, FactName
from llo.register.models import OfferState, QualityMark
from llo.schemes import facts_adapter
from llo.schemes.errors import ConditionsError
from tests.accounts.conftest import make_org, make_person
from tests.enrolment.conftest import make_offer, make_provider

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 2)


def test_a_published_offer_brings_what_the_register_knows() -> None:
    offer, offering = make_offer(make_provider(), fee=85_000)
    offer.occupations = ["7212", "7233"]
    offer.online = True
    offer.save()
    facts, sources = facts_adapter.offer_facts(offer, ON, start_date=offering.start_date)
    assert (facts.fee_cents, facts.offer_type, facts.level.value) == (85_000, "course", "eqf_2")
    assert facts.in_register
    assert facts.quality_mark_valid
    assert facts.occupations == (7212, 7233)
    assert facts.given_abroad is False  # followed online from a Dutch provider
    assert (facts.gifts_or_perks, facts.market_rate) == (False, True)
    assert facts.ocw_recognised is False  # a private course, not formal education
    assert facts.purpose is None
    assert sources["purpose"] == {"source": "unknown"}
    assert sources["fee_cents"]["source"] == "register_of_offers"
    assert sources["start_date"] == {"source": "application"}


def test_occupations_named_without_codes_and_a_course_without_a_test_are_not_known() -> None:
    offer, _ = make_offer(make_provider())
    offer.occupations = ["Lasser"]
    offer.leads_to = "none"
    offer.save()
    facts, sources = facts_adapter.offer_facts(offer, ON)
    assert facts.occupations is None
    assert facts.programme_teacher_assessment is None  # leads to no certificate
    assert facts.given_abroad is None  # no places and not online
    assert sources["occupations"] == {"source": "unknown"}


def test_an_excluded_offer_has_its_day_of_exclusion() -> None:
    offer, _ = make_offer(make_provider(), state=OfferState.REMOVED)
    offer.state_changed_at = dt.datetime(2023, 3, 18, 10, tzinfo=dt.UTC)
    offer.formal = True
    offer.save()
    QualityMark.objects.create(opleider=offer.opleider, kind="ocw", valid_from=dt.date(2020, 1, 1))
    facts, _ = facts_adapter.offer_facts(offer, dt.date(2023, 3, 20))
    assert not facts.in_register
    assert facts.excluded_on == dt.date(2023, 3, 18)
    assert facts.ocw_recognised is True
    assert facts.market_rate is None  # not in the register: its review does not speak


def test_the_person_facts_say_what_is_not_known() -> None:
    person = make_person(level="eqf_4", position="employed")
    employer = make_org("employer", name="Metaal BV", sector="")
    employer.employees = None
    employer.save()
    Employment.objects.create(person=person, employer=employer, start=dt.date(2020, 1, 1))
    facts, sources = facts_adapter.person_facts(person, ON)
    assert facts.sector is None
    assert sources["sector"] == {"source": "unknown"}
    assert facts.employer_size is None
    assert facts.insured_months is None
    assert facts.needs_basic_skills is None


def test_a_funder_is_its_stored_conditions_with_its_name() -> None:
    funder = facts_adapter.funder_facts(
        {"sectors": ["metal"], "occupations": ["7212"]},
        key="right_7", name="O&O-fonds Techniek", kind="oo_fund", balance_cents=150_000,
    )  # fmt: skip
    assert funder.conditions.name == "O&O-fonds Techniek"
    assert funder.conditions.occupations == ("7212",)
    assert funder.balance_cents == 150_000
    with pytest.raises(ConditionsError):
        facts_adapter.funder_facts(
            {"sectors": ["bakkerij"]}, key="x", name="x", kind="employer", balance_cents=0
        )


def test_questions_ask_the_person_or_name_who_must_answer() -> None:
    asked = facts_adapter.questions(["occupations", "receives_study_support", "insured_months"])
    assert [q.fact for q in asked] == [
        FactName.INSURED_SINCE, FactName.RECEIVES_STUDY_SUPPORT, "occupations"
    ]  # fmt: skip
    assert asked[0].ask_person
    assert not asked[2].ask_person
    assert asked[0].text.startswith("Sinds wanneer")
    assert asked[2].who == "de opleider"


@time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC), tick=False)
def test_a_statement_is_the_source_of_a_fact_with_its_date() -> None:
    from llo.core import audit
    from llo.people import services as people

    person = make_person()
    people.state_fact(
        actor=audit.Actor("person:1", "burger"), person=person, name="needs_basic_skills",
        value=True, on=ON,
    )  # fmt: skip
    facts, sources = facts_adapter.person_facts(person, ON)
    assert facts.needs_basic_skills is True
    assert sources["needs_basic_skills"] == {
        "source": "declaration", "detail": "person:1", "on": "2026-11-02"
    }  # fmt: skip
