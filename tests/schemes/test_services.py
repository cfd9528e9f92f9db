# SPDX-License-Identifier: EUPL-1.2
"""Decisions are stored with their record and an audit entry, together or not at all; facts
come from the people app. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import DatabaseError

from llo.core import audit
from llo.core.identifiers import Level
from llo.core.models import AuditEntry
from llo.people import services as people
from llo.people.models import Employment, LabourPosition, Organisation, Person
from llo.schemes import services
from llo.schemes.errors import InvalidInputError, MissingInputError, OutsideValidityError
from llo.schemes.facts import facts_from_person, sector_code
from llo.schemes.models import DecisionRecord
from tests.schemes.conftest import ALWAYS_INSURED, care_course, sanne, welding

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


def test_facts_come_from_the_people_app() -> None:
    person = _fatima()
    facts = facts_from_person(
        person, dt.date(2027, 3, 1), insured_months=ALWAYS_INSURED, receives_study_support=False
    )
    assert facts.birth_date == dt.date(1982, 5, 14)
    assert facts.highest_level is Level.EQF_2
    assert facts.gemeente == "GM0599"
    assert facts.region == "AM22"
    assert facts.sector == "retail"
    assert facts.employer_size == 240


def test_a_stored_person_gets_a_decision_with_reasons() -> None:
    person = _fatima()
    decision, stored = services.decide_for_person(
        person,
        care_course(dt.date(2027, 4, 6)),
        dt.date(2027, 3, 1),
        "llo_regeling",
        actor=ACTOR,
        insured_months=ALWAYS_INSURED,
        receives_study_support=False,
    )
    assert decision.eligible
    assert stored.person == person
    assert DecisionRecord.objects.filter(person=person).count() == 1
    assert stored.record["outputs"]["llo_priority_mkb_worker"] is True


def test_facts_the_people_app_does_not_hold_must_be_given() -> None:
    person = _fatima()
    with pytest.raises(MissingInputError) as info:
        facts_from_person(person, STAP_DAY, receives_study_support=False)
    assert info.value.item == "insured_months"
    with pytest.raises(InvalidInputError) as unknown:
        facts_from_person(
            person,
            STAP_DAY,
            insured_months=ALWAYS_INSURED,
            receives_study_support=False,
            studiefinanciering=True,
        )
    assert unknown.value.item == "studiefinanciering"


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
