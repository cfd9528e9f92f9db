# SPDX-License-Identifier: EUPL-1.2
"""Issue 14, finding 7: every bad input that answered 500 is a specific 4xx, problem+json
under /api/ (with invalidParams where a field is to blame) and a Dutch page elsewhere; and
nothing is written. One test per 500 of the issue (the app-specific ones are beside their
app's tests: the budget form, the deposit CSV, the OOAPI import)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client, RequestFactory

from llo.accounts import services as accounts
from llo.accounts.models import Budget, Funder, Right
from llo.api.auth import SessionAuth
from llo.core import audit, crypto
from llo.core.models import AuditEntry, IdempotencyRecord
from llo.core.money import Money
from llo.core.problems import Problem
from llo.core.roles import Role
from llo.people.models import Employment, Organisation, OrganisationKind, Person, User
from llo.register.models import Opleider, ProviderKind

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"
ACTOR = audit.Actor.system("tests")


def problem(response: Any, status: int, *, name: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["type"].startswith("https://")
    if name is not None:
        assert name in {p["name"] for p in body["invalidParams"]}, body
    return body


def make_person(bsn: str = "999990019", name: str = "Fatima El Amrani") -> Person:
    """A person who works at the bakery (when it exists), so its budget reaches them
    (accounts.reach, issue 14 item 2)."""
    person = Person.objects.create(
        bsn_encrypted=crypto.encrypt(bsn),
        bsn_hash=crypto.keyed_hash(bsn),
        display_name=name,
        birth_date=dt.date(1982, 1, 1),
        highest_level="eqf_2",
        labour_position="flex",
        gemeente_id="GM0599",
    )
    bakery = Organisation.objects.filter(kvk="90000001").first()
    if bakery is not None:
        Employment.objects.create(
            person=person, employer=bakery, cao="", sector="bakery", start=dt.date(2020, 1, 1)
        )
    return person


@pytest.fixture
def employer() -> Organisation:
    return Organisation.objects.create(
        kvk="90000001", name="Bakkerij de Korenaar", kind=OrganisationKind.EMPLOYER,
        employees=18, gemeente_id="GM0599",
    )  # fmt: skip


@pytest.fixture
def funder(employer: Organisation) -> Funder:
    return accounts.ensure_funder(employer)


@pytest.fixture
def budget(funder: Funder) -> Budget:
    return accounts.create_budget(
        actor=ACTOR,
        funder=funder,
        name="Leerbudget 2026",
        total=Money(1_000_000),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )


@pytest.fixture
def funder_client(employer: Organisation) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(
        User.objects.create_user("werkgever:90000001", role=Role.WERKGEVER, organisation=employer)
    )
    return client


@pytest.fixture
def citizen() -> User:
    person = make_person()
    return User.objects.create_user("burger:x", role=Role.BURGER, person=person)


def with_csrf(client: Client) -> str:
    """Give ``client`` a CSRF cookie, as a browser has; the token to send back."""
    secret = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    return _mask_cipher_secret(secret)


def writes() -> int:
    return AuditEntry.objects.count() + IdempotencyRecord.objects.count()


# --- multipart --------------------------------------------------------------------------------


def test_multipart_without_boundary_on_a_session_write_is_415(citizen: User) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(citizen)
    token = with_csrf(client)
    response = client.post(
        "/api/v1/applications/previews",
        data=b"x",
        content_type="multipart/form-data",
        headers={"X-CSRFToken": token},
    )
    body = problem(response, 415, name="Content-Type")
    assert body["code"] == "unsupported-media-type"


def test_the_csrf_check_itself_answers_400_on_an_unreadable_form(citizen: User) -> None:
    """Under the request guard: the session check does not crash on a form it cannot read."""
    request = RequestFactory().post("/api/v1/x", data=b"x", content_type="multipart/form-data")
    request.user = citizen
    request.COOKIES[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    with pytest.raises(Problem) as refused:
        SessionAuth()(request)
    assert refused.value.status == 400


def test_malformed_multipart_with_an_idempotency_key_is_4xx(
    funder_client: Client, budget: Budget
) -> None:
    before = writes()
    response = funder_client.post(
        f"/api/v1/budgets/{budget.pk}/deposits",
        data=b"--xx\r\nfoo",
        content_type="multipart/form-data; boundary=xx",
        headers={"Idempotency-Key": "k-1"},
    )
    problem(response, 415)
    assert writes() == before


def test_a_page_form_without_a_boundary_is_a_400_page(client: Client) -> None:
    response = client.post("/inloggen/demo", data=b"x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
    assert "<html" in response.content.decode()


# --- NUL bytes --------------------------------------------------------------------------------


def test_nul_in_an_api_path_is_400(client: Client) -> None:
    problem(client.get("/api/v1/providers/90000008%00"), 400, name="path")


def test_nul_in_a_page_path_is_a_dutch_400_page(client: Client) -> None:
    response = client.get("/opleiders/9000%00", headers={"Accept-Language": "nl"})
    assert response.status_code == 400
    assert 'lang="nl"' in response.content.decode()


def test_nul_in_a_query_is_400(client: Client) -> None:
    problem(client.get("/api/v1/offers?q=las%00sen"), 400, name="q")


def test_nul_in_a_budget_name_is_400_and_writes_nothing(
    funder_client: Client, funder: Funder
) -> None:
    before = Budget.objects.count()
    body = {"name": "Leer\u0000budget", "totalCents": 100, "periodStart": "2026-01-01",
            "periodEnd": "2026-12-31"}  # fmt: skip
    problem(
        funder_client.post("/api/v1/budgets", body, content_type="application/json"),
        400,
        name="name",
    )
    assert Budget.objects.count() == before


def test_nul_in_a_display_name_is_400(client: Client) -> None:
    staff = Organisation.objects.create(kvk="90000012", name="Register", kind="ministry")
    client.force_login(User.objects.create_user("beheer:1", role="beheer", organisation=staff))
    body = {
        "bsn": "999990111",
        "displayName": "Nieuwe\u0000Persoon",
        "birthDate": "1990-02-03",
        "highestLevel": "eqf_3",
        "labourPosition": "employed",
        "gemeenteCode": "GM0599",
    }
    response = client.post("/api/v1/persons", body, content_type="application/json")
    problem(response, 400, name="displayName")
    assert not Person.objects.exists()


def test_nul_in_a_deposit_csv_is_400(funder_client: Client, budget: Budget) -> None:
    make_person()
    response = funder_client.post(
        f"/api/v1/budgets/{budget.pk}/deposit-files",
        data="bsn,amount\n9999\x0090019,10\n",
        content_type="text/csv",
    )
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"] == PROBLEM
    assert not Right.objects.exists()


# --- numbers out of range ---------------------------------------------------------------------


@pytest.mark.parametrize("amount", [2**63, 2**64 + 1, 10**30])
def test_an_amount_of_2_to_the_63_or_more_is_400(
    funder_client: Client, funder: Funder, amount: int
) -> None:
    body = {"name": "x", "totalCents": amount, "periodStart": "2026-01-01",
            "periodEnd": "2026-12-31"}  # fmt: skip
    response = funder_client.post(
        "/api/v1/budgets", json.dumps(body), content_type="application/json"
    )
    assert problem(response, 400)["code"] == "invalid-params"


def test_a_deposit_of_2_to_the_63_is_400(funder_client: Client, budget: Budget) -> None:
    make_person()
    body = {"deposits": [{"bsn": "999990019", "amountCents": 2**63}]}
    response = funder_client.post(
        f"/api/v1/budgets/{budget.pk}/deposits", json.dumps(body), content_type="application/json"
    )
    problem(response, 400)
    assert not Right.objects.exists()


def test_a_huge_offset_is_400_naming_it(citizen: User) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(citizen)
    problem(client.get("/api/v1/rights?offset=99999999999999999999"), 400, name="offset")


def test_a_transfer_dated_7827_is_400(funder_client: Client, budget: Budget) -> None:
    person = make_person()
    accounts.deposit(actor=ACTOR, budget=budget, person=person, amount=Money(10_000))
    right = Right.objects.get()
    response = funder_client.post(
        f"/api/v1/rights/{right.pk}/transfers", {"date": "7827-02-22"},
        content_type="application/json",
    )  # fmt: skip
    problem(response, 400, name="date")


# --- nesting ----------------------------------------------------------------------------------


def test_json_nested_10000_deep_with_an_idempotency_key_is_400(
    funder_client: Client, budget: Budget
) -> None:
    before = writes()
    response = funder_client.post(
        f"/api/v1/budgets/{budget.pk}/deposits",
        data="[" * 10_000 + "]" * 10_000,
        content_type="application/json",
        headers={"Idempotency-Key": "deep-1"},
    )
    assert problem(response, 400)["invalidParams"][0]["code"] == "too-deep"
    assert writes() == before


def test_an_ooapi_import_nested_10000_deep_is_4xx(client: Client) -> None:
    org = Organisation.objects.create(kvk="90000008", name="ROC Maasstad", kind="provider")
    Opleider.objects.create(
        organisation=org, kind=ProviderKind.PUBLIC, funded=True, institution_code="25PZ"
    )
    client.force_login(User.objects.create_user("opleider:1", role="opleider", organisation=org))
    response = client.post(
        "/api/v1/providers/90000008/imports",
        data='{"courses": ' + "[" * 10_000 + "]" * 10_000 + "}",
        content_type="application/json",
    )
    assert 400 <= response.status_code < 500, response.content
    assert response["Content-Type"] == PROBLEM


# --- the net under the checks -----------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [OverflowError("Python int too large to convert to SQLite INTEGER"),
     RecursionError("maximum recursion depth exceeded"),
     ValueError("A string literal cannot contain NUL (0x00) characters.")],
)  # fmt: skip
def test_bad_input_below_the_checks_is_400_not_500(
    client: Client, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    import llo.api.api

    class Broken:
        def cursor(self) -> None:
            raise error

    monkeypatch.setattr(llo.api.api, "connection", Broken())
    problem(client.get("/api/v1/health"), 400)


def test_a_real_fault_stays_a_500(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    import llo.api.api

    class Broken:
        def cursor(self) -> None:
            raise RuntimeError("the database went away")

    monkeypatch.setattr(llo.api.api, "connection", Broken())
    problem(client.get("/api/v1/health"), 500)


# --- inside the apps: the deposit CSV, the budget form, transfers, the OOAPI import ------------


def test_a_deposit_csv_with_cr_only_line_ends_is_read(
    funder_client: Client, budget: Budget
) -> None:
    make_person()
    make_person("999990020", "Jan Hofstede")
    response = funder_client.post(
        f"/api/v1/budgets/{budget.pk}/deposit-files",
        data="bsn,amount\r999990019,10\r999990020,12,50\r".replace("12,50", '"12,50"'),
        content_type="text/csv",
    )
    assert response.status_code == 201, response.content
    assert Right.objects.count() + _lines() == 2


def _lines() -> int:
    from llo.accounts.models import DepositLine

    return DepositLine.objects.count()


def test_the_budget_form_refuses_2_to_the_63_beside_the_field(
    funder_client: Client, funder: Funder
) -> None:
    response = funder_client.post(
        "/financier/budgetten/nieuw",
        {"name": "Leerbudget", "total": "92233720368547758,08", "period_start": "2026-01-01",
         "period_end": "2026-12-31", "right_validity_months": "24", "portability": "person",
         "allocation_policy": "first_come", "right_kind": "money"},
    )  # fmt: skip
    assert response.status_code == 400  # the form again, with the message beside the field
    form = response.context["form"]
    assert "total" in form.errors
    assert not Budget.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("period_start", "0001-01-01"), ("period_start", "0030-01-01"),
     ("name", "Leer\u202ebudget"), ("name", "Leer\u200bbudget")],
)  # fmt: skip
def test_the_budget_form_refuses_impossible_values_beside_the_field(
    funder_client: Client, funder: Funder, field: str, value: str
) -> None:
    data = {"name": "Leerbudget", "total": "1000", "period_start": "2026-01-01",
            "period_end": "2026-12-31", "right_validity_months": "24", "portability": "person",
            "allocation_policy": "first_come", "right_kind": "money"}  # fmt: skip
    response = funder_client.post("/financier/budgetten/nieuw", {**data, field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Budget.objects.exists()


def test_a_budget_of_24_quadrillion_euros_is_400(funder_client: Client, funder: Funder) -> None:
    body = {"name": "x", "totalCents": 24 * 10**15 * 100, "periodStart": "2026-01-01",
            "periodEnd": "2026-12-31"}  # fmt: skip
    problem(
        funder_client.post("/api/v1/budgets", body, content_type="application/json"),
        400,
        name="totalCents",
    )


def test_a_transfer_outside_the_rights_validity_is_400(
    funder_client: Client, budget: Budget
) -> None:
    person = make_person()
    accounts.deposit(actor=ACTOR, budget=budget, person=person, amount=Money(10_000))
    right = Right.objects.get()
    response = funder_client.post(
        f"/api/v1/rights/{right.pk}/transfers", {"date": "2150-01-01"},
        content_type="application/json",
    )  # fmt: skip
    problem(response, 400, name="date")


def test_an_ooapi_file_without_a_known_section_is_refused(client: Client) -> None:
    org = Organisation.objects.create(kvk="90000008", name="ROC Maasstad", kind="provider")
    Opleider.objects.create(
        organisation=org, kind=ProviderKind.PUBLIC, funded=True, institution_code="25PZ"
    )
    client.force_login(User.objects.create_user("opleider:1", role="opleider", organisation=org))
    response = client.post(
        "/api/v1/providers/90000008/imports", {"ok": True}, content_type="application/json"
    )
    body = problem(response, 422)
    assert body["report"]["written"] is False
    assert body["report"]["issues"][0]["code"] == "empty"
