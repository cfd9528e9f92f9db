# SPDX-License-Identifier: EUPL-1.2
"""The credentials API and pages with Django's client, on both databases: who may do what,
problem+json for bad input, the public JSON llo serves, and bad input on the public page."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from llo.credentials import config, contexts, did, statuslist
from llo.credentials.models import Credential
from llo.people.models import User
from tests.credentials.conftest import completed, person
from tests.enrolment.conftest import World
from tests.enrolment.test_pages import login

pytestmark = pytest.mark.django_db


def _issue_by_api(client: Client, world: World) -> dict[str, object]:
    enrolment = completed(world)
    login(client, "opleider", org=world.provider)
    answer = client.post(
        "/api/v1/credentials/issued",
        data=json.dumps({"enrolmentId": enrolment.pk}),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    return dict(answer.json())


def test_provider_issues_and_withdraws_through_the_api(world: World, client: Client) -> None:
    made = _issue_by_api(client, world)
    assert made["kind"] == "microcredential"
    again = client.post(
        "/api/v1/credentials/issued",
        data=json.dumps({"enrolmentId": Credential.objects.get().enrolment_id}),
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    no_reason = client.post(
        f"/api/v1/credentials/issued/{made['id']}/status",
        data=json.dumps({"action": "revoke"}),
        content_type="application/json",
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["invalidParams"][0]["name"] == "reason"
    bad = client.post(
        f"/api/v1/credentials/issued/{made['id']}/status",
        data=json.dumps({"action": "delete"}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    done = client.post(
        f"/api/v1/credentials/issued/{made['id']}/status",
        data=json.dumps({"action": "revoke", "reason": "Fout in de uitslag"}),
        content_type="application/json",
    )
    assert done.json()["state"] == "revoked"


def test_holder_lists_and_downloads_only_their_own(world: World, client: Client) -> None:
    made = _issue_by_api(client, world)
    row = Credential.objects.get()
    client.logout()
    login(client, "burger", who=row.person)
    mine = client.get("/api/v1/credentials/mine").json()
    assert [c["id"] for c in mine] == [made["id"]]
    jsonld = client.get(f"/api/v1/credentials/mine/{made['id']}")
    assert jsonld["Content-Type"] == "application/vc+ld+json"
    jwt = client.get(f"/api/v1/credentials/mine/{made['id']}?format=jwt")
    assert jwt.content.decode().count(".") == 2
    page = client.get(f"/mijn-certificaten/{made['id']}/download/jwt")
    assert page["Content-Disposition"].startswith("attachment")
    elm_download = client.get(f"/mijn-certificaten/{made['id']}/download/elm")
    assert elm_download.status_code == 200
    client.logout()
    login(client, "burger", who=person())
    assert client.get(f"/api/v1/credentials/mine/{made['id']}").status_code == 404
    assert client.get(f"/mijn-certificaten/{made['id']}").status_code == 404
    assert client.get(f"/mijn-certificaten/{made['id']}/download/jsonld").status_code == 404
    client.logout()
    assert client.get("/api/v1/credentials/mine").status_code == 401


def test_public_json_did_documents_status_lists_context(world: World, client: Client) -> None:
    _issue_by_api(client, world)
    row = Credential.objects.get()
    client.logout()
    issuer = client.get(f"/issuers/{world.provider.kvk}/did.json")
    assert issuer["Content-Type"] == "application/did+json"
    document = issuer.json()
    assert document["id"] == config.issuer_did(world.provider.kvk)
    assert did.did_web_url(document["id"]).endswith(f"/issuers/{world.provider.kvk}/did.json")
    platform = client.get("/.well-known/did.json").json()
    assert platform["id"] == config.platform_did()
    listed = client.get(f"/credentials/status/{row.status_list_id}").json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    bits = statuslist.decode(listed["credentialSubject"]["encodedList"])
    assert len(bits) * 8 >= statuslist.MIN_ENTRIES * 2
    assert client.get("/ns/credentials/v1").json() == contexts.context_document(contexts.LLO_V1)
    issuers = client.get("/api/v1/credentials/issuers").json()
    entry = next(i for i in issuers if i["kvk"] == world.provider.kvk)
    assert entry["kinds"] == ["course", "microcredential"]
    assert client.get("/issuers/12345678/did.json").status_code == 404


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"credential": "{" * 5000}, "not-json"),
        ({"credential": {"@context": ["https://evil.example/x"], "proof": {}}}, "unknown-context"),
        ({"credential": "a.b.c"}, "bad-jwt"),
        ({"credential": 12}, "not-object"),
        ({"credential": {"nested": json.loads("[" * 40 + "1" + "]" * 40)}}, "too-deep"),
    ],
    ids=["deep-text", "unknown-context", "bad-jwt", "number", "deep-object"],
)
def test_verify_api_answers_invalid_with_a_reason(
    client: Client, payload: object, code: str
) -> None:
    answer = client.post(
        "/api/v1/credentials/verify", data=json.dumps(payload), content_type="application/json"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["valid"] is False
    assert body["checks"][0]["code"] == code
    assert body["checks"][0]["reason"]


def test_verify_page_without_login(world: World, client: Client) -> None:
    _issue_by_api(client, world)
    row = Credential.objects.get()
    client.logout()
    empty = client.post("/verifieren", {"credential": "  "})
    assert empty.status_code == 400
    assert "aria-invalid" in empty.content.decode()
    good = client.post("/verifieren", {"credential": row.document})
    assert 'data-valid="true"' in good.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = client.post("/verifieren", {"file": SimpleUploadedFile("c.jwt", row.jwt.encode())})
    assert 'data-valid="true"' in upload.content.decode()
    huge = client.post("/verifieren", {"file": SimpleUploadedFile("big.json", b" " * 600_000)})
    assert 'data-valid="false"' in huge.content.decode()


def test_user_model_is_the_projects() -> None:
    assert User._meta.label == "people.User"


def test_verify_api_judges_any_json_document(client: Client) -> None:
    """The verifier's body is a document to judge (api.DOCUMENT_BODIES): extra names with
    control characters and integers beyond 64 bits are not refused as input, the credential is
    simply invalid with its reason (schemathesis found both)."""
    payload = {"credential": {"big": 23462956706388463616, "\u001aname": "\u0005"}, "x": 1}
    answer = client.post(
        "/api/v1/credentials/verify", data=json.dumps(payload), content_type="application/json"
    )
    assert answer.status_code == 200
    assert answer.json()["valid"] is False
