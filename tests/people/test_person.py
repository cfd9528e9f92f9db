# SPDX-License-Identifier: EUPL-1.2
"""The BSN is encrypted at rest and found by a keyed hash."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from llo.core import audit
from llo.core.identifiers import IdentifierError, Level
from llo.people import services
from llo.people.models import Employment, LabourPosition, Organisation, Person

pytestmark = pytest.mark.django_db


def make(bsn: str = "999990111") -> Person:
    return services.register_person(
        actor=audit.Actor("test"),
        bsn=bsn,
        display_name="Fatima",
        birth_date=dt.date(1982, 5, 14),
        highest_level=Level.EQF_2,
        labour_position=LabourPosition.FLEX,
        gemeente_code="GM0599",
    )


def test_bsn_is_not_stored_in_clear_text() -> None:
    person = make()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bsn_encrypted, bsn_hash FROM people_person WHERE id = %s", [person.pk]
        )
        encrypted, hashed = cursor.fetchone()
    assert "999990111" not in encrypted
    assert "999990111" not in hashed
    assert Person.objects.get(pk=person.pk).bsn == "999990111"


def test_person_is_found_by_bsn_through_the_keyed_hash() -> None:
    person = make()
    assert Person.objects.by_bsn("9999.90.111") == person
    assert Person.objects.by_bsn("999990123") is None
    with pytest.raises(IdentifierError):
        Person.objects.by_bsn("123456789")


def test_hash_depends_on_the_key(settings: object) -> None:
    person = make()
    settings.LLO_BSN_HASH_KEY = "another-key"  # type: ignore[attr-defined]
    assert Person.objects.by_bsn("999990111") is None
    assert person.pk


def test_age_on_a_date_counts_birthdays() -> None:
    person = make()
    assert person.age_on(dt.date(2026, 5, 13)) == 43
    assert person.age_on(dt.date(2026, 5, 14)) == 44


def test_organisation_and_employment() -> None:
    person = make()
    org = services.register_organisation(
        actor=audit.Actor("test"),
        kvk="9000 0001",
        name="Bakkerij",
        kind="employer",
        sector="bakery",
        employees=18,
    )
    assert org.kvk == "90000001"
    assert org.is_mkb
    job = Employment.objects.create(
        person=person, employer=org, sector="bakery", cao="Bakkers", start=dt.date(2020, 1, 1)
    )
    assert job.is_active_on(dt.date(2026, 1, 1))
    assert not job.is_active_on(dt.date(2019, 12, 31))
    with pytest.raises(IdentifierError):
        services.register_organisation(actor=audit.Actor("t"), kvk="123", name="x", kind="employer")
    assert Organisation.objects.count() == 1
