# SPDX-License-Identifier: EUPL-1.2
"""Turn a proven identity (BSN or KvK number, a role, an assurance level) into a User.

Both login plugins end here, so the rules are the same for DigiD/eHerkenning and the demo:
a citizen is a known Person found by BSN; an organisation role needs a known Organisation of
a kind that fits the role.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.crypto import keyed_hash
from llo.core.identifiers import IdentifierError, validate_bsn, validate_kvk
from llo.core.roles import PERSON_ROLES, Role
from llo.people.models import (
    GRANTED_ROLES,
    ROLE_ORGANISATION_KINDS,
    Organisation,
    Person,
    RoleGrant,
    User,
)


class IdentityError(ValueError):
    """The identity cannot log in; ``field`` says which form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Identity:
    role: str
    bsn: str = ""
    kvk: str = ""
    assurance_level: str = ""
    plugin: str = ""


def resolve(identity: Identity) -> User:
    """Find or create the User for this identity, or raise IdentityError."""
    try:
        role = Role(identity.role)
    except ValueError as exc:
        raise IdentityError("role", _("Choose a role from the list.")) from exc

    if role in PERSON_ROLES:
        try:
            bsn = validate_bsn(identity.bsn)
        except IdentifierError as exc:
            raise IdentityError("bsn", str(exc)) from exc
        person = Person.objects.by_bsn(bsn)
        if person is None:
            raise IdentityError("bsn", _("We do not know anyone with this BSN in llo."))
        # The person's existing account first: while the hash key is rotated the username
        # (made from the hash) may still be the one of the previous key.
        existing = User.objects.filter(role=role, person=person).order_by("pk").first()
        username = existing.username if existing else f"{role}:{keyed_hash(bsn)[:32]}"
        return _user(username, role, identity, person=person, display_name=person.display_name)

    try:
        kvk = validate_kvk(identity.kvk)
    except IdentifierError as exc:
        raise IdentityError("kvk", str(exc)) from exc
    org = Organisation.objects.filter(kvk=kvk).first()
    if org is None:
        raise IdentityError("kvk", _("We do not know an organisation with this KvK number."))
    if org.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise IdentityError(
            "role",
            _("%(org)s cannot log in as %(role)s.") % {"org": org.name, "role": role.label},
        )
    if role in GRANTED_ROLES and not RoleGrant.objects.filter(organisation=org, role=role).exists():
        # Staff roles are given to an organisation explicitly (people.RoleGrant); the same
        # answer as a wrong kind, so a refused login says nothing about who has a grant.
        raise IdentityError(
            "role",
            _("%(org)s cannot log in as %(role)s.") % {"org": org.name, "role": role.label},
        )
    username = f"{role}:{kvk}"
    return _user(username, role, identity, organisation=org, display_name=org.name)


@transaction.atomic
def _user(
    username: str,
    role: Role,
    identity: Identity,
    *,
    display_name: str,
    person: Person | None = None,
    organisation: Organisation | None = None,
) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "person": person,
            "organisation": organisation,
            "display_name": display_name,
        },
    )
    if created:
        user.set_unusable_password()
    user.assurance_level = identity.assurance_level
    user.login_plugin = identity.plugin
    user.display_name = display_name
    user.is_active = True  # the rules above let this identity in (again)
    user.save()
    audit.record(
        actor=audit.Actor(name=f"user:{user.pk}", role=role),
        action="user.logged_in",
        subject=user,
        after={"plugin": identity.plugin, "assurance_level": identity.assurance_level},
    )
    return user
