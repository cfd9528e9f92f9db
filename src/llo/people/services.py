# SPDX-License-Identifier: EUPL-1.2
"""Use cases for persons and organisations: each in one transaction with its audit record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit, vocabulary
from llo.core.identifiers import Level, validate_kvk
from llo.core.problems import InvalidParam, invalid
from llo.core.timeutil import now, today
from llo.people.models import (
    ClientRelation,
    FactName,
    FactSource,
    FundMembership,
    LabourPosition,
    Organisation,
    OrganisationKind,
    Person,
    PersonFact,
)


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


def _fact_value(name: str, value: object) -> object:
    """The JSON value of a statement, checked: a date (or None), a purpose code, or
    True/False."""
    if name == FactName.INSURED_SINCE:
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
    elif name in (FactName.RECEIVES_STUDY_SUPPORT, FactName.NEEDS_BASIC_SKILLS):
        if isinstance(value, bool):
            return value
    elif name == FactName.TRAINING_PURPOSE:
        if isinstance(value, str) and value in vocabulary.Purpose.values:
            return value
    else:
        raise invalid(_("This fact cannot be stated."), [InvalidParam("name", name, "enum")])
    raise invalid(
        _("The answer is not valid."), [InvalidParam(name, _("Give a valid answer."), "value")]
    )


@transaction.atomic
def state_fact(
    *,
    actor: audit.Actor,
    person: Person,
    name: str,
    value: object,
    on: dt.date,
    source: str = FactSource.DECLARATION,
    source_name: str = "",
) -> PersonFact:
    """Record a statement of a fact about a person (their own, or a source register's) with
    its date. A new statement never changes an old one; the newest counts from its date."""
    if source not in FactSource.values:
        raise ValueError(f"unknown source '{source}'")
    if on > today():
        raise invalid(
            _("A statement cannot be about a day in the future."),
            [InvalidParam("on", _("Give today or a day in the past."), "date")],
        )
    fact = PersonFact.objects.create(
        person=person,
        name=name,
        value=_fact_value(name, value),
        source=source,
        source_name=source_name[:100],
        stated_on=on,
        recorded_at=now(),
        recorded_by=actor.name[:200],
    )
    audit.record(
        actor=actor,
        action="person.fact_stated",
        subject=fact,
        after={"person": person.pk, "name": name, "value": fact.value, "source": source},
    )
    return fact


def _check_kind(org: Organisation, kind: str, what: str) -> None:
    if org.kind != kind:
        raise ValueError(f"{org} is not {what}")


@transaction.atomic
def register_member_firm(
    *,
    actor: audit.Actor,
    fund: Organisation,
    employer: Organisation,
    start: dt.date,
    end: dt.date | None = None,
) -> FundMembership:
    """An employer joins an O&O fund from ``start``: the fund reaches its employees."""
    _check_kind(fund, OrganisationKind.OO_FUND, "a sector fund")
    _check_kind(employer, OrganisationKind.EMPLOYER, "an employer")
    membership, _created = FundMembership.objects.get_or_create(
        fund=fund, employer=employer, start=start, defaults={"end": end}
    )
    audit.record(
        actor=actor,
        action="fund.member_firm_registered",
        subject=membership,
        after=audit.snapshot(membership),
    )
    return membership


@transaction.atomic
def register_clients(
    *,
    actor: audit.Actor,
    organisation: Organisation,
    persons: Iterable[tuple[int, dt.date, dt.date | None]],
) -> int:
    """UWV registers its clients: (person id, from, until) each; a relation already known with
    the same start is updated. One audit record for the whole delivery, naming how many."""
    _check_kind(organisation, OrganisationKind.UWV, "UWV")
    rows = list(persons)
    existing = {
        (r.person_id, r.start): r for r in ClientRelation.objects.filter(organisation=organisation)
    }
    new: list[ClientRelation] = []
    changed: list[ClientRelation] = []
    for person_id, start, end in rows:
        if end is not None and end < start:
            raise ValueError("a client relation ends before it starts")
        known = existing.get((person_id, start))
        if known is None:
            new.append(
                ClientRelation(organisation=organisation, person_id=person_id, start=start, end=end)
            )
        elif known.end != end:
            known.end = end
            changed.append(known)
    ClientRelation.objects.bulk_create(new, batch_size=1000)
    ClientRelation.objects.bulk_update(changed, ["end"], batch_size=1000)
    audit.record(
        actor=actor,
        action="uwv.clients_registered",
        subject=organisation,
        after={"new": len(new), "changed": len(changed)},
    )
    return len(new) + len(changed)
