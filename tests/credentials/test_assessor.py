# SPDX-License-Identifier: EUPL-1.2
"""The EVC assessor (issue 16 item 2): a role given to an EVC provider through
``people.RoleGrant``; the assessor gives the ervaringscertificaat through the page and the API,
and every refusal names its field. Both databases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from llo.core.models import AuditEntry
from llo.core.roles import Role
from llo.credentials.models import Credential
from llo.credentials.selectors import verify_text
from llo.people.services import grant_role
from llo.web.login.identity import Identity, IdentityError, resolve
from tests.accounts.conftest import make_org
from tests.credentials.conftest import ACTOR, person
from tests.credentials.test_exemptions import _evc
from tests.enrolment.conftest import World
from tests.enrolment.test_pages import login

ON = dt.date(2023, 6, 1)


def _post(client: Client, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    answer = client.post(
        "/api/v1/credentials/evc-certificates", body, content_type="application/json"
    )
    return answer.status_code, answer.json()


@pytest.mark.django_db
def test_only_a_provider_with_the_grant_logs_in_as_assessor(world: World) -> None:
    provider = world.provider
    with pytest.raises(IdentityError):
        resolve(Identity(role=Role.ASSESSOR, kvk=provider.kvk, plugin="demo"))
    grant_role(actor=ACTOR, organisation=provider, role=Role.ASSESSOR, reason="EVC-aanbieder")
    user = resolve(Identity(role=Role.ASSESSOR, kvk=provider.kvk, plugin="demo"))
    assert (user.role, user.organisation_id) == (Role.ASSESSOR, provider.pk)
    # Only a provider can be given the role: assessors work for an EVC provider.
    fund = make_org("oo_fund")
    with pytest.raises(ValueError, match="cannot act as assessor"):
        grant_role(actor=ACTOR, organisation=fund, role=Role.ASSESSOR, reason="x")


@pytest.mark.django_db
def test_the_assessor_gives_an_evc_through_the_api(world: World, client: Client) -> None:
    from llo.core import crypto

    evc = _evc(world)
    jan = person(level="eqf_4")
    login(client, "assessor", org=world.provider)
    procedures = client.get("/api/v1/credentials/evc-procedures").json()
    assert [p["id"] for p in procedures] == [evc.pk]
    good = {
        "procedureId": evc.pk,
        "bsn": crypto.decrypt(jan.bsn_encrypted),
        "birthDate": jan.birth_date.isoformat(),
        "assessedOn": ON.isoformat(),
        "confirmed": True,
    }

    # Every refusal names its field; nothing is issued.
    for change, field in [
        ({"procedureId": 999_999}, "procedure"),
        ({"bsn": "123456789"}, "bsn"),
        ({"birthDate": "1999-01-01"}, "bsn"),  # which of the two is wrong: not said
        ({"assessedOn": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "assessedOn"),
        ({"confirmed": False}, "confirmed"),
    ]:
        status, problem = _post(client, {**good, **change})
        assert status == 400, (change, problem)
        assert [p["name"] for p in problem["invalidParams"]] == [field], (change, problem)
    status, problem = _post(client, {**good, "birthDate": "31-02-2023"})
    assert status == 400, problem
    assert [p["name"] for p in problem["invalidParams"]] == ["birthDate"]
    assert not Credential.objects.exists()

    status, made = _post(client, good)
    assert status == 201, made
    row = Credential.objects.get()
    assert (row.person_id, row.kind, row.offer_id, made["id"]) == (jan.pk, "evc", evc.pk,
                                                                   str(row.uuid))  # fmt: skip
    # Signed in both forms, valid for any verifier; the audit record names the assessor role.
    assert verify_text(row.document).valid
    assert verify_text(row.jwt).valid
    entry = AuditEntry.objects.filter(action__startswith="credentials.issue").latest("pk")
    assert entry.role == Role.ASSESSOR

    status, problem = _post(client, good)  # twice: beside the procedure
    assert status == 400
    assert [p["name"] for p in problem["invalidParams"]] == ["procedure"]
    assert Credential.objects.count() == 1


@pytest.mark.django_db
def test_other_roles_cannot_give_an_evc(world: World, client: Client) -> None:
    evc = _evc(world)
    body = {"procedureId": evc.pk, "bsn": "999990020", "birthDate": "1968-09-02",
            "assessedOn": ON.isoformat(), "confirmed": True}  # fmt: skip
    assert _post(client, body)[0] == 401
    for role in ("opleider", "burger", "beheer"):
        kwargs: dict[str, Any] = {"who": person()} if role == "burger" else {"org": world.provider}
        login(client, role, **kwargs)
        assert _post(client, body)[0] == 403, role
        assert client.get("/api/v1/credentials/evc-procedures").status_code == 403
        client.logout()
    assert not Credential.objects.exists()
