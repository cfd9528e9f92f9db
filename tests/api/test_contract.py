# SPDX-License-Identifier: EUPL-1.2
"""Issue 14, finding 8: the API does what its OpenAPI document says, and refuses what it
should (the linter's part is test_api_design_rules.py)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from ninja import NinjaAPI, Router, Schema

from llo.api.api import api
from llo.api.openapi import COMMITTED
from llo.api.schemas import duplicate_schema_names
from llo.core.roles import Role
from llo.people.models import Organisation, OrganisationKind, Person, User

pytestmark = pytest.mark.django_db
DOCUMENT = json.loads(COMMITTED.read_text())


def test_every_schema_name_is_used_by_one_class() -> None:
    assert duplicate_schema_names(api) == {}


def _offer_in(module: str) -> type[Schema]:
    return type("OfferIn", (Schema,), {"__module__": module, "__annotations__": {"a": int}})


FirstOfferIn, SecondOfferIn = _offer_in("one"), _offer_in("two")


def _probe_a(request: Any, payload: FirstOfferIn) -> None:  # type: ignore[valid-type]
    return None


def _probe_b(request: Any, payload: SecondOfferIn) -> None:  # type: ignore[valid-type]
    return None


def test_a_duplicate_schema_name_is_found() -> None:
    probe, one, two = NinjaAPI(urls_namespace="probe"), Router(), Router()
    one.post("/a")(_probe_a)
    two.post("/b")(_probe_b)
    probe.add_router("", one)
    probe.add_router("", two)
    assert duplicate_schema_names(probe) == {"OfferIn": ["one.OfferIn", "two.OfferIn"]}


def test_the_404_of_previews_is_documented() -> None:
    responses = DOCUMENT["paths"]["/applications/previews"]["post"]["responses"]
    assert "404" in responses
    assert "application/problem+json" in responses["404"]["content"]


def test_every_error_response_is_problem_json() -> None:
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            for code, response in operation["responses"].items():
                if code.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"], (
                        f"{method} {path} {code}"
                    )


@pytest.fixture
def citizen_client() -> Client:
    person = Person.objects.create(
        bsn_encrypted="x", bsn_hash="h", display_name="Fatima", birth_date=dt.date(1982, 1, 1),
        highest_level="eqf_2", labour_position="flex", gemeente_id="GM0599",
    )  # fmt: skip
    client = Client()
    client.force_login(User.objects.create_user("burger:f", role=Role.BURGER, person=person))
    return client


def test_an_integer_field_accepts_1_0(citizen_client: Client) -> None:
    """JSON Schema's integer includes 1.0; StrictInt refused it with 400."""
    response = citizen_client.post(
        "/api/v1/applications/previews", '{"offeringId": 99999.0}', content_type="application/json"
    )
    assert response.status_code == 404  # read as the integer 99999, which names no offering
    refused = citizen_client.post(
        "/api/v1/applications/previews", '{"offeringId": 1.5}', content_type="application/json"
    )
    assert refused.status_code == 400
    assert refused.json()["invalidParams"][0]["name"] == "offeringId"


def test_an_anonymous_write_is_401_not_a_csrf_403() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/applications/previews", {"offeringId": 1}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_logged_in_write_without_csrf_token_is_403_saying_what_to_send(
    citizen_client: Client,
) -> None:
    citizen_client.handler.enforce_csrf_checks = True
    response = citizen_client.post(
        "/api/v1/applications/previews", {"offeringId": 1}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf-failed"
    assert "X-CSRFToken" in response.json()["detail"]


def test_json_sent_as_text_plain_is_415(citizen_client: Client) -> None:
    response = citizen_client.post(
        "/api/v1/applications/previews", '{"offeringId": 1}', content_type="text/plain"
    )
    assert response.status_code == 415
    assert response.json()["invalidParams"][0]["name"] == "Content-Type"


def test_json_in_utf16_is_refused(citizen_client: Client) -> None:
    body = '{"offeringId": 1}'.encode("utf-16")
    plain = citizen_client.post(
        "/api/v1/applications/previews", body, content_type="application/json"
    )
    assert plain.status_code == 400
    assert plain.json()["invalidParams"][0]["code"] == "encoding"
    declared = citizen_client.generic(
        "POST",
        "/api/v1/applications/previews",
        body,
        content_type="application/json; charset=utf-16",
    )
    assert declared.status_code == 415


@pytest.fixture
def funder_client() -> Client:
    org = Organisation.objects.create(
        kvk="90000001", name="Bakkerij", kind=OrganisationKind.EMPLOYER, gemeente_id="GM0599"
    )
    client = Client()
    client.force_login(
        User.objects.create_user("werkgever:1", role=Role.WERKGEVER, organisation=org)
    )
    return client


BUDGET = {"name": "Leerbudget", "totalCents": 100_000, "periodStart": "2026-01-01",
          "periodEnd": "2026-12-31"}  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("periodStart", "0001-01-01"),
        ("periodStart", "0030-01-01"),
        ("periodEnd", "9999-12-31"),
        ("name", "Leer\u200bbudget"),  # zero-width space
        ("name", "Leerbudget \u202egpj.exe"),  # right-to-left override
        ("name", "Leer\u2066budget"),  # left-to-right isolate
    ],
)
def test_impossible_budget_values_are_400_naming_the_field(
    funder_client: Client, field: str, value: str
) -> None:
    response = funder_client.post(
        "/api/v1/budgets", {**BUDGET, field: value}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["invalidParams"][0]["name"] == field


def test_zero_width_and_direction_characters_in_a_persons_name_are_400(client: Client) -> None:
    staff = Organisation.objects.create(kvk="90000012", name="Register", kind="ministry")
    client.force_login(User.objects.create_user("beheer:1", role="beheer", organisation=staff))
    for name in ("Fatima\u200d", "\u202eamitaF"):
        body = {
            "bsn": "999990111",
            "displayName": name,
            "birthDate": "1990-02-03",
            "highestLevel": "eqf_3",
            "labourPosition": "employed",
            "gemeenteCode": "GM0599",
        }
        response = client.post("/api/v1/persons", body, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["invalidParams"][0]["name"] == "displayName"
    assert not Person.objects.exists()
