# SPDX-License-Identifier: EUPL-1.2
"""Use cases for persons and organisations: each in one transaction with its audit record."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from llo.core import audit
from llo.core.identifiers import Level, validate_kvk
from llo.people.models import LabourPosition, Organisation, Person


@transaction.atomic
def register_person(
    *,
    actor: audit.Actor,
    bsn: str,
    display_name: str,
    birth_date: dt.date,
    highest_level: Level,
    labour_position: LabourPosition,
    gemeente_code: str,
) -> Person:
    person = Person(
        display_name=display_name,
        birth_date=birth_date,
        highest_level=highest_level.value,
        labour_position=labour_position.value,
        gemeente_id=gemeente_code,
    )
    person.set_bsn(bsn)
    person.full_clean(exclude=["bsn_encrypted", "bsn_hash"])
    person.save()
    audit.record(
        actor=actor,
        action="person.registered",
        subject=person,
        after=audit.snapshot(person, exclude=("bsn_encrypted", "bsn_hash")),
    )
    return person


@transaction.atomic
def register_organisation(
    *,
    actor: audit.Actor,
    kvk: str,
    name: str,
    kind: str,
    sector: str = "",
    employees: int | None = None,
    gemeente_code: str | None = None,
) -> Organisation:
    org = Organisation(
        kvk=validate_kvk(kvk),
        name=name,
        kind=kind,
        sector=sector,
        employees=employees,
        gemeente_id=gemeente_code,
    )
    org.full_clean()
    org.save()
    audit.record(
        actor=actor, action="organisation.registered", subject=org, after=audit.snapshot(org)
    )
    return org
