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


@transaction.atomic
def grant_role(*, actor: audit.Actor, organisation: Organisation, role: str, reason: str) -> bool:
    """Let ``organisation`` act in the staff ``role``; False when it already may."""
    from llo.people.models import GRANTED_ROLES, ROLE_ORGANISATION_KINDS, RoleGrant

    if role not in GRANTED_ROLES:
        raise ValueError(f"{role} is not a role that needs a grant ({', '.join(GRANTED_ROLES)})")
    if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise ValueError(f"an organisation of kind {organisation.kind} cannot act as {role}")
    if not reason.strip():
        raise ValueError("give the reason for the grant")
    grant, created = RoleGrant.objects.get_or_create(
        organisation=organisation, role=role, defaults={"reason": reason.strip()}
    )
    if created:
        audit.record(actor=actor, action="role.granted", subject=grant, after=audit.snapshot(grant))
    return created


@transaction.atomic
def revoke_role(*, actor: audit.Actor, organisation: Organisation, role: str) -> bool:
    """Take a staff role away; the organisation's existing logins in it stop working."""
    from llo.people.models import RoleGrant, User

    grant = RoleGrant.objects.filter(organisation=organisation, role=role).first()
    if grant is None:
        return False
    audit.record(actor=actor, action="role.revoked", subject=grant, before=audit.snapshot(grant))
    grant.delete()
    User.objects.filter(organisation=organisation, role=role).update(is_active=False)
    return True
