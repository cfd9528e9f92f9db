# SPDX-License-Identifier: EUPL-1.2
"""The accounts API: budgets, deposits (JSON and CSV), rights, plans; idempotent retries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from llo.accounts import services
from llo.accounts.models import Budget, DepositLine, Right
from llo.core.models import IdempotencyRecord
from llo.core.money import Money
from llo.people.models import User
from tests.accounts.conftest import ACTOR, deposited, employ, make_budget, make_org, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]

TODAY = dt.date.today()
BUDGET = {
    "name": "Leerbudget 2026",
    "totalCents": 720_000,
    "periodStart": f"{TODAY.year}-01-01",
    "periodEnd": f"{TODAY.year}-12-31",
    "conditions": {"purposes": ["grow"]},
    "portability": "cao",
}


@pytest.fixture
def bakery() -> Any:
    return make_org("employer", name="Bakkerij de Korenaar", sector="bakery")


@pytest.fixture
def employer_client(bakery: Any) -> Client:
    user = User.objects.create_user(
        username="werkgever:bakery", role="werkgever", organisation=bakery
    )
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: Any, key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(path, body, content_type="application/json", headers=headers)


def test_anonymous_gets_401_problem() -> None:
    response = Client().get("/api/v1/budgets")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_citizen_may_not_create_budgets(person: Any) -> None:
    user = User.objects.create_user(username="burger:x", role="burger", person=person)
    client = Client()
    client.force_login(user)
    response = post(client, "/api/v1/budgets", BUDGET)
    assert response.status_code == 403


def test_a_citizen_sees_a_deposit_nobody_has_read_as_a_right(person: Any, bakery: Any) -> None:
    employ(person, bakery)
    budget = make_budget(services.ensure_funder(bakery))
    services.bulk_deposit(
        actor=ACTOR, budget=budget, rows=[services.DepositRow(12_500, person_id=person.pk)]
    )
    assert not Right.objects.exists()
    user = User.objects.create_user(username="burger:x", role="burger", person=person)
    client = Client()
    client.force_login(user)
    rights = client.get("/api/v1/rights").json()
    assert [(r["personId"], r["balanceCents"]) for r in rights] == [(person.pk, 12_500)]
    assert rights[0]["id"] == Right.objects.get().pk


def test_create_budget_and_see_it(employer_client: Client) -> None:
    response = post(employer_client, "/api/v1/budgets", BUDGET, key="b-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["conditions"] == {"purposes": ["grow"]}
    assert body["use"]["leftCents"] == 720_000
    assert body["funder"]["name"] == "Bakkerij de Korenaar"
    listed = employer_client.get("/api/v1/budgets").json()
    assert [b["id"] for b in listed] == [body["id"]]
    assert employer_client.get(f"/api/v1/budgets/{body['id']}").json()["totalCents"] == 720_000


def test_budget_replay_and_conflict(employer_client: Client) -> None:
    first = post(employer_client, "/api/v1/budgets", BUDGET, key="b-2")
    again = post(employer_client, "/api/v1/budgets", BUDGET, key="b-2")
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert Budget.objects.count() == 1
    other = post(employer_client, "/api/v1/budgets", {**BUDGET, "totalCents": 1}, key="b-2")
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency-key-reused"
    assert other["Content-Type"] == "application/problem+json"
    assert Budget.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("totalCents", 0),
        ("totalCents", -5),
        ("totalCents", 12.5),
        ("totalCents", "100"),
        ("periodStart", "x"),
    ],
)
def test_bad_budget_input_is_a_problem_naming_the_field(
    employer_client: Client, field: str, value: Any
) -> None:
    response = post(employer_client, "/api/v1/budgets", {**BUDGET, field: value})
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == field


def test_bad_conditions_are_named(employer_client: Client) -> None:
    response = post(
        employer_client,
        "/api/v1/budgets",
        {**BUDGET, "conditions": {"offerTypes": ["dance"], "regions": ["X"]}},
    )
    assert response.status_code == 400
    names = sorted(p["name"] for p in response.json()["invalidParams"])
    assert names == ["conditions.offer_types", "conditions.regions"]


@pytest.fixture
def budget_id(employer_client: Client) -> int:
    return post(employer_client, "/api/v1/budgets", BUDGET).json()["id"]


def test_deposits_json_with_replay(employer_client: Client, budget_id: int, bakery: Any) -> None:
    people = [make_person() for _ in range(3)]
    for p in people:
        employ(p, bakery)
    body = {
        "deposits": [{"personId": p.pk, "amountCents": 40_000} for p in people[:2]]
        + [{"bsn": people[2].bsn, "amountCents": 40_000}]
    }
    first = post(employer_client, f"/api/v1/budgets/{budget_id}/deposits", body, key="d-1")
    assert first.status_code == 201, first.content
    assert first.json()["created"] == 3
    again = post(employer_client, f"/api/v1/budgets/{budget_id}/deposits", body, key="d-1")
    assert again.content == first.content
    assert deposited() == 3
    assert DepositLine.objects.first().cao == "CAO Bakkers"
    changed = post(
        employer_client,
        f"/api/v1/budgets/{budget_id}/deposits",
        {"deposits": body["deposits"][:1]},
        key="d-1",
    )
    assert changed.status_code == 409
    use = employer_client.get(f"/api/v1/budgets/{budget_id}").json()["use"]
    assert use["leftCents"] == 720_000 - 120_000
    assert use["persons"] == 3
    rights = employer_client.get(f"/api/v1/rights?budgetId={budget_id}").json()
    assert [r["balanceCents"] for r in rights] == [40_000] * 3


def test_deposit_input_errors(employer_client: Client, budget_id: int, bakery: Any) -> None:
    p = make_person(employer=bakery)
    cases = [
        ({"deposits": [{"personId": p.pk, "amountCents": 0}]}, "deposits.0.amountCents"),
        ({"deposits": [{"personId": p.pk, "amountCents": 1.5}]}, "deposits.0.amountCents"),
        ({"deposits": [{"personId": p.pk, "amountCents": -1}]}, "deposits.0.amountCents"),
        ({"deposits": []}, "deposits"),
        ({"deposits": [{"bsn": "123456789", "amountCents": 100}]}, "deposits[0].bsn"),
        ({"deposits": [{"personId": 987654, "amountCents": 100}]}, "deposits[0].personId"),
    ]
    for body, name in cases:
        response = post(employer_client, f"/api/v1/budgets/{budget_id}/deposits", body)
        assert response.status_code == 400, (body, response.content)
        assert response.json()["invalidParams"][0]["name"] == name
    beyond = post(
        employer_client,
        f"/api/v1/budgets/{budget_id}/deposits",
        {"deposits": [{"personId": p.pk, "amountCents": 720_001}]},
    )
    assert beyond.status_code == 422
    assert beyond.json()["code"] == "budget-exceeded"
    assert deposited() == 0


def test_partial_mode_reports_rejected_rows(
    employer_client: Client, budget_id: int, bakery: Any
) -> None:
    p = make_person(employer=bakery)
    body = {
        "mode": "partial",
        "deposits": [
            {"personId": p.pk, "amountCents": 100},
            {"personId": 987654, "amountCents": 100},
        ],
    }
    response = post(employer_client, f"/api/v1/budgets/{budget_id}/deposits", body)
    assert response.status_code == 201
    assert response.json()["created"] == 1
    assert [(r["line"], r["field"]) for r in response.json()["rejected"]] == [
        (1, "deposits[1].personId")
    ]


def test_csv_deposit_file(employer_client: Client, budget_id: int, bakery: Any) -> None:
    a, b = make_person(employer=bakery), make_person(employer=bakery)
    text = f"bsn;amount\n{a.bsn};400,00\n{b.bsn};400\n"
    response = employer_client.post(
        f"/api/v1/budgets/{budget_id}/deposit-files",
        text,
        content_type="text/csv",
        headers={"Idempotency-Key": "f-1"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["totalCents"] == 80_000
    bad = employer_client.post(
        f"/api/v1/budgets/{budget_id}/deposit-files", "bsn;amount\n123;x\n", content_type="text/csv"
    )
    assert bad.status_code == 400
    assert [p["name"] for p in bad.json()["invalidParams"]] == ["line 2: amount", "line 2: bsn"]


def test_someone_elses_budget_is_404(employer_client: Client) -> None:
    other = make_budget(services.ensure_funder(make_org("employer")))
    assert employer_client.get(f"/api/v1/budgets/{other.pk}").status_code == 404
    response = post(
        employer_client,
        f"/api/v1/budgets/{other.pk}/deposits",
        {"deposits": [{"personId": 1, "amountCents": 1}]},
    )
    assert response.status_code == 404


def test_citizen_sees_own_rights_and_plan() -> None:
    fund = services.ensure_funder(make_org("oo_fund", name="O&O-fonds Techniek", sector="metal"))
    budget = make_budget(
        fund,
        conditions={"co_payment_pct": 20, "co_payment_above_level": "eqf_4"},
        start=TODAY.replace(month=1, day=1),
        end=TODAY.replace(month=12, day=31),
    )
    jan = make_person(name="Jan", level="eqf_4")
    employ(jan, make_org("employer"), sector="metal")  # a worker in the fund's sector
    services.deposit(actor=ACTOR, budget=budget, person=jan, amount=Money(150_000), on=TODAY)
    user = User.objects.create_user(username="burger:jan", role="burger", person=jan)
    client = Client()
    client.force_login(user)
    rights = client.get("/api/v1/rights").json()
    assert [r["balanceCents"] for r in rights] == [150_000]
    plan = post(
        client,
        "/api/v1/funding-plans",
        {"offer": {"priceComponents": {"tuition": 100_000}, "level": "eqf_5"}},
    )
    assert plan.status_code == 200, plan.content
    assert plan.json()["ownCents"] == 20_000
    assert plan.json()["lines"][0]["amountCents"] == 80_000


def test_transfer_through_the_api(employer_client: Client, bakery: Any) -> None:
    person = make_person()
    employ(person, bakery)
    funder = services.ensure_funder(bakery)
    budget = make_budget(
        funder,
        portability="cao",
        start=TODAY.replace(month=1, day=1),
        end=TODAY.replace(month=12, day=31),
    )
    right = services.deposit(
        actor=ACTOR, budget=budget, person=person, amount=Money(40_000), on=TODAY
    )
    new_job = employ(person, make_org("employer"), cao="CAO Bakkers", start=TODAY)
    response = post(
        employer_client,
        f"/api/v1/rights/{right.pk}/transfers",
        {"newEmploymentId": new_job.pk},
        key="t",
    )
    assert response.status_code == 201, response.content
    assert response.json()["outcome"] == "same_cao"
    assert (
        post(
            employer_client,
            f"/api/v1/rights/{right.pk}/transfers",
            {"newEmploymentId": new_job.pk},
            key="t",
        ).content
        == response.content
    )
    assert IdempotencyRecord.objects.count() == 1
