# SPDX-License-Identifier: EUPL-1.2
"""The audit row is written in the same transaction as the change it records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from llo.core import audit
from llo.core.identifiers import Level
from llo.core.models import AuditEntry
from llo.people import services
from llo.people.models import LabourPosition, Person

pytestmark = pytest.mark.django_db(transaction=True)

ACTOR = audit.Actor("user:1", "beheer")


def register(bsn: str = "999990111") -> Person:
    return services.register_person(
        actor=ACTOR,
        bsn=bsn,
        display_name="Test Persoon",
        birth_date=dt.date(1980, 1, 1),
        highest_level=Level.EQF_3,
        labour_position=LabourPosition.EMPLOYED,
        gemeente_code="GM0599",
    )


def test_change_and_audit_commit_together() -> None:
    person = register()
    entry = AuditEntry.objects.get(action="person.registered")
    assert entry.subject_id == str(person.pk)
    assert entry.actor == "user:1"
    assert entry.role == "beheer"
    assert entry.after is not None
    assert entry.after["display_name"] == "Test Persoon"
    # the BSN never reaches the audit log, not even encrypted
    assert "bsn_encrypted" not in entry.after
    assert "999990111" not in str(entry.after)


def test_audit_row_rolls_back_with_its_change() -> None:
    class Boom(Exception):
        pass

    def change_then_fail() -> None:
        with transaction.atomic():
            register()
            assert AuditEntry.objects.count() == 1
            raise Boom

    with pytest.raises(Boom):
        change_then_fail()
    assert Person.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_a_failing_change_leaves_no_audit_row() -> None:
    register()
    with pytest.raises(Exception):  # noqa: B017, PT011 - the unique BSN hash refuses a twin
        register()
    assert Person.objects.count() == 1
    assert AuditEntry.objects.filter(action="person.registered").count() == 1


def test_audit_refuses_to_write_outside_a_transaction() -> None:
    with pytest.raises(audit.AuditError):
        audit.record(actor=ACTOR, action="x", subject=("thing", "1"))


def test_audit_entries_are_immutable() -> None:
    register()
    entry = AuditEntry.objects.get()
    entry.action = "changed"
    with pytest.raises(ValueError, match="immutable"):
        entry.save()
