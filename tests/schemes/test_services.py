# SPDX-License-Identifier: EUPL-1.2
"""Decisions are stored with their record and an audit entry, together or not at all; facts
come from the people app. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.db import DatabaseError

from llo.core import audit
from llo.core.identifiers import Level
from llo.core.models import AuditEntry
from llo.core.problems import Problem
from llo.people import services as people
from llo.people.models import Employment, LabourPosition, Organisation, Person, PersonFact
from llo.schemes import facts_adapter, services
from llo.schemes.errors import OutsideValidityError
from llo.schemes.facts import sector_code
from llo.schemes.models import DecisionRecord
from tests.schemes.conftest import care_course, sanne, welding

pytestmark = pytest.mark.django_db

ACTOR = audit.Actor("user:7", "adviseur")
STAP_DAY = dt.date(2022, 5, 2)


def _fatima() -> Person:
    person = people.register_person(
        actor=ACTOR,
        bsn="999990019",
        display_name="Fatima El Amrani",
        birth_date=dt.date(1982, 5, 14),
        highest_level=Level.EQF_2,
        labour_position=LabourPosition.FLEX,
        gemeente_code="GM0599",
    )
    employer = Organisation.objects.create(
        kvk="90000002", name="RetailFlex", kind="employer", sector="retail", employees=240
    )
    Employment.objects.create(
        person=person, employer=employer, sector="", start=dt.date(2014, 1, 1)
    )
    return person


def test_a_decision_is_stored_with_its_record_and_an_audit_entry() -> None:
    decision, stored = services.decide_and_record(
        sanne(), welding(dt.date(2022, 6, 13)), STAP_DAY, "stap", actor=ACTOR, purpose="aanvraag"
    )
    stored.refresh_from_db()
    assert stored.eligible is True
    assert stored.amount_cents == 100000
    assert stored.rule_version == decision.rule_version
    assert stored.peildatum == STAP_DAY
    assert stored.reasons == decision.reasons_json()
    assert stored.record["trace"]["stap_eligible<2022-05-02>"]["value"] is True
    assert stored.person is None
    entry = AuditEntry.objects.get(action="schemes.decided")
    assert entry.subject_type == "schemes.DecisionRecord"
    assert entry.subject_id == str(stored.pk)
    assert entry.purpose == "aanvraag"
    assert entry.after is not None
    assert entry.after["eligible"] is True
    assert entry.after["failed"] == []


def test_facts_come_from_the_people_app_and_say_where_from() -> None:
    person = _fatima()
    facts, sources = facts_adapter.person_facts(person, dt.date(2027, 3, 1))
    assert facts.birth_date == dt.date(1982, 5, 14)
    assert facts.highest_level is Level.EQF_2
    assert facts.gemeente == "GM0599"
    assert facts.region == "AM22"
    assert facts.sector == "retail"
    assert facts.employer_size == 240
    assert sources["birth_date"] == {"source": "people"}
    assert sources["sector"]["detail"] == "employment at RetailFlex"
    # Nothing invented: what nobody stated is not known.
    assert facts.insured_months is None
    assert facts.receives_study_support is None
    assert sources["insured_months"] == {"source": "unknown"}


def _state_history(person: Person, on: dt.date) -> None:
    people.state_fact(
        actor=ACTOR, person=person, name="insured_since", value=dt.date(2001, 9, 1), on=on
    )
    people.state_fact(actor=ACTOR, person=person, name="receives_study_support", value=False, on=on)


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_a_stored_person_gets_a_decision_with_reasons_and_sources() -> None:
    person = _fatima()
    _state_history(person, dt.date(2027, 2, 20))
    decision, stored = services.decide_for_person(
        person,
        care_course(dt.date(2027, 4, 6)),
        dt.date(2027, 3, 1),
        "llo_regeling",
        actor=ACTOR,
        llo_received_this_year_cents=0,
    )
    assert decision.eligible, decision.reasons
    assert stored.person == person
    assert DecisionRecord.objects.filter(person=person).count() == 1
    assert stored.record["outputs"]["llo_priority_mkb_worker"] is True
    insured = stored.record["sources"]["person"]["insured_months"]
    assert insured == {"source": "declaration", "detail": "user:7", "on": "2027-02-20"}


def test_a_fact_nobody_stated_makes_the_condition_not_yet_known() -> None:
    person = _fatima()
    decision, stored = services.decide_for_person(
        person,
        welding(dt.date(2022, 6, 13)),
        STAP_DAY,
        "stap",
        actor=ACTOR,
        stap_grants_received_this_year=0,
    )
    assert not decision.eligible
    assert decision.undecided
    assert decision.failed == ()
    assert decision.missing == ("insured_months", "receives_study_support")
    unknown = {r.condition: r.text for r in decision.not_known}
    assert set(unknown) == {"stap_tie_to_labour_market", "stap_no_study_support"}
    assert unknown["stap_tie_to_labour_market"].startswith("We weten nog niet")
    assert stored.eligible is False
    assert stored.record["missing"] == ["insured_months", "receives_study_support"]
    entry = AuditEntry.objects.get(action="schemes.decided")
    assert entry.after is not None
    assert entry.after["not_known"] == ["stap_tie_to_labour_market", "stap_no_study_support"]


def test_a_statement_counts_for_a_quarter_and_the_newest_wins() -> None:
    person = _fatima()
    people.state_fact(
        actor=ACTOR, person=person, name="receives_study_support", value=True,
        on=dt.date(2022, 1, 10),
    )  # fmt: skip
    people.state_fact(
        actor=ACTOR, person=person, name="receives_study_support", value=False,
        on=dt.date(2022, 3, 1),
    )  # fmt: skip
    facts, _ = facts_adapter.person_facts(person, STAP_DAY)
    assert facts.receives_study_support is False
    later = STAP_DAY + dt.timedelta(days=facts_adapter.STATEMENT_VALID_DAYS)
    assert facts_adapter.person_facts(person, later)[0].receives_study_support is None
    before = dt.date(2022, 2, 1)
    assert facts_adapter.person_facts(person, before)[0].receives_study_support is True


def test_insured_since_becomes_the_whole_months_before_the_application() -> None:
    person = _fatima()
    people.state_fact(
        actor=ACTOR, person=person, name="insured_since", value=dt.date(2021, 11, 15),
        on=dt.date(2022, 4, 20),
    )  # fmt: skip
    facts, _ = facts_adapter.person_facts(person, STAP_DAY)
    # November 2021 is not whole; December to April are, May (the application month) is not.
    assert facts.insured_months is not None
    assert sorted(facts.insured_months) == [
        dt.date(2021, 12, 1), dt.date(2022, 1, 1), dt.date(2022, 2, 1), dt.date(2022, 3, 1),
        dt.date(2022, 4, 1),
    ]  # fmt: skip
    people.state_fact(
        actor=ACTOR, person=person, name="insured_since", value=None, on=dt.date(2022, 4, 21)
    )
    assert facts_adapter.person_facts(person, STAP_DAY)[0].insured_months == frozenset()


def test_a_bad_statement_is_refused_with_a_reason() -> None:
    person = _fatima()
    with pytest.raises(Problem) as info:
        people.state_fact(
            actor=ACTOR, person=person, name="insured_since", value="gisteren", on=STAP_DAY
        )
    assert info.value.status == 400
    assert not PersonFact.objects.exists()
    with pytest.raises(Problem):
        people.state_fact(
            actor=ACTOR, person=person, name="receives_study_support", value=True,
            on=dt.date(2099, 1, 1),
        )  # fmt: skip


def test_a_rule_error_stores_nothing() -> None:
    with pytest.raises(OutsideValidityError):
        services.decide_and_record(
            sanne(), welding(dt.date(2024, 6, 1)), dt.date(2024, 5, 1), "stap", actor=ACTOR
        )
    assert not DecisionRecord.objects.exists()
    assert not AuditEntry.objects.filter(action="schemes.decided").exists()


@pytest.mark.django_db(transaction=True)
def test_when_the_audit_fails_the_decision_is_not_stored() -> None:
    with (
        mock.patch("llo.schemes.services.audit.record", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        services.decide_and_record(
            sanne(), welding(dt.date(2022, 6, 13)), STAP_DAY, "stap", actor=ACTOR
        )
    assert not DecisionRecord.objects.exists()


def test_a_stored_decision_cannot_be_changed() -> None:
    _, stored = services.decide_and_record(
        sanne(), welding(dt.date(2022, 6, 13)), STAP_DAY, "stap", actor=ACTOR
    )
    stored.amount_cents = 1
    with pytest.raises(ValueError, match="immutable"):
        stored.save()


def test_a_funder_decision_is_stored_with_the_funders_conditions() -> None:
    conditions = {"name": "RetailFlex", "max_per_offer_cents": 50000}
    _, stored = services.decide_and_record(
        sanne(), care_course(dt.date(2026, 10, 1)), dt.date(2026, 9, 1), conditions, actor=ACTOR
    )
    assert stored.scheme == "funder"
    assert stored.amount_cents == 50000
    assert stored.record["funder_conditions"]["max_per_offer_cents"] == 50000
    assert "+funders." in stored.rule_version


def test_free_text_sectors_map_to_known_codes() -> None:
    assert sector_code("Retail") == "retail"
    assert sector_code("") == "none"
    assert sector_code("bloemisterij") == "other"
