# SPDX-License-Identifier: EUPL-1.2
"""The authorisation matrix (issue 14, "checks that must exist afterwards"): every page of the
URL configuration and every operation of the OpenAPI document, by anonymous and every role,
against a declared expectation. A new page or operation without a row here fails the build; a
row whose page or operation is gone fails too.

Each request is made with ids that do not exist (999999, "x"): an allowed role reaches the
lookup and gets 404 (or its own empty list, or 400 for the dummy body); a denied role gets
403 before any lookup; anonymous is sent to the login page (pages) or gets 401 (API). Any 5xx
fails. Request bodies are built from the OpenAPI document (the required fields, each with a
valid dummy value), with the few overrides below, so that an operation's role check is
reached rather than its validation. Where every logged-in role gets the same 404, the
operation looks its object up before it checks the role (issue 14 item 5: only the jobs
remain so, every role may own one). IDOR probes with real objects of another owner, for
every address with an id, are in tests/test_idor_probes.py, enumerated from this matrix."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver

from llo.api.api import api
from llo.core.roles import Role
from llo.people.models import User
from llo.register.models import Opleider
from tests.accounts.conftest import make_org, make_person, valid_bsn

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", *(str(r) for r in Role)]
#: The organisation kind each role's account acts for in this test.
ROLE_ORG = {
    Role.WERKGEVER: "employer",
    Role.FONDS: "oo_fund",
    Role.GEMEENTE: "municipality",
    Role.UWV: "uwv",
    Role.OPLEIDER: "provider",
    Role.ADVISEUR: "work_centre",
    Role.BELEID: "ministry",
    Role.BEHEER: "ministry",
    Role.ASSESSOR: "provider",
}
FUNDERS = {"werkgever", "fonds", "gemeente", "uwv", "beleid"}
#: The roles that state a region's training demand (issue 17): employers, funds, gemeenten,
#: UWV, providers and advisers at the regional work centres.
DEMANDERS = ("werkgever", "fonds", "gemeente", "uwv", "opleider", "adviseur")
#: Mounted elsewhere or not ours: the API (its operations are listed from OpenAPI), the OIDC
#: client, Django's admin (staff flag), static files.
NOT_PAGES = ("api/v1/", "oidc/", "beheer/admin/", "static/", "media/")


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(ROLES, outcome)


def only(*allowed: str, answer: str = "ok", anonymous: str = "login") -> dict[str, str]:
    """``allowed`` roles get ``answer``; anonymous ``anonymous``; every other role 403."""
    row = {role: "403" for role in ROLES}
    row.update(dict.fromkeys(allowed, answer))
    row["anonymous"] = anonymous
    return row


def api_only(*allowed: str, answer: str = "ok") -> dict[str, str]:
    return only(*allowed, answer=answer, anonymous="401")


def api_any_login(answer: str) -> dict[str, str]:
    """Every logged-in role gets ``answer`` (the check is on the object, or the role is
    decided by the body the dummy request cannot get right)."""
    return {**everyone(answer), "anonymous": "401"}


# fmt: off
PAGES: dict[str, dict[str, str]] = {
    "^api/(?P<rest>.*)$": everyone("404"),  # an unknown API version: problem+json 404
    "taal": everyone("ok"),
    "opleidingen": everyone("ok"),
    "opleidingen/<int:pk>": everyone("404"),
    "opleiders/<str:kvk>": everyone("404"),
    "mijn-aanbod": only("opleider"),
    "mijn-aanbod/nieuw": only("opleider"),
    "mijn-aanbod/importeren": only("opleider"),
    "mijn-aanbod/export": only("opleider"),
    "mijn-aanbod/export.csv": only("opleider"),
    "mijn-aanbod/<int:pk>": only("opleider", answer="404"),
    "mijn-aanbod/<int:pk>/wijzigen": only("opleider", answer="404"),
    "mijn-aanbod/<int:pk>/stap": only("opleider", answer="404"),
    "mijn-aanbod/<int:pk>/startmomenten/<int:offering>/annuleren": only("opleider", answer="404"),
    "beoordelen": only("beheer"),
    "beoordelen/<int:pk>": only("beheer", answer="404"),
    "beheer/opleiders": only("beheer"),
    "beheer/opleiders/<str:kvk>": only("beheer", answer="404"),
    "beheer/opleiders/<str:kvk>/status": only("beheer", answer="404"),
    "beheer/opleiders/<str:kvk>/keurmerken": only("beheer", answer="404"),
    "beheer/signalen": only("beheer"),
    "beleid/regelingen": only("beleid"),
    "beleid/regelingen/<slug:key>": only("beleid", answer="404"),
    "beleid/wat-als": only("beleid"),
    "financier/budgetten": only(*FUNDERS),
    "financier/budgetten/nieuw": only(*FUNDERS),
    "financier/budgetten/<int:budget_id>": only(*FUNDERS, answer="404"),
    "financier/budgetten/<int:budget_id>/storten": only(*FUNDERS, answer="404"),
    "financier/budgetten/<int:budget_id>/bestand": only(*FUNDERS, answer="404"),
    "financier/budgetten/<int:budget_id>/export.csv": only(*FUNDERS, answer="404"),
    # Application rounds (issue 15): a funder opens, reads and decides its own rounds (another
    # funder's round is 404, tests/enrolment/test_window_pages.py); everyone reads the rounds.
    "financier/budgetten/<int:budget_id>/rondes/nieuw": only(*FUNDERS, answer="404"),
    "financier/rondes": only(*FUNDERS),
    "financier/rondes/<int:window_id>": only(*FUNDERS, answer="404"),
    "financier/rondes/<int:window_id>/verdelen": only(*FUNDERS, answer="404"),
    "aanvraagrondes": everyone("ok"),
    "aanvraagrondes/<int:window_id>": everyone("404"),
    "aanvraagrondes/<int:window_id>/vooraanmelden": only("burger", answer="404"),
    "aanvragen/nieuw/<int:offering_id>": only("burger", "adviseur", answer="404"),
    "aanvragen": only("burger"),
    "aanvragen/<int:pk>": only("burger", "adviseur", answer="404"),
    "aanvragen/<int:pk>/annuleren": only("burger", answer="404"),
    "aanvragen/ontvangen/<int:pk>": only("burger", "adviseur", answer="404"),
    # Leaving a window's waiting list: only the person whose entry it is (decision 013).
    "aanvragen/ontvangen/<int:pk>/wachtlijst-verlaten": only("burger", answer="404"),
    "opleider/aanvragen": only("opleider"),
    "opleider/aanvragen/<int:pk>": only("opleider", answer="404"),
    "opleider/aanvragen/<int:pk>/<slug:action>": only("opleider", answer="404"),
    "opleider/betaaloverzicht": only("opleider"),
    "uitgaven": everyone("ok"),
    "uitgaven.csv": everyone("ok"),
    "uitgaven.json": everyone("ok"),
    "uitgaven/opleider/<int:provider_id>": everyone("404"),
    "verifieren": everyone("ok"),
    "mijn-certificaten": only("burger"),
    "mijn-certificaten/vrijstellingen": only("burger", answer="404"),
    "mijn-certificaten/vrijstellingen/<int:pk>": only("burger", answer="404"),
    "mijn-certificaten/<str:value>": only("burger", answer="404"),
    "mijn-certificaten/<str:value>/download/<str:form>": only("burger", answer="404"),
    "gedeeld/<str:token>": everyone("404"),
    "certificaten": only("opleider"),
    "certificaten/uitgeven/<int:pk>": only("opleider", answer="404"),
    "certificaten/<str:value>/status": only("opleider", answer="404"),
    "certificaten/vrijstellingen/<int:pk>": only("opleider", answer="404"),
    ".well-known/did.json": everyone("ok"),
    "issuers/<str:kvk>/did.json": everyone("404"),
    "credentials/status/<int:pk>": everyone("404"),
    "ns/credentials/v1": everyone("ok"),
    "": everyone("ok"),
    "inloggen": everyone("ok"),
    "inloggen/demo": everyone("ok"),
    "inloggen/mislukt": everyone("403"),  # the page that says the login was refused
    "uitloggen": everyone("ok"),
    "home": {**everyone("ok"), "anonymous": "login"},
    "taken/<int:pk>": {**everyone("404"), "anonymous": "login"},
    "mijn-rechten/<int:pk>": only("burger", answer="404"),
    # The adviser (issue 15): a person gives and ends consent; a work centre's adviser sees
    # only persons whose consent is valid (anyone else 404: tests/advice/test_adviser.py).
    "mijn-toestemmingen": only("burger"),
    "mijn-toestemmingen/<int:pk>/intrekken": only("burger", answer="404"),
    "mijn-ontwikkelplan": only("burger"),
    "adviseur/clienten": only("adviseur"),
    "adviseur/clienten/<int:person_id>": only("adviseur", answer="404"),
    "adviseur/clienten/<int:person_id>/plan": only("adviseur", answer="404"),
    # A person's own pages (issue 15): my data, its download, who viewed it, a new employer.
    "mijn-rechten/nieuwe-werkgever": only("burger"),
    "mijn-gegevens": only("burger"),
    "mijn-gegevens/download": only("burger"),
    "mijn-gegevens/bekeken": only("burger"),
    # added with credentials' EVC page, skills and regions (issue 17), OOAPI v6 (public)
    "^ooapi(?P<rest>/.*)?$": everyone("404"),
    "aanvragen/nieuw/<int:offering_id>/gegevens": only("burger", "adviseur", answer="404"),
    # The ervaringscertificaat is the EVC assessor's decision (issue 16): not the provider's
    # own role, a role given to an EVC provider through people.RoleGrant.
    "certificaten/evc": only("assessor"),
    "meldingen": {**everyone("ok"), "anonymous": "login"},
    "meldingen/gelezen": {**everyone("ok"), "anonymous": "login"},
    "ooapi/v6": everyone("ok"),
    "ooapi/v6/": everyone("ok"),
    "ooapi/v6/course-offerings/<str:ident>": everyone("404"),
    "ooapi/v6/courses": everyone("ok"),
    "ooapi/v6/courses/<str:ident>": everyone("404"),
    "ooapi/v6/courses/<str:ident>/course-offerings": everyone("404"),
    "ooapi/v6/offerings": everyone("ok"),
    "ooapi/v6/openapi.json": everyone("ok"),
    "ooapi/v6/organisations": everyone("ok"),
    "ooapi/v6/organisations/<str:ident>": everyone("404"),
    "ooapi/v6/organisations/<str:ident>/course-offerings": everyone("404"),
    "ooapi/v6/organisations/<str:ident>/courses": everyone("404"),
    "ooapi/v6/organisations/<str:ident>/programme-offerings": everyone("404"),
    "ooapi/v6/organisations/<str:ident>/programmes": everyone("404"),
    "ooapi/v6/programme-offerings/<str:ident>": everyone("404"),
    "ooapi/v6/programmes": everyone("ok"),
    "ooapi/v6/programmes/<str:ident>": everyone("404"),
    "ooapi/v6/programmes/<str:ident>/courses": everyone("404"),
    "ooapi/v6/programmes/<str:ident>/programme-offerings": everyone("404"),
    "regio": everyone("ok"),
    "regio/<str:code>": everyone("404"),
    "regio/<str:code>/<str:slug>/<str:term>": everyone("404"),
    "regio/<str:code>/aanbod": everyone("404"),
    "regio/<str:code>/aanbod.<str:fmt>": everyone("404"),
    "regio/<str:code>/kloof.<str:fmt>": everyone("404"),
    "regio/<str:code>/vraag": everyone("404"),
    "regio/<str:code>/vraag.<str:fmt>": everyone("404"),
    "regio/abonnementen": only("opleider"),
    "regio/abonnementen/<int:pk>/stoppen": only("opleider", answer="404"),
    "regio/kaart.<str:fmt>": everyone("404"),
    "regio/kaart.topojson": everyone("ok"),
    "regio/krapte": only("uwv", "beheer"),
    "regio/mijn-vraag": only(*DEMANDERS),
    "regio/vraag/<int:pk>": everyone("404"),
    # a form target: POST for an unknown statement is 404 like the edit page
    "regio/vraag/<int:pk>/sluiten": only(*DEMANDERS, answer="404"),
    "regio/vraag/<int:pk>/wijzigen": only(*DEMANDERS, answer="404"),
    "regio/vraag/nieuw": only(*DEMANDERS),
}

OPERATIONS: dict[str, dict[str, str]] = {
    "GET /api/v1/health": everyone("ok"),
    "GET /api/v1/regions": everyone("ok"),
    "GET /api/v1/regions/{code}": everyone("404"),
    "GET /api/v1/gemeenten/{code}": everyone("404"),
    "GET /api/v1/me": api_any_login("ok"),
    "GET /api/v1/me/data": api_only("burger"),
    "GET /api/v1/me/reads": api_only("burger"),
    "POST /api/v1/persons": api_only("beheer"),
    "GET /api/v1/offers": everyone("ok"),
    "POST /api/v1/offers": api_only("opleider"),
    "GET /api/v1/offers/{id}": everyone("404"),
    "PUT /api/v1/offers/{id}": api_only("opleider", answer="404"),
    "GET /api/v1/offers/{id}/versions": everyone("404"),
    "GET /api/v1/providers": everyone("ok"),
    "POST /api/v1/providers": api_only("beheer", answer="400"),  # the dummy KvK is unknown
    "GET /api/v1/providers/{kvk}": everyone("404"),
    "PUT /api/v1/providers/{kvk}/status": api_only("beheer", answer="404"),
    "POST /api/v1/providers/{kvk}/quality-marks": api_only("beheer", answer="404"),
    "GET /api/v1/providers/{kvk}/offers": api_only("opleider", "beheer", answer="404"),
    "POST /api/v1/offers/{id}/offerings": api_only("opleider", answer="404"),
    "POST /api/v1/offers/{id}/transitions": api_only("opleider", "beheer", answer="404"),
    "GET /api/v1/review-queue": api_only("beheer"),
    "POST /api/v1/providers/{kvk}/imports": api_only("opleider", answer="404"),
    "GET /api/v1/providers/{kvk}/export": api_only("opleider", "beheer", answer="404"),
    "GET /api/v1/budgets": api_only(*FUNDERS),
    "POST /api/v1/budgets": api_only(*FUNDERS),
    "GET /api/v1/budgets/{budgetId}": api_only(*FUNDERS, answer="404"),
    "POST /api/v1/budgets/{budgetId}/deposits": api_only(*FUNDERS, answer="404"),
    "POST /api/v1/budgets/{budgetId}/deposit-files": api_only(*FUNDERS, answer="404"),
    "GET /api/v1/rights": api_only("burger", *FUNDERS),
    "POST /api/v1/rights/{rightId}/transfers": api_only(*FUNDERS, answer="404"),
    "POST /api/v1/funding-plans": api_only("burger"),
    "GET /api/v1/windows": everyone("ok"),
    "POST /api/v1/applications/previews": api_only("burger", answer="404"),
    "POST /api/v1/applications": api_only("burger", answer="400"),
    "GET /api/v1/applications": api_only("burger"),
    "GET /api/v1/applications/{applicationId}": api_only("burger", answer="404"),
    "POST /api/v1/windows/{windowId}/applications": api_only("burger", answer="404"),
    "GET /api/v1/windows/{windowId}/applications/{entryId}": api_only("burger", answer="404"),
    "POST /api/v1/enrolments/{applicationId}": api_only("opleider", answer="404"),
    "POST /api/v1/enrolments/{applicationId}/start": api_only("opleider", answer="404"),
    "PUT /api/v1/enrolments/{applicationId}/attendance": api_only("opleider", answer="404"),
    "POST /api/v1/enrolments/{applicationId}/completion": api_only("opleider", answer="404"),
    "POST /api/v1/budgets/{budgetId}/windows": api_only(*FUNDERS, answer="404"),
    "GET /api/v1/windows/{windowId}/report": api_only(*FUNDERS, answer="404"),
    "GET /api/v1/spending": everyone("ok"),
    "GET /api/v1/spending/csv": everyone("ok"),
    "GET /api/v1/jobs/{jobId}": api_any_login("404"),
    "POST /api/v1/credentials/verify": everyone("ok"),
    "GET /api/v1/credentials/issuers": everyone("ok"),
    "GET /api/v1/credentials/mine": api_only("burger"),
    "POST /api/v1/credentials/mine": api_only("burger", answer="422"),
    "GET /api/v1/credentials/mine/{credential_id}": api_only("burger", answer="404"),
    "POST /api/v1/credentials/issued": api_only("opleider", answer="404"),
    "POST /api/v1/credentials/issued/{credential_id}/status": api_only("opleider", answer="404"),
    # The assessor's EVC (issue 16): its own procedures; the dummy body is refused (400).
    "GET /api/v1/credentials/evc-procedures": api_only("assessor"),
    "POST /api/v1/credentials/evc-certificates": api_only("assessor", answer="400"),
    # skills and regions (issue 17): the skills language and the gap are open data
    "DELETE /api/v1/demand-subscriptions/{pk}": api_only("opleider", answer="404"),
    "GET /api/v1/demand-subscriptions": api_only("opleider"),
    "GET /api/v1/demand/{pk}": everyone("404"),
    "GET /api/v1/gap-map": everyone("ok"),
    "GET /api/v1/isco-groups/{code}": everyone("404"),
    "GET /api/v1/occupations": everyone("400"),
    "GET /api/v1/occupations/{code}": everyone("404"),
    "GET /api/v1/regions/{code}/demand": everyone("404"),
    "GET /api/v1/regions/{code}/gap": everyone("404"),
    "GET /api/v1/regions/{code}/portfolio": everyone("404"),
    "GET /api/v1/shortages": everyone("ok"),
    "GET /api/v1/skills": everyone("400"),
    "GET /api/v1/skills/{code}": everyone("404"),
    "POST /api/v1/demand": api_only(*DEMANDERS, answer="400"),
    "POST /api/v1/demand-subscriptions": api_only("opleider", answer="400"),
    "POST /api/v1/demand/{pk}/close": api_only(*DEMANDERS, answer="404"),
    "PUT /api/v1/demand/{pk}": api_only(*DEMANDERS, answer="404"),  # whose, before the body
}

#: Bodies the OpenAPI document's required fields alone do not make valid (checks inside a
#: validator), merged over the generated body.
BODIES: dict[str, dict[str, Any]] = {
    "POST /api/v1/persons": {"bsn": valid_bsn(7), "gemeenteCode": "GM0599"},
    "POST /api/v1/providers": {"kvk": "12345678"},
    "POST /api/v1/budgets/{budgetId}/deposits": {
        "deposits": [{"personId": 999999, "amountCents": 1}]
    },
    "POST /api/v1/funding-plans": {
        "offer": {"priceComponents": {"tuition": 100}, "level": "eqf_2"}
    },
}
# fmt: on


def page_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith(NOT_PAGES):
                found += page_routes(entry, route)
        elif isinstance(entry, URLPattern) and not route.startswith(NOT_PAGES):
            # An API address answered by a lean route first (llo.api.lean) is an operation:
            # its row is in OPERATIONS and the check walks it through the same address.
            found.append(route)
    return found


SCHEMA = api.get_openapi_schema()
#: The paths of the document are relative to its server (``/api/v1``).
BASE = SCHEMA["servers"][0]["url"]


def operation_keys() -> list[str]:
    return [f"{m.upper()} {BASE}{p}" for p, item in SCHEMA["paths"].items() for m in item]


def concrete(route: str) -> str:
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"<int:\w+>", "999999", route)
    route = re.sub(r"<(str|slug|path):\w+>", "x", route)
    return "/" + re.sub(r"\(\?P<\w+>[^)]*\)", "x", route)


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in node:
        return _resolve(next(n for n in node["anyOf"] if n.get("type") != "null"))
    return node


def example(node: dict[str, Any]) -> Any:
    """A valid dummy value for a JSON schema: the required fields only."""
    node = _resolve(node)
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        return {name: example(props[name]) for name in node.get("required", [])}
    if kind == "array":
        return [example(node["items"])] * node.get("minItems", 0)
    if kind == "integer":
        return max(node.get("minimum", 1), node.get("exclusiveMinimum", 0) + 1, 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    fmt = node.get("format")
    if fmt == "date":
        return "2026-01-02"
    if fmt == "date-time":
        return "2026-01-02T10:00:00Z"
    return "x" * max(node.get("minLength", 1), 1)


def request_body(key: str) -> tuple[bytes, str]:
    method, path = key.split(" ", 1)
    operation = SCHEMA["paths"][path.removeprefix(BASE)][method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        data = example(content["application/json"]["schema"])
        data.update(BODIES.get(key, {}))
        return json.dumps(data).encode(), "application/json"
    if "multipart/form-data" in content:
        node = _resolve(content["multipart/form-data"]["schema"])
        fields: dict[str, Any] = {}
        for name in node.get("required", []):
            prop = _resolve(node["properties"][name])
            fields[name] = (
                SimpleUploadedFile("f.csv", b"bsn;bedrag\n", "text/csv")
                if prop.get("format") == "binary"
                else str(example(prop))
            )
        return encode_multipart(BOUNDARY, fields), MULTIPART_CONTENT
    return b"", "application/json"


def outcome(response: Any) -> str:
    if response.status_code >= 400:
        return str(response.status_code)
    if response.status_code in (301, 302) and "/inloggen" in response.get("Location", ""):
        return "login"
    return "ok"


def logged_in(role: str) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    if role == Role.BURGER:
        user = User.objects.create_user(f"matrix:{role}", role=role, person=make_person())
    else:
        org = make_org(ROLE_ORG[Role(role)])
        if role == Role.OPLEIDER:
            Opleider.objects.create(organisation=org, kind="private")
        user = User.objects.create_user(f"matrix:{role}", role=role, organisation=org)
    client.force_login(user)
    return client


def test_every_page_and_operation_has_a_declared_row() -> None:
    routes, operations = page_routes(), operation_keys()
    assert sorted(set(routes) - set(PAGES)) == [], "pages without a row in the matrix"
    assert sorted(set(PAGES) - set(routes)) == [], "rows of pages that are gone"
    assert sorted(set(operations) - set(OPERATIONS)) == [], "operations without a row"
    assert sorted(set(OPERATIONS) - set(operations)) == [], "rows of operations that are gone"
    for row in [*PAGES.values(), *OPERATIONS.values()]:
        assert sorted(row) == sorted(ROLES)


@pytest.mark.parametrize("route", sorted(PAGES))
def test_page_matrix(route: str) -> None:
    url = concrete(route)
    seen = {}
    for role in ROLES:
        client = logged_in(role)
        response = client.get(url)
        if response.status_code == 405:  # a form's target: POST only
            response = client.post(url)
        seen[role] = outcome(response)
    assert seen == PAGES[route]


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_operation_matrix(key: str) -> None:
    method, path = key.split(" ", 1)
    url = re.sub(r"\{\w+\}", "999999", path)
    data, content_type = request_body(key)
    seen = {}
    for role in ROLES:
        response = logged_in(role).generic(
            method, url, data, content_type=content_type, headers={"Idempotency-Key": "matrix"}
        )
        seen[role] = outcome(response)
    assert seen == OPERATIONS[key]
