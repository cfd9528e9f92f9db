# SPDX-License-Identifier: EUPL-1.2
"""The demo personas' Person and Organisation rows, made through the people services.

Tests do not depend on the demo loader (``llo loaddemo``): they make exactly the rows the demo
login needs, from the same source (``llo.demo.personas``).
"""

from __future__ import annotations

from llo.core import audit
from llo.core.identifiers import Level
from llo.demo.personas import LOGINS, ORGANISATIONS, PERSONS
from llo.people.models import GRANTED_ROLES, LabourPosition, Organisation, Person
from llo.people.services import grant_role, register_organisation, register_person

ACTOR = audit.Actor.system("tests")


def create_demo_personas() -> None:
    """Register every demo person and organisation that is not there yet."""
    for p in PERSONS:
        if Person.objects.by_bsn(p.bsn) is None:
            register_person(
                actor=ACTOR,
                bsn=p.bsn,
                display_name=p.name,
                birth_date=p.birth_date,
                highest_level=Level(p.level),
                labour_position=LabourPosition(p.position),
                gemeente_code=p.gemeente,
            )
    for o in ORGANISATIONS:
        if not Organisation.objects.filter(kvk=o.kvk).exists():
            register_organisation(
                actor=ACTOR,
                kvk=o.kvk,
                name=o.name,
                kind=o.kind,
                sector=o.sector,
                employees=o.employees,
                gemeente_code=o.gemeente,
            )
    # Staff roles are explicit data (people.RoleGrant), as the demo loader gives them.
    for login in LOGINS:
        if login.role in GRANTED_ROLES:
            grant_role(
                actor=ACTOR,
                organisation=Organisation.objects.get(kvk=login.kvk),
                role=str(login.role),
                reason="demo persona",
            )
