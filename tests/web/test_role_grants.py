# SPDX-License-Identifier: EUPL-1.2
"""Issue 14, finding 3: which organisation may hold which staff role is explicit data
(people.RoleGrant), not "any ministry's KvK number"."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from llo.core import audit
from llo.core.models import AuditEntry
from llo.core.roles import Role
from llo.people.models import GRANTED_ROLES, Organisation, User
from llo.people.services import grant_role, register_organisation
from llo.web.login.identity import Identity, IdentityError, resolve

pytestmark = pytest.mark.django_db
ACTOR = audit.Actor.system("tests")


@pytest.fixture
def ministry() -> Organisation:
    return register_organisation(
        actor=ACTOR, kvk="90000111", name="Ministerie van Elders", kind="ministry"
    )


def test_staff_roles_are_the_ones_that_reach_other_peoples_data() -> None:
    assert {Role.ADVISEUR, Role.BELEID, Role.BEHEER, Role.ASSESSOR} == GRANTED_ROLES


@pytest.mark.parametrize("role", [Role.BEHEER, Role.BELEID])
def test_a_ministry_without_a_grant_cannot_log_in_as_staff(
    ministry: Organisation, role: Role
) -> None:
    with pytest.raises(IdentityError) as refused:
        resolve(Identity(role=role, kvk=ministry.kvk, plugin="demo"))
    assert refused.value.field == "role"
    assert not User.objects.exists()


def test_a_grant_lets_exactly_that_role_in(ministry: Organisation) -> None:
    grant_role(actor=ACTOR, organisation=ministry, role=Role.BELEID, reason="policy unit")
    user = resolve(Identity(role=Role.BELEID, kvk=ministry.kvk, plugin="demo"))
    assert user.role == Role.BELEID
    with pytest.raises(IdentityError):
        resolve(Identity(role=Role.BEHEER, kvk=ministry.kvk, plugin="demo"))
    assert AuditEntry.objects.filter(action="role.granted").count() == 1


def test_a_grant_must_fit_the_kind_and_give_a_reason(ministry: Organisation) -> None:
    with pytest.raises(ValueError, match="kind"):
        grant_role(actor=ACTOR, organisation=ministry, role=Role.ADVISEUR, reason="x")
    with pytest.raises(ValueError, match="reason"):
        grant_role(actor=ACTOR, organisation=ministry, role=Role.BEHEER, reason=" ")


def test_the_command_grants_and_revokes_and_revoking_ends_the_logins(
    ministry: Organisation,
) -> None:
    call_command("grant_role", ministry.kvk, "beheer", reason="register staff")
    user = resolve(Identity(role=Role.BEHEER, kvk=ministry.kvk, plugin="demo"))
    assert user.is_active
    call_command("grant_role", ministry.kvk, "beheer", revoke=True)
    user.refresh_from_db()
    assert not user.is_active
    with pytest.raises(IdentityError):
        resolve(Identity(role=Role.BEHEER, kvk=ministry.kvk, plugin="demo"))
    assert AuditEntry.objects.filter(action="role.revoked").count() == 1


def test_the_demo_login_page_refuses_a_ministry_as_register_staff(
    client: Client, ministry: Organisation
) -> None:
    response = client.post(
        reverse("web:login-demo"), {"role": Role.BEHEER.value, "kvk": ministry.kvk}
    )
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
