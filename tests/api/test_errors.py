# SPDX-License-Identifier: EUPL-1.2
"""Every API error is application/problem+json (RFC 9457); every response has API-Version."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from llo.people.models import User

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
VALID_PERSON = {
    "bsn": "999990111",
    "displayName": "Nieuwe Persoon",
    "birthDate": "1990-02-03",
    "highestLevel": "eqf_3",
    "labourPosition": "employed",
    "gemeenteCode": "GM0599",
}


def problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    assert response["Content-Type"] == PROBLEM  # type: ignore[index]
    assert response["API-Version"] == "1.0.0"  # type: ignore[index]
    body = json.loads(response.content)  # type: ignore[attr-defined]
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"]
    assert body["detail"]
    return body


@pytest.fixture
def staff(client: Client) -> Client:
    user = User.objects.create_user("beheer:90000012", role="beheer")
    client.force_login(user)
    return client


def post(client: Client, data: object) -> object:
    body = data if isinstance(data, str) else json.dumps(data)
    return client.post("/api/v1/persons", data=body, content_type="application/json")


def test_health_has_api_version_header(client: Client) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/health", "/api/", "/api/v1/"])
def test_unknown_api_path_is_a_problem_404(client: Client, path: str) -> None:
    problem(client.get(path), 404)


def test_unknown_region_is_a_problem_404_naming_it(client: Client) -> None:
    body = problem(client.get("/api/v1/regions/AM99"), 404)
    assert "AM99" in str(body["detail"])


def test_wrong_method_is_a_problem_405(client: Client) -> None:
    response = client.delete("/api/v1/health")
    problem(response, 405)
    assert "GET" in response["Allow"]


def test_not_logged_in_is_a_problem_401(client: Client) -> None:
    problem(post(client, VALID_PERSON), 401)


def test_wrong_role_is_a_problem_403(client: Client) -> None:
    client.force_login(User.objects.create_user("werkgever:90000001", role="werkgever"))
    problem(post(client, VALID_PERSON), 403)


def test_malformed_json_is_a_problem_400_with_invalid_params(staff: Client) -> None:
    body = problem(post(staff, '{"bsn": "999990111",'), 400)
    params = body["invalidParams"]
    assert isinstance(params, list)
    assert params[0]["name"] == "body"
    assert params[0]["code"] == "json"
    assert "line 1" in params[0]["reason"]


def test_invalid_fields_are_all_named_in_invalid_params(staff: Client) -> None:
    data = {**VALID_PERSON, "bsn": "123456789", "highestLevel": "eqf_9", "gemeenteCode": "X"}
    del data["birthDate"]
    body = problem(post(staff, data), 400)
    names = {p["name"] for p in body["invalidParams"]}  # type: ignore[union-attr]
    assert names == {"bsn", "highestLevel", "gemeenteCode", "birthDate"}
    reasons = {p["name"]: p["reason"] for p in body["invalidParams"]}  # type: ignore[union-attr]
    assert "BSN" in reasons["bsn"]


def test_duplicate_is_a_problem_409_and_writes_nothing_twice(staff: Client) -> None:
    first = post(staff, VALID_PERSON)
    assert first.status_code == 201, first.content  # type: ignore[attr-defined]
    assert first["API-Version"] == "1.0.0"  # type: ignore[index]
    body = problem(post(staff, VALID_PERSON), 409)
    assert body["code"] == "person-exists"


def test_rule_refusal_is_a_problem_422(staff: Client) -> None:
    body = problem(post(staff, {**VALID_PERSON, "birthDate": "2199-01-01"}), 422)
    assert body["invalidParams"][0]["name"] == "birthDate"  # type: ignore[index]


def test_unexpected_error_is_a_problem_500_without_details(
    client: Client, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    import llo.api.api

    class Broken:
        def cursor(self) -> None:
            raise RuntimeError("secret-database-password=hunter2 at /srv/llo/settings.py")

    monkeypatch.setattr(llo.api.api, "connection", Broken())
    response = client.get("/api/v1/health")
    body = problem(response, 500)
    text = response.content.decode()
    assert "hunter2" not in text
    assert "Traceback" not in text
    assert "settings" not in text
    assert body["detail"] == "Something went wrong on our side. Try again later."


def test_openapi_document_is_served(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    assert response.json()["components"]["schemas"]["Problem"]["required"] == [
        "type", "title", "status", "detail",
    ]  # fmt: skip
