# SPDX-License-Identifier: EUPL-1.2
"""``POST /api/v1/windows/{id}/applications``, the lean intake of the window rush (issue 18,
decision 013), through the real URLconf on both databases: the same answers as the Python
path (202, the first answer on a replay, 409 for a key reused with another body, once a year,
422 outside the window, 400 for another person's preview or a changed amount), no session
write, and on PostgreSQL the database work of one application in a few round trips (counted,
never timed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from llo.api import lean
from llo.core.models import AuditEntry
from llo.core.roles import Role
from llo.enrolment import services
from llo.enrolment.models import Application, IntakeEntry, Preview, Window
from llo.people.models import Person, User
from tests.enrolment.conftest import ACTOR, CLOSES, DURING, World, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def during() -> Iterator[None]:
    with time_machine.travel(DURING, tick=False):
        yield


def login(someone: Person) -> Client:
    client = Client()
    user = User.objects.create_user(
        username=f"burger:{someone.pk}", role=Role.BURGER, person=someone
    )
    client.force_login(user)
    return client


def preview(world: World, someone: Person) -> Preview:
    return services.preview(
        actor=ACTOR, person=someone, offering=world.offering, window=world.window,
        on=DURING.date(),
    )  # fmt: skip


def post(client: Client, window: Window | int, body: dict[str, Any], key: str | None) -> Any:
    pk = window if isinstance(window, int) else window.pk
    headers = {"Accept-Language": "nl", **({"Idempotency-Key": key} if key else {})}
    return client.post(
        f"/api/v1/windows/{pk}/applications",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def body_of(shown: Preview) -> dict[str, Any]:
    return {"previewId": shown.pk, "amountCents": shown.amount_cents}


def test_an_application_is_accepted_once_and_a_replay_gets_the_first_answer(world: World) -> None:
    someone = person()
    shown = preview(world, someone)
    client = login(someone)
    first = post(client, world.window, body_of(shown), "rush-1")
    assert first.status_code == 202, first.content
    assert first.json() == {
        "id": first.json()["id"], "windowId": world.window.pk, "status": "applied",
        "replayed": False,
    }  # fmt: skip
    again = post(client, world.window, body_of(shown), "rush-1")
    assert again.status_code == 202
    assert again.json() == {**first.json(), "replayed": True}
    entry = IntakeEntry.objects.get()
    assert (entry.pk, entry.person_id, entry.preview_id) == (
        first.json()["id"],
        someone.pk,
        shown.pk,
    )
    assert entry.amount_cents == shown.amount_cents
    assert entry.actor.startswith("user:")
    audit = AuditEntry.objects.get(action="window.submitted")
    assert (audit.subject_type, audit.subject_id) == ("enrolment.IntakeEntry", str(entry.pk))
    assert audit.after == {"window": world.window.pk, "amount_cents": shown.amount_cents}


def test_the_errors_are_those_of_the_python_path(world: World) -> None:
    someone, other = person(), person()
    shown, others = preview(world, someone), preview(world, other)
    client = login(someone)
    # another body with the same key
    assert post(client, world.window, body_of(shown), "k").status_code == 202
    changed = post(client, world.window, {**body_of(shown), "amountCents": 1}, "k")
    assert changed.status_code == 409
    assert changed.json()["code"] == "idempotency-key-reused"
    # a second application in the window with a new key
    second = post(client, world.window, body_of(shown), "k2")
    assert second.status_code == 409
    assert second.json()["code"] == "already-applied"
    # another person's preview, an unknown window, no key
    stolen = post(login(person()), world.window, body_of(others), "k3")
    assert stolen.status_code == 400
    assert stolen.json()["invalidParams"][0]["name"] == "previewId"
    assert post(client, 999_999, body_of(shown), "k4").status_code == 404
    assert post(client, world.window, body_of(shown), None).status_code == 400
    # a changed amount
    tampered = post(login(other), world.window, {**body_of(others), "amountCents": 1}, "k5")
    assert tampered.status_code == 400
    assert tampered.json()["invalidParams"][0]["name"] == "amountCents"
    assert IntakeEntry.objects.count() == 1
    for answer in (changed, second, stolen, tampered):
        assert answer["Content-Type"] == "application/problem+json"


def test_once_a_year_and_a_closed_window(world: World) -> None:
    someone = person()
    shown = preview(world, someone)
    client = login(someone)
    latecomer = person()
    looked = preview(world, latecomer)
    # another window of the same budget this year, looked at before the first is decided
    window2 = Window.objects.create(
        budget=world.window.budget, name="Juni", opens_at=world.window.opens_at,
        closes_at=world.window.closes_at, budget_cents=100_000, policy="fcfs",
    )  # fmt: skip
    again = services.preview(
        actor=ACTOR, person=someone, offering=world.offering, window=window2, on=DURING.date()
    )
    assert again.eligible
    assert post(client, world.window, body_of(shown), "a").status_code == 202
    with time_machine.travel(CLOSES, tick=False):
        services.allocate_window(world.window)
        late = post(login(latecomer), world.window, body_of(looked), "b")
    assert Application.objects.get().status == "granted"
    assert late.status_code == 422
    assert late.json()["code"] == "outside-window"
    # once a year: the granted person applies in the other window
    twice = post(client, window2, body_of(again), "c")
    assert twice.status_code == 409, twice.json()
    assert twice.json()["code"] in ("once-a-year", "already-applied")


def test_no_session_write_on_the_intake(world: World) -> None:
    someone = person()
    shown = preview(world, someone)
    client = login(someone)
    row = Session.objects.get()
    with CaptureQueriesContext(connection) as seen:
        assert post(client, world.window, body_of(shown), "s").status_code == 202
    assert Session.objects.get().expire_date == row.expire_date
    writes = [q["sql"] for q in seen.captured_queries if "django_session" in q["sql"]]
    assert writes
    assert all(w.lstrip().upper().startswith("SELECT") for w in writes)
    # any other request still renews the session (SESSION_SAVE_EVERY_REQUEST)
    with time_machine.travel(DURING.replace(minute=10), tick=False):
        client.get("/api/v1/applications")
    assert Session.objects.get().expire_date > row.expire_date


@pytest.mark.postgres_only
def test_on_postgresql_an_application_takes_a_few_round_trips(world: World) -> None:
    """Session, user (with its person), the one function: counted, never timed."""
    someone = person()
    shown = preview(world, someone)
    client = login(someone)
    with CaptureQueriesContext(connection) as seen:
        answer = post(client, world.window, body_of(shown), "q")
    assert answer.status_code == 202
    statements = [q["sql"] for q in seen.captured_queries]
    assert sum("llo_window_submit" in s for s in statements) == 1
    assert not any('INSERT INTO "enrolment_intakeentry"' in s for s in statements)
    # session, user with its person, the function (measured: 3; the test settings count no rate
    # limits, production adds their upsert); the Python path took about ten
    assert len(statements) <= 5, statements


def test_the_lean_route_answers_as_the_api_does(world: World, monkeypatch) -> None:
    """The plain body takes the lean route (llo.api.lean, decision 013), any other body the
    API's own operation: the same bytes, the same headers, and the replay of one is the first
    answer of the other. On SQLite the lean intake always leaves it to the API."""
    someone = person()
    shown = preview(world, someone)
    client = login(someone)
    api_operation = lean.operation
    if connection.vendor == "postgresql":
        monkeypatch.setattr(lean, "operation", lambda route: pytest.fail("not the lean route"))
    plain = post(client, world.window, body_of(shown), "lean-1")
    assert plain.status_code == 202
    monkeypatch.setattr(lean, "operation", api_operation)
    # an extra member: not the plain body, so the API's parser and schema read it
    other = post(client, world.window, {**body_of(shown), "note": "x"}, "lean-1")
    assert other.status_code == 202
    assert other.content == plain.content.replace(b'"replayed": false', b'"replayed": true')
    for header in ("Content-Type", "API-Version", "Cache-Control", "Vary"):
        assert other.get(header) == plain.get(header), header
    # the members the other way round, with whitespace: still the plain body
    text = f'{{ "amountCents" : {shown.amount_cents},\n"previewId":{shown.pk} }}'
    again = client.post(
        f"/api/v1/windows/{world.window.pk}/applications",
        text,
        content_type="application/json",
        headers={"Idempotency-Key": "lean-1"},
    )
    assert again.content == other.content
    assert IntakeEntry.objects.count() == 1


def test_the_lean_route_leaves_every_refusal_to_the_api(world: World) -> None:
    someone = person()
    shown = preview(world, someone)
    url = f"/api/v1/windows/{world.window.pk}/applications"
    body = json.dumps(body_of(shown))
    # not logged in: 401 before the CSRF check
    anonymous = Client(enforce_csrf_checks=True)
    refused = anonymous.post(
        url, body, content_type="application/json", headers={"Idempotency-Key": "a"}
    )
    assert refused.status_code == 401
    # logged in without the CSRF token: 403 csrf-failed
    guarded = Client(enforce_csrf_checks=True)
    user = User.objects.create_user(username="burger:csrf", role=Role.BURGER, person=someone)
    guarded.force_login(user)
    forged = guarded.post(
        url, body, content_type="application/json", headers={"Idempotency-Key": "b"}
    )
    assert forged.status_code == 403
    assert forged.json()["code"] == "csrf-failed"
    # another method, a window that is not a number, a form body
    assert guarded.get(url).status_code == 405
    client = login(person())
    odd = client.post(
        "/api/v1/windows/abc/applications", body, content_type="application/json",
        headers={"Idempotency-Key": "c"},
    )  # fmt: skip
    assert odd.status_code in (400, 404)
    assert odd["Content-Type"] == "application/problem+json"
    form = client.post(url, {"previewId": shown.pk}, headers={"Idempotency-Key": "d"})
    assert form.status_code == 415
    assert not IntakeEntry.objects.exists()


def test_a_person_follows_their_application_in_the_window(world: World) -> None:
    """``GET /api/v1/windows/{id}/applications/{entry}``: where the entry stands before the
    decision (how many go first), its outcome after it (a grant's application, a place on the
    waiting list); another person's entry is unknown."""
    first, second = person(), person()
    shown1, shown2 = preview(world, first), preview(world, second)
    Window.objects.filter(pk=world.window.pk).update(budget_cents=shown1.amount_cents)
    c1, c2 = login(first), login(second)
    id1 = post(c1, world.window, body_of(shown1), "f1").json()["id"]
    id2 = post(c2, world.window, body_of(shown2), "f2").json()["id"]

    def status(client: Client, entry: int) -> Any:
        return client.get(f"/api/v1/windows/{world.window.pk}/applications/{entry}")

    before = status(c2, id2)
    assert before.status_code == 200, before.content
    assert before.json() | {"receivedAt": None} == {
        "id": id2, "windowId": world.window.pk, "status": "applied", "applicationId": None,
        "ahead": 1, "waitingAhead": None, "receivedAt": None,
    }  # fmt: skip
    assert status(c1, id2).status_code == 404  # not theirs
    assert status(c2, id1).status_code == 404
    with time_machine.travel(CLOSES, tick=False):
        services.allocate_window(world.window)
    granted, waiting = status(c1, id1).json(), status(c2, id2).json()
    assert granted["status"] == "granted"
    assert granted["applicationId"] == Application.objects.get(person=first).pk
    assert (waiting["status"], waiting["applicationId"], waiting["waitingAhead"]) == (
        "waiting",
        None,
        0,
    )
