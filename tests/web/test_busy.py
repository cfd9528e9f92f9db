# SPDX-License-Identifier: EUPL-1.2
"""Busy (llo.core.busy, issue 18): a request that would wait too long for a worker gets 429
with Retry-After at once, before any database query: problem+json under /api/, the Dutch B1
page elsewhere; nothing is written, the health check is never shed. The production server's
hook measures the queue (llo.gunicorn_conf.queued); here the header it sets is given."""

from __future__ import annotations

import json
import socket
import time
import types

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from llo.core import busy
from llo.enrolment.models import IntakeEntry
from tests.e2e.test_browser import nl

pytestmark = pytest.mark.django_db

#: Far more waiting than the server can take within LLO_BUSY_WAIT_SECONDS.
SATURATED = {"HTTP_X_LLO_QUEUED": "100000"}


def test_the_api_answers_busy_as_a_problem_without_a_query(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/windows/1/applications",
            data=json.dumps({"previewId": 1, "amountCents": 90_000}),
            content_type="application/json",
            headers={"Idempotency-Key": "busy-1"},
            **SATURATED,
        )
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    seconds = int(response["Retry-After"])
    assert 5 <= seconds <= 60
    body = response.json()
    assert (body["status"], body["code"], body["retryAfter"]) == (429, "busy", seconds)
    assert str(seconds) in body["detail"]
    assert queries.captured_queries == []  # shed before the session, the user or the window
    assert not IntakeEntry.objects.exists()


def test_a_page_says_in_dutch_it_is_busy_and_when_to_try_again(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/aanvraagrondes?volgorde=start", **SATURATED)
    assert response.status_code == 429
    assert response["Retry-After"]
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert nl("It is very busy right now") in text
    assert nl("Try again") in text
    assert 'href="/aanvraagrondes?volgorde=start"' in text
    assert queries.captured_queries == []


def test_after_a_form_try_again_goes_back_to_the_page_it_came_from(client: Client) -> None:
    response = client.post(
        "/aanvraagrondes/1/vooraanmelden",
        HTTP_REFERER="http://testserver/aanvraagrondes/1",
        **SATURATED,
    )
    assert response.status_code == 429
    assert 'href="http://testserver/aanvraagrondes/1"' in response.content.decode()


def test_the_health_check_and_a_short_queue_are_never_shed(client: Client) -> None:
    assert client.get("/api/v1/health", **SATURATED).status_code == 200
    # A queue the workers clear well within the bound is no reason to refuse anyone.
    assert client.get("/api/v1/health", HTTP_X_LLO_QUEUED="3").status_code == 200
    assert client.get("/aanvraagrondes", HTTP_X_LLO_QUEUED="3").status_code == 200


def test_the_wait_is_the_queue_times_the_mean_request_over_the_workers(settings) -> None:
    settings.LLO_BUSY_WORKERS = 4
    assert busy.wait_seconds(40, mean=0.5) == 5.0
    assert busy.retry_after(0.2) == 5  # never "try again in 0 seconds"
    assert busy.retry_after(12.1) == 13
    assert busy.retry_after(1_000) == 60


def test_the_server_hook_reads_the_accept_queue_and_drops_a_clients_header() -> None:
    from llo import gunicorn_conf

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    clients = [socket.create_connection(listener.getsockname()) for _ in range(3)]
    try:
        worker = types.SimpleNamespace(sockets=[listener])
        for _ in range(100):  # the kernel finishes the handshakes in a moment
            if gunicorn_conf.queued(worker) == 3:
                break
        assert gunicorn_conf.queued(worker) == 3
        req = types.SimpleNamespace(headers=[("X-LLO-QUEUED", "999999"), ("HOST", "x")])
        gunicorn_conf.pre_request(worker, req)
        assert req.headers == [("HOST", "x"), ("X-LLO-QUEUED", "3")]
    finally:
        for c in clients:
            c.close()
        listener.close()


def test_behind_a_proxy_its_request_start_stamp_is_a_wait_too(client: Client, settings) -> None:
    """X-Request-Start (nginx's ``t=`` seconds with milliseconds, milliseconds, microseconds):
    a request that waited longer than the bound in front of llo is shed, before any query."""
    settings.LLO_TRUSTED_PROXIES = 1
    settings.LLO_BUSY_WAIT_SECONDS = 3
    waited = time.time() - 12
    for stamp in (f"t={waited:.3f}", str(int(waited * 1e3)), f"t={int(waited * 1e6)}"):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/api/v1/windows/1/applications",
                data=json.dumps({"previewId": 1, "amountCents": 90_000}),
                content_type="application/json",
                headers={"Idempotency-Key": "busy-proxy", "X-Request-Start": stamp},
            )
        assert response.status_code == 429, stamp
        assert 12 <= int(response["Retry-After"]) <= 14, stamp
        assert response.json()["code"] == "busy"
        assert queries.captured_queries == []
    fresh = f"t={int(time.time() * 1e6)}"
    assert client.get("/aanvraagrondes", HTTP_X_REQUEST_START=fresh).status_code == 200
    # the health check is never shed; a stamp in the future or unreadable is no wait
    old = f"t={waited:.3f}"
    assert client.get("/api/v1/health", HTTP_X_REQUEST_START=old).status_code == 200
    for odd in (f"t={time.time() + 3600:.3f}", "t=soon", "", "t=-5", "1e12"):
        assert client.get("/aanvraagrondes", HTTP_X_REQUEST_START=odd).status_code == 200, odd


def test_without_a_trusted_proxy_the_stamp_is_not_read(client: Client, settings) -> None:
    settings.LLO_TRUSTED_PROXIES = 0
    old = f"t={time.time() - 600:.3f}"
    assert client.get("/aanvraagrondes", HTTP_X_REQUEST_START=old).status_code == 200


def test_the_stamp_is_read_in_any_unit() -> None:
    at = 1_765_000_000.25
    for text in ("t=1765000000.250", "1765000000250", "t=1765000000250000", "1765000000250000000"):
        assert busy.request_start(text) == pytest.approx(at, abs=1e-3), text
    for text in ("", "t=", "t=abc", "-1", "t=1.2.3", "0", "9" * 40):
        assert busy.request_start(text) is None, text
