# SPDX-License-Identifier: EUPL-1.2
"""Issue 14, finding 1: applications racing for the same start date.

20 parallel ``POST /api/v1/applications`` on one preview gave two granted applications and
two reservations (€20 reserved for a €10 training); with one shared Idempotency-Key a twin got
``409 idempotency-key-reused``. Now the unique index ``enrolment_application_one_active``
decides between twins before any money moves, the loser answers as if it came just after, and
``llo check_ledger`` checks the business invariants.

The race itself is run on PostgreSQL with real threads, each with its own connection (as
``test_concurrency``); the mapping of the lost insert is forced on both databases."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Sum
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from llo.accounts import services as accounts
from llo.accounts.ledger import AccountKind
from llo.accounts.models import Reservation
from llo.accounts.store import ledger as ledger_store
from llo.core import audit, invariants
from llo.core.money import Money
from llo.core.problems import Problem
from llo.core.roles import Role
from llo.enrolment import services
from llo.enrolment.models import Application, Funding, Preview
from llo.enrolment.services import applying
from llo.people.models import Person, User
from llo.register.models import Offering
from tests.accounts.conftest import employ, make_org
from tests.enrolment.conftest import DURING, make_offer, make_provider, person

ACTOR = audit.Actor("test:race", "burger")
ON = DURING.date()
WORKERS = 20


def funded_person(*rights_cents: int) -> Person:
    """A person with one employer's learning budget per amount in ``rights_cents``."""
    p = person()
    for i, cents in enumerate(rights_cents or (100_000,)):
        employer = make_org("employer", name=f"Werkgever {i}")
        employ(p, employer)
        budget = accounts.create_budget(
            actor=ACTOR,
            funder=accounts.ensure_funder(employer),
            name=f"Leerbudget {i}",
            total=Money(10_000_000),
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2023, 12, 31),
        )
        accounts.deposit(
            actor=ACTOR, budget=budget, person=p, amount=Money(cents), on=dt.date(2023, 1, 2)
        )
    return p


def an_offering(fee: int = 90_000) -> Offering:
    return make_offer(make_provider(), fee=fee)[1]


def shown(p: Person, offering: Offering) -> Preview:
    return services.preview(actor=ACTOR, person=p, offering=offering, on=ON)


def confirm(preview: Preview) -> Application:
    return services.apply(actor=ACTOR, shown=preview, amount_cents=preview.amount_cents, on=ON)


def assert_money_once(p: Person, offering: Offering, granted_cents: int) -> None:
    """One active application, reservations adding up to its grant, every invariant kept."""
    app = Application.objects.get(person=p, offering=offering)
    assert app.status == "granted"
    assert app.amount_cents == granted_cents
    reserved = Reservation.objects.filter(right__person=p).aggregate(s=Sum("amount_cents"))["s"]
    assert reserved == granted_cents
    assert Funding.objects.filter(application=app).aggregate(s=Sum("amount_cents"))["s"] == (
        granted_cents
    )
    assert accounts.verify_ledger() == []
    assert invariants.breaches() == []


# --- both databases: the lost insert is answered as the sequential request is ---------------


@pytest.fixture
def during() -> Iterator[None]:
    with time_machine.travel(DURING, tick=False):
        yield


def _lose_the_race(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the next apply miss the check before its insert, as a twin running at the same
    moment does: the unique index must catch it."""
    real = applying._applied_before
    calls = {"n": 0}

    def first_misses(preview: Preview) -> Application | None:
        calls["n"] += 1
        return None if calls["n"] == 1 else real(preview)

    monkeypatch.setattr(applying, "_applied_before", first_misses)


@pytest.mark.django_db
def test_lost_insert_for_another_preview_is_already_applied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p, offering = funded_person(), an_offering()
    first = confirm(shown(p, offering))
    second = shown(p, offering)
    reservations, audits = Reservation.objects.count(), audit.AuditEntry.objects.count()
    _lose_the_race(monkeypatch)
    with pytest.raises(Problem) as refused:
        confirm(second)
    assert (refused.value.status, refused.value.code) == (409, "already-applied")
    assert Application.objects.get().pk == first.pk
    assert Reservation.objects.count() == reservations  # nothing half-written
    assert audit.AuditEntry.objects.count() == audits
    assert_money_once(p, offering, 90_000)


@pytest.mark.django_db
def test_lost_insert_for_the_same_preview_is_the_same_application(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p, offering = funded_person(), an_offering()
    preview = shown(p, offering)
    first = confirm(preview)
    _lose_the_race(monkeypatch)
    assert confirm(preview).pk == first.pk
    assert_money_once(p, offering, 90_000)


@pytest.mark.django_db
def test_window_refuses_a_start_date_applied_for_with_own_budgets(during: None) -> None:
    from tests.enrolment.conftest import make_window

    window = make_window()
    p, offering = funded_person(), an_offering()
    confirm(shown(p, offering))
    in_window = services.preview(actor=ACTOR, person=p, offering=offering, window=window, on=ON)
    with pytest.raises(Problem) as refused:
        services.submit(
            actor=ACTOR,
            window=window,
            shown=in_window,
            amount_cents=in_window.amount_cents,
            idempotency_key="w1",
            at=DURING,
        )
    assert refused.value.code == "already-applied"


@pytest.mark.django_db
def test_allocator_refuses_an_entry_whose_start_date_was_granted_meanwhile(during: None) -> None:
    """Submitted in a window, then applied with own budgets before the allocator ran: the
    entry is refused as a duplicate (the index would refuse a second active application)."""
    from tests.enrolment.conftest import make_window

    window = make_window()
    p, offering = funded_person(), an_offering()
    in_window = services.preview(actor=ACTOR, person=p, offering=offering, window=window, on=ON)
    services.submit(
        actor=ACTOR,
        window=window,
        shown=in_window,
        amount_cents=in_window.amount_cents,
        idempotency_key="w1",
        at=DURING,
    )
    confirm(shown(p, offering))
    report = services.allocate_window(window, at=DURING + dt.timedelta(minutes=5))
    assert (report.granted, report.refused) == (0, 1)
    assert_money_once(p, offering, 90_000)


@pytest.mark.django_db
@given(
    rights=st.lists(st.integers(1, 60_000), min_size=1, max_size=3),  # all > 0: eligible
    fee=st.integers(1, 150_000),
    tries=st.lists(st.sampled_from(["same", "new"]), min_size=1, max_size=4),
)
def test_money_is_reserved_once_whatever_is_tried(
    rights: list[int], fee: int, tries: list[str]
) -> None:
    """Any rights, any fee, confirms of the same preview or of new ones: at most one active
    application, reserving exactly what its plan showed from rights that had it."""
    p, offering = funded_person(*rights), an_offering(fee)
    # every preview is looked at before the first confirm, as by twins racing
    first, *others = [shown(p, offering) for _ in range(1 + tries.count("new"))]
    app = confirm(first)
    for attempt in tries:
        if attempt == "same":
            assert confirm(first).pk == app.pk
        else:
            with pytest.raises(Problem) as refused:
                confirm(others.pop())
            assert refused.value.code == "already-applied"
    assert app.amount_cents == min(fee, sum(rights))
    assert_money_once(p, offering, app.amount_cents)


# --- check_ledger sees the duplicate the index would have refused ------------------------------


@pytest.mark.django_db
def test_check_ledger_reports_business_breaches(capsys: pytest.CaptureFixture[str]) -> None:
    p, offering = funded_person(), an_offering()
    app = confirm(shown(p, offering))
    call_command("check_ledger")
    assert "business invariants hold" in capsys.readouterr().out
    # A database loaded around the index (or from before it): a second active application
    # of the same preview, and a funding that says more than its grant.
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX enrolment_application_one_active")
    twin = Application.objects.get(pk=app.pk)
    twin.pk, twin.receipt = None, "LLO-TWIN"
    twin.save()
    Application.objects.filter(pk=app.pk).update(amount_cents=1_000)
    # and a reservation row without its posting: more reserved than the right ever got
    right = Funding.objects.get(application=app).right
    Reservation.objects.create(
        right=right,
        account=ledger_store.new_account(AccountKind.RESERVATION, 0),
        amount_cents=1_000_000,
    )
    with pytest.raises(CommandError, match="3 breaches"):
        call_command("check_ledger")
    err = capsys.readouterr().err
    assert f"one-active-application: person {p.pk} offering {offering.pk}: 2" in err
    assert f"funded-within-grant: application {app.pk}: 90000 cents reserved" in err
    assert f"reservations-within-right: right {right.pk}: 1090000 cents reserved" in err


# --- PostgreSQL: real threads, each with its own connection ----------------------------------


def run_parallel(work: Callable[[int], Any], workers: int = WORKERS) -> list[Any]:
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # checked by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_20_parallel_confirms_of_one_preview_reserve_once() -> None:
    p, offering = funded_person(60_000, 60_000), an_offering()  # the plan pays from 2 rights
    preview = shown(p, offering)
    results = run_parallel(lambda i: confirm(preview))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert {r.pk for r in results} == {Application.objects.get().pk}
    assert Reservation.objects.count() == 2
    assert_money_once(p, offering, 90_000)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_20_parallel_applications_for_one_start_date_grant_one() -> None:
    p, offering = funded_person(), an_offering()
    previews = [shown(p, offering) for _ in range(WORKERS)]
    results = run_parallel(lambda i: confirm(previews[i]))
    granted = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, Problem)]
    assert len(granted) == 1, results
    assert [(r.status, r.code) for r in refused] == [(409, "already-applied")] * (WORKERS - 1)
    assert Reservation.objects.count() == 1
    assert_money_once(p, offering, 90_000)


def _api_clients(p: Person, workers: int = WORKERS) -> list[Client]:
    user = User.objects.create_user(username=f"burger:{p.pk}", role=Role.BURGER, person=p)
    clients = []
    for _ in range(workers):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _post(client: Client, preview: Preview, key: str | None) -> tuple[int, str, bytes, str]:
    headers = {"Idempotency-Key": key} if key else {}
    with time_machine.travel(DURING, tick=False):
        answer = client.post(
            "/api/v1/applications",
            {"previewId": preview.pk, "amountCents": preview.amount_cents},
            content_type="application/json",
            headers=headers,
        )
    return (
        answer.status_code,
        answer["Content-Type"],
        answer.content,
        answer.get("Idempotent-Replayed", ""),
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_api_20_parallel_posts_with_one_key_get_one_answer() -> None:
    p, offering = funded_person(), an_offering()
    preview = shown(p, offering)
    clients = _api_clients(p)
    results = run_parallel(lambda i: _post(clients[i], preview, "one-key-for-all"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert {(status, body) for status, _t, body, _r in results} == {(201, results[0][2])}
    assert sum(1 for r in results if r[3] == "true") == WORKERS - 1
    assert json.loads(results[0][2])["id"] == Application.objects.get().pk
    assert_money_once(p, offering, 90_000)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_api_20_parallel_posts_for_one_start_date_grant_one_and_refuse_19() -> None:
    p, offering = funded_person(), an_offering()
    previews = [shown(p, offering) for _ in range(WORKERS)]
    clients = _api_clients(p)
    results = run_parallel(lambda i: _post(clients[i], previews[i], None))
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(status for status, *_rest in results)
    assert statuses == [201] + [409] * (WORKERS - 1)
    for status, content_type, body, _r in results:
        if status == 409:
            assert content_type == "application/problem+json"
            assert json.loads(body)["type"].endswith("/already-applied")
    assert_money_once(p, offering, 90_000)


@pytest.mark.django_db
def test_api_answers_a_repeat_by_its_key_and_another_application_with_409() -> None:
    p, offering = funded_person(), an_offering()
    first, second = shown(p, offering), shown(p, offering)
    client = _api_clients(p, 1)[0]
    made = _post(client, first, "k-1")
    again = _post(client, first, "k-1")
    assert made[0] == 201
    assert again[0] == 201
    assert again[2] == made[2]
    assert again[3] == "true"
    other_body = _post(client, second, "k-1")
    assert other_body[0] == 409
    assert json.loads(other_body[2])["code"] == "idempotency-key-reused"
    refused = _post(client, second, None)
    assert refused[:2] == (409, "application/problem+json")
    assert json.loads(refused[2])["type"].endswith("/already-applied")
    assert _post(client, first, None)[0] == 201  # a confirm of the same preview: the same one
    assert_money_once(p, offering, 90_000)
