# SPDX-License-Identifier: EUPL-1.2
"""The generic Idempotency-Key mechanism on a plain Django view (this module is its urlconf)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from llo.core import audit, idempotency
from llo.core.models import AuditEntry, IdempotencyRecord
from llo.people.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.test_idempotency")]


@csrf_exempt
@idempotency.idempotent_view
def effect(request: HttpRequest) -> HttpResponse:
    """Writes one audit row per real run: the effect a replay must not repeat."""
    if request.GET.get("fail"):
        with transaction.atomic():
            audit.record(actor=audit.Actor("test"), action="half-done", subject=("t", "1"))
        return JsonResponse({"error": "refused"}, status=422)
    with transaction.atomic():
        entry = audit.record(actor=audit.Actor("test"), action="effect", subject=("t", "1"))
    return JsonResponse({"run": entry.pk}, status=201)


@csrf_exempt
@idempotency.idempotent_view
def accepted(request: HttpRequest) -> HttpResponse:
    """A 202 with a Location, an ETag and a cookie: what a replay must give back, and not."""
    with transaction.atomic():
        entry = audit.record(actor=audit.Actor("test"), action="effect", subject=("t", "1"))
    response = JsonResponse({"run": entry.pk}, status=202)
    response["Location"] = f"/jobs/{entry.pk}"
    response["ETag"] = f'"{entry.pk}"'
    response.set_cookie("flash", "once")
    return response


urlpatterns = [path("effect", effect), path("other", effect), path("accepted", accepted)]


def call(
    client: Client, body: Any = None, key: str | None = "k1", url: str = "/effect", **kw: Any
) -> HttpResponse:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        url, json.dumps(body or {"a": 1}), content_type="application/json", headers=headers, **kw
    )


def runs() -> int:
    return AuditEntry.objects.filter(action="effect").count()


def test_without_a_key_every_request_runs() -> None:
    client = Client()
    call(client, key=None)
    call(client, key=None)
    assert runs() == 2
    assert IdempotencyRecord.objects.count() == 0


def test_a_retry_returns_the_first_answer_and_runs_once() -> None:
    client = Client()
    first = call(client)
    second = call(client)
    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second[idempotency.REPLAYED_HEADER] == "true"
    assert runs() == 1


def test_a_replayed_202_keeps_its_location_and_other_headers() -> None:
    client = Client()
    first = call(client, url="/accepted")
    second = call(Client(), url="/accepted")  # a new connection, without the first's cookie
    assert first.status_code == second.status_code == 202
    assert second.content == first.content
    assert second["Location"] == first["Location"] == f"/jobs/{json.loads(first.content)['run']}"
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]
    assert "flash" not in second.cookies  # a cookie belongs to one transmission
    assert runs() == 1


def test_json_is_compared_by_content_not_by_spelling() -> None:
    client = Client()
    client.post(
        "/effect",
        '{"a": 1, "b": 2}',
        content_type="application/json",
        headers={"Idempotency-Key": "j"},
    )
    again = client.post(
        "/effect",
        '{"b":2,"a":1}',
        content_type="application/json",
        headers={"Idempotency-Key": "j"},
    )
    assert again.status_code == 201
    assert runs() == 1


def test_the_same_key_with_another_body_is_409_problem() -> None:
    client = Client()
    call(client, {"a": 1})
    response = call(client, {"a": 2})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency-key-reused"
    assert runs() == 1


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "with space", "é"])
def test_bad_keys_are_400(key: str) -> None:
    response = call(Client(), key=key)
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "Idempotency-Key"
    assert runs() == 0


def test_refusals_are_not_stored_and_leave_nothing_behind() -> None:
    client = Client()
    refused = client.post(
        "/effect?fail=1", "{}", content_type="application/json", headers={"Idempotency-Key": "f"}
    )
    assert refused.status_code == 422
    assert IdempotencyRecord.objects.count() == 0
    # the refused attempt's partial work rolled back with it
    assert AuditEntry.objects.filter(action="half-done").count() == 0


def test_scope_is_user_method_and_path() -> None:
    anonymous = Client()
    call(anonymous, url="/effect")
    call(anonymous, url="/other")
    user = User.objects.create_user(username="x", role="burger")
    logged_in = Client()
    logged_in.force_login(user)
    call(logged_in, url="/effect")
    assert runs() == 3
    scopes = set(IdempotencyRecord.objects.values_list("scope", flat=True))
    assert scopes == {
        "anonymous POST /effect",
        "anonymous POST /other",
        f"user:{user.pk} POST /effect",
    }


def test_multipart_retries_match_despite_a_new_boundary() -> None:
    client = Client()
    from django.core.files.uploadedfile import SimpleUploadedFile

    for _ in range(2):
        upload = SimpleUploadedFile(
            "deposits.csv", b"bsn,amount\n999990019,10\n", content_type="text/csv"
        )
        response = client.post(
            "/effect", {"file": upload, "mode": "partial"}, headers={"Idempotency-Key": "m"}
        )
        assert response.status_code == 201
    assert runs() == 1
    upload = SimpleUploadedFile(
        "deposits.csv", b"bsn,amount\n999990019,11\n", content_type="text/csv"
    )
    assert (
        client.post(
            "/effect", {"file": upload, "mode": "partial"}, headers={"Idempotency-Key": "m"}
        ).status_code
        == 409
    )


def test_purge_forgets_old_answers() -> None:
    call(Client())
    IdempotencyRecord.objects.update(created=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert idempotency.purge() == 1
    assert IdempotencyRecord.objects.count() == 0
