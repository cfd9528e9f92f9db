# SPDX-License-Identifier: EUPL-1.2
"""Windows in the API: a funder opens one on its budget (problem+json with the rules' reason
on the field when they do not apply), a retried request opens it once, the list says which
rules decide and how far a window is, and the report shows intake and allocation."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from llo.enrolment.models import Window
from llo.people.models import User
from tests.accounts.conftest import make_org
from tests.enrolment.rounds import NOW, at, job_seeker, open_round, uwv_budget

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def body(**fields: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Scholing naar werk, ronde 3",
        "scheme": "funder",
        "opensAt": at(dt.date(2026, 12, 8)).isoformat(),
        "closesAt": at(dt.date(2027, 1, 8), 17).isoformat(),
        "budgetCents": 5_000_000,
        "maxPerPersonCents": 250_000,
        "policy": "lottery",
    }
    values.update(fields)
    return values


def post(client: Client, url: str, data: dict[str, object], key: str = "k1") -> object:
    return client.post(
        url,
        json.dumps(data),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        HTTP_ACCEPT_LANGUAGE="nl",
    )


@pytest.fixture
def uwv_client() -> tuple[Client, int]:
    budget = uwv_budget()
    client = Client()
    user = User.objects.create_user(
        "uwv:api", role="uwv", organisation=budget.funder.organisation, display_name="UWV"
    )
    client.force_login(user)
    return client, budget.pk


def test_a_funder_opens_a_window_once_per_key(uwv_client: tuple[Client, int]) -> None:
    client, budget_id = uwv_client
    url = f"/api/v1/budgets/{budget_id}/windows"
    first = post(client, url, body())
    again = post(client, url, body())
    assert first.status_code == 201, first.content  # type: ignore[attr-defined]
    assert again.status_code == 201  # type: ignore[attr-defined]
    assert first.json() == again.json()  # type: ignore[attr-defined]
    assert Window.objects.count() == 1
    made = first.json()  # type: ignore[attr-defined]
    assert (made["scheme"], made["state"], made["policy"]) == ("funder", "coming", "lottery")
    assert made["schemeValidUntil"] == "2027-09-30"


def test_stap_in_2026_is_a_problem_on_the_scheme_field(uwv_client: tuple[Client, int]) -> None:
    client, budget_id = uwv_client
    answer = post(client, f"/api/v1/budgets/{budget_id}/windows", body(scheme="stap"), "k2")
    assert answer.status_code == 400  # type: ignore[attr-defined]
    assert answer["Content-Type"] == "application/problem+json"  # type: ignore[index]
    problem = answer.json()  # type: ignore[attr-defined]
    [param] = problem["invalidParams"]
    assert param["name"] == "scheme"
    assert "31 december 2023" in param["reason"]
    assert not Window.objects.exists()


def test_a_time_without_offset_and_another_funders_budget(
    uwv_client: tuple[Client, int],
) -> None:
    client, budget_id = uwv_client
    naive = post(
        client, f"/api/v1/budgets/{budget_id}/windows", body(opensAt="2026-12-08T09:00:00"), "k3"
    )
    assert naive.status_code == 400  # type: ignore[attr-defined]
    names = [p["name"] for p in naive.json()["invalidParams"]]  # type: ignore[attr-defined]
    assert names == ["opensAt"]
    other = uwv_budget()  # of another UWV organisation: not this user's
    answer = post(client, f"/api/v1/budgets/{other.pk}/windows", body(), "k4")
    assert answer.status_code == 404  # type: ignore[attr-defined]
    burger = Client()
    burger.force_login(
        User.objects.create_user("b:api", role="burger", person=job_seeker(), display_name="B")
    )
    refused = post(burger, f"/api/v1/budgets/{budget_id}/windows", body(), "k5")
    assert refused.status_code == 403  # type: ignore[attr-defined]


def test_the_report_of_a_window_for_its_funder_only(uwv_client: tuple[Client, int]) -> None:
    client, budget_id = uwv_client
    from llo.accounts.models import Budget

    window = open_round(Budget.objects.get(pk=budget_id))
    report = client.get(f"/api/v1/windows/{window.pk}/report")
    assert report.status_code == 200
    data = report.json()
    assert data["received"] == {"count": 0, "amountCents": 0}
    assert data["leftCents"] == window.budget_cents
    stranger = Client()
    stranger.force_login(
        User.objects.create_user(
            "g:api", role="gemeente", organisation=make_org("municipality"), display_name="G"
        )
    )
    assert stranger.get(f"/api/v1/windows/{window.pk}/report").status_code in (403, 404)
    listed = Client().get("/api/v1/windows").json()
    assert [w["id"] for w in listed] == [window.pk]
    assert listed[0]["state"] == "open"


def test_a_preview_in_a_window_on_ended_rules_is_a_b1_refusal() -> None:
    """issue 15, finding 2: 'STAP-budget ('stap') applies to applications from ...' was
    answered as a 422 with the engine's English; now it is a refusal with a Dutch reason."""
    from llo.enrolment.models import Window
    from tests.enrolment.rounds import training

    budget = uwv_budget(scheme="stap", conditions={})
    stap = Window.objects.create(
        budget=budget,
        name="Scholingsvenster UWV 2026",
        opens_at=at(dt.date(2026, 9, 1)),
        closes_at=at(dt.date(2026, 12, 31), 17),
        budget_cents=1_000_000,
        policy="fcfs",
    )
    offering = training()[1]
    client = Client()
    client.force_login(
        User.objects.create_user("s:api", role="burger", person=job_seeker(), display_name="S")
    )
    answer = client.post(
        "/api/v1/applications/previews",
        json.dumps({"offeringId": offering.pk, "windowId": stap.pk}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert answer.status_code == 201
    data = answer.json()
    assert data["eligible"] is False
    assert data["amountCents"] == 0
    [reason] = data["reasons"]
    assert reason["condition"] == "rules_apply"
    assert "31 december 2023" in reason["text"]
    assert "applies to applications" not in answer.content.decode()
