# SPDX-License-Identifier: EUPL-1.2
"""Issue 14, finding 6: logins, applications, uploads and writes are limited per person and
per IP address; over a limit the answer is 429 with Retry-After, problem+json in the API and
a Dutch page elsewhere."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from pytest_django.fixtures import Settings

from llo.core.models import RateCounter
from llo.core.ratelimit import DEFAULT_LIMITS, Limit, client_ip
from llo.core.roles import Role
from llo.people.models import User

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 23, 10, 0, 5, tzinfo=dt.UTC)


def login_attempt(client: Client) -> object:
    return client.post("/inloggen/demo", {"role": "burger", "bsn": "111222333"})


def test_the_eleventh_bad_login_in_a_minute_is_429_on_a_dutch_page(settings: Settings) -> None:
    settings.LLO_RATE_LIMITS = DEFAULT_LIMITS
    # The limit per address alone (the one account tried here would meet its own limit of
    # failures first: tests/core/test_login_throttle.py).
    settings.LLO_LOGIN_ACCOUNT_FAILURES = 0
    client = Client(headers={"Accept-Language": "nl"})
    with time_machine.travel(T0, tick=False):
        for _ in range(10):
            assert login_attempt(client).status_code == 400  # refused, but answered
        response = login_attempt(client)
    assert response.status_code == 429
    assert response["Retry-After"] == "55"  # the window of 60 s started 5 s before T0
    page = response.content.decode()
    assert 'lang="nl"' in page
    assert "55" in page
    # Another address is not held up, and after the window the first one may try again.
    with time_machine.travel(T0, tick=False):
        assert login_attempt(Client(REMOTE_ADDR="10.1.2.3")).status_code == 400
    with time_machine.travel(T0 + dt.timedelta(seconds=60), tick=False):
        assert login_attempt(client).status_code == 400
    # The table holds no address, only hashes.
    assert not RateCounter.objects.filter(client__contains="127.0.0.1").exists()


def test_writes_per_person_are_429_problem_json_with_retry_after(settings: Settings) -> None:
    settings.LLO_RATE_LIMITS = (Limit("write-user", r"", 3, 60, "user"),)
    alice = User.objects.create_user("burger:a", role=Role.BURGER)
    bob = User.objects.create_user("burger:b", role=Role.BURGER)
    client, other = Client(), Client()
    client.force_login(alice)
    other.force_login(bob)
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            assert (
                client.post(
                    "/api/v1/funding-plans", {}, content_type="application/json"
                ).status_code
                != 429
            )
        response = client.post("/api/v1/funding-plans", {}, content_type="application/json")
        assert (
            other.post("/api/v1/funding-plans", {}, content_type="application/json").status_code
            != 429
        )
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "55"
    body = json.loads(response.content)
    assert body["status"] == 429
    assert body["code"] == "too-many-requests"
    assert body["retryAfter"] == 55


def test_reads_are_not_counted(settings: Settings) -> None:
    settings.LLO_RATE_LIMITS = (Limit("write-ip", r"", 1, 60, "ip"),)
    client = Client()
    for _ in range(5):
        assert client.get("/api/v1/health").status_code == 200
    assert not RateCounter.objects.exists()


def test_the_default_limits_cover_logins_applications_uploads_and_writes() -> None:
    names = {limit.name for limit in DEFAULT_LIMITS}
    assert {"login-ip", "apply-user", "apply-ip", "upload-user", "upload-ip", "write-user",
            "write-ip"} <= names  # fmt: skip
    paths = {
        "/inloggen/demo": "login-ip",
        "/api/v1/applications": "apply-user",
        "/api/v1/windows/3/applications": "apply-user",
        "/api/v1/budgets/4/deposit-files": "upload-user",
        "/api/v1/providers/90000008/imports": "upload-user",
        "/financier/budgetten/4/bestand": "upload-user",
    }
    from django.test import RequestFactory

    for path, name in paths.items():
        request = RequestFactory().post(path)
        assert any(limit.name == name and limit.matches(request) for limit in DEFAULT_LIMITS)


def test_the_client_address_behind_trusted_proxies(settings: Settings) -> None:
    from django.test import RequestFactory

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1",
                                   HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")  # fmt: skip
    assert client_ip(request) == "10.0.0.1"
    settings.LLO_TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"  # not the forged first entry
