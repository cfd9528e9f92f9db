# SPDX-License-Identifier: EUPL-1.2
"""Windows as pages through Django's test client, on both databases: UWV opens a window from
its budget page (a clear message beside the rules when they do not apply), sees the intake and
the allocation; a person sees the open windows that can decide, compares trainings by what
they pay, applies, and sees their place. A window on ended rules is offered nowhere, and
choosing it anyway is a B1 refusal."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from llo.accounts.models import Budget
from llo.enrolment import services
from llo.enrolment.models import IntakeEntry, Window
from llo.people.models import Organisation, Person, User
from tests.accounts.conftest import make_org
from tests.enrolment.conftest import ACTOR
from tests.enrolment.rounds import (
    NOW,
    TODAY,
    at,
    job_seeker,
    open_round,
    training,
    uwv_budget,
)

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="nl")


def login(
    client: Client, role: str, *, who: Person | None = None, org: Organisation | None = None
) -> User:
    user = User.objects.create_user(
        f"{role}:w{next(_n)}", role=role, person=who, organisation=org, display_name="Test"
    )
    client.force_login(user)
    return user


def nl(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


def text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def form_data(**fields: str) -> dict[str, str]:
    data = {
        "name": "Scholing naar werk, ronde 3",
        "description": "Voor werkzoekenden.",
        "scheme": "funder",
        "opens_on": "2026-12-08",
        "opens_time": "09:00",
        "closes_on": "2027-01-08",
        "closes_time": "17:00",
        "budget": "50.000,00",
        "max_per_person": "2.500",
        "policy": "priority",
        "then_policy": "lottery",
        "group_1": "low_educated",
        "group_2": "up_to_mbo4",
        "group_3": "",
        "training_cap": "",
        "waiting_list": "on",
        "idempotency_key": "form-1",
    }
    data.update(fields)
    return data


def _uwv(client: Client) -> Budget:
    budget = uwv_budget()
    login(client, "uwv", org=budget.funder.organisation)
    return budget


def test_uwv_opens_a_round_from_its_budget_page(client: Client) -> None:
    budget = _uwv(client)
    page = client.get(reverse("accounts:budget", args=[budget.pk]))
    create = reverse("enrolment:window-create", args=[budget.pk])
    assert create in page.content.decode()
    assert client.get(create).status_code == 200
    done = client.post(create, form_data())
    window = Window.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("enrolment:funder-window", args=[window.pk])
    assert window.priority_groups == ["low_educated", "up_to_mbo4"]
    assert (window.budget_cents, window.max_per_person_cents) == (5_000_000, 250_000)
    assert window.opens_at == at(dt.date(2026, 12, 8))
    shown = text(client.get(done["Location"]).content)
    assert "Scholing naar werk, ronde 3" in shown
    assert nl("People with little education (up to mbo 2)") in shown
    # The budget page lists it.
    assert "Scholing naar werk, ronde 3" in text(
        client.get(reverse("accounts:budget", args=[budget.pk])).content
    )


def test_stap_rules_in_2026_get_a_dutch_message_beside_the_field(client: Client) -> None:
    budget = _uwv(client)
    page = client.post(
        reverse("enrolment:window-create", args=[budget.pk]), form_data(scheme="stap")
    )
    assert page.status_code == 400
    html = page.content.decode()
    field_error = re.search(r'id="id_scheme-error">(.*?)</div>', html, re.S)
    assert field_error is not None
    assert "31 december 2023" in field_error.group(1)
    assert "outside that period" not in html
    assert not Window.objects.exists()


def test_a_funder_sees_only_its_own_budgets_and_rounds(client: Client) -> None:
    budget = uwv_budget()
    window = open_round(budget)
    login(client, "gemeente", org=make_org("municipality", name="Gemeente Rotterdam"))
    assert client.get(reverse("enrolment:funder-window", args=[window.pk])).status_code == 404
    assert client.get(reverse("enrolment:window-create", args=[budget.pk])).status_code == 404
    assert (
        client.post(reverse("enrolment:funder-window-allocate", args=[window.pk])).status_code
        == 404
    )
    login(client, "burger", who=job_seeker())
    assert client.get(reverse("enrolment:funder-window", args=[window.pk])).status_code == 403


def _apply(window: Window, person: Person, offering_pk: int, key: str) -> IntakeEntry:
    from llo.register.models import Offering

    offering = Offering.objects.get(pk=offering_pk)
    shown = services.preview(actor=ACTOR, person=person, offering=offering, window=window, on=TODAY)
    return services.submit(
        actor=ACTOR, window=window, shown=shown, amount_cents=shown.amount_cents,
        idempotency_key=key, at=NOW,
    ).entry  # fmt: skip


def test_uwv_sees_the_intake_decides_and_sees_the_allocation(client: Client) -> None:
    budget = _uwv(client)
    window = open_round(budget, budget_cents=500_000)
    _offer, offering = training()
    for n in range(3):
        _apply(window, job_seeker(), offering.pk, f"k{n}")
    url = reverse("enrolment:funder-window", args=[window.pk])
    before = text(client.get(url).content)
    assert "€ 7.500,00" in before  # three asked € 2.500 each
    done = client.post(reverse("enrolment:funder-window-allocate", args=[window.pk]))
    assert done.status_code == 302
    with time_machine.travel(NOW + dt.timedelta(minutes=1), tick=False):
        client.post(reverse("enrolment:funder-window-allocate", args=[window.pk]))
    after = client.get(url).content.decode()
    assert 'data-outcome="granted"' in after
    granted = re.search(r'data-outcome="granted">(.*?)</tr>', after, re.S)
    assert granted is not None
    assert ">2<" in granted.group(1)
    assert "€ 5.000,00" in granted.group(1)
    waiting = re.search(r'data-outcome="waiting">(.*?)</tr>', after, re.S)
    assert waiting is not None
    assert ">1<" in waiting.group(1)
    assert 'data-money="left">€ 0,00' in after


def test_a_person_sees_a_waiting_outcome_kept_on_the_entry_and_leaves_the_list(
    client: Client,
) -> None:
    """Decision 013: a waiting outcome has no application; the person reads it where they
    read their place (the entry's page, linked from their notification and from "my
    applications"), with how many wait before them, and may leave the waiting list."""
    window = open_round(uwv_budget(), budget_cents=250_000)
    offering = training()[1]
    _apply(window, job_seeker(), offering.pk, "first")
    sanne = job_seeker()
    entry = _apply(window, sanne, offering.pk, "second")
    services.allocate_window(window, at=NOW + dt.timedelta(minutes=1))
    entry.refresh_from_db()
    assert entry.outcome == "waiting"
    login(client, "burger", who=sanne)
    url = reverse("enrolment:entry", args=[entry.pk])
    page = client.get(url).content.decode()
    assert 'data-status="waiting"' in page
    assert nl("The window budget is used up. You are on the waiting list.") in page
    assert 'data-waiting-ahead="0"' in page
    assert 'data-leave href="' in page
    mine = client.get(reverse("enrolment:mine")).content.decode()
    assert f'data-entry="{entry.pk}"' in mine
    assert 'data-status="waiting"' in mine
    from llo.notifications.models import Notification

    assert Notification.objects.get(person=sanne).link == url
    leave = reverse("enrolment:leave", args=[entry.pk])
    assert nl("Leave the waiting list?") in client.get(leave).content.decode()
    assert client.post(leave)["Location"] == url
    entry.refresh_from_db()
    assert entry.outcome == "cancelled"
    after = client.get(url).content.decode()
    assert 'data-status="cancelled"' in after
    assert "data-leave" not in after
    assert client.get(leave)["Location"] == url  # nothing to leave any more
    # Leaving twice says why in words, never the stored code ("cancelled").
    told = client.post(leave, follow=True).content.decode()
    assert nl("Cancelled") in told
    assert "&#x27;cancelled&#x27;" not in told
    assert "'cancelled'" not in told
    # Someone else's entry does not exist for her.
    other = IntakeEntry.objects.exclude(pk=entry.pk).get(window=window)
    assert client.get(reverse("enrolment:leave", args=[other.pk])).status_code == 404


def _stap_window() -> Window:
    budget = uwv_budget(scheme="stap", conditions={})
    return Window.objects.create(
        budget=budget,
        name="Scholingsvenster UWV 2026",
        opens_at=at(dt.date(2026, 9, 1)),
        closes_at=at(dt.date(2026, 12, 31), 17),
        budget_cents=1_000_000,
        policy="fcfs",
    )


def test_a_person_sees_only_rounds_that_can_decide_and_compares_by_what_they_pay(
    client: Client,
) -> None:
    stap = _stap_window()
    window = open_round(uwv_budget())
    cheap = training(fee=90_000)[1]
    dear = training(fee=618_000)[1]
    sanne = job_seeker()
    login(client, "burger", who=sanne)
    listing = text(client.get(reverse("enrolment:windows")).content)
    assert window.name in listing
    assert stap.name not in listing
    page = client.get(reverse("enrolment:window", args=[window.pk])).content.decode()
    rows = re.findall(r'<tr class="utrecht-table__row" data-offering="(\d+)"', page)
    assert rows[:2] == [str(cheap.pk), str(dear.pk)]  # what she pays, lowest first
    shown = text(page.encode())
    assert nl("You pay € 0,00 yourself.") in shown
    assert "€ 3.680,00" in shown  # € 6.180 minus the round's € 2.500
    by_start = client.get(reverse("enrolment:window", args=[window.pk]), {"volgorde": "start"})
    assert by_start.status_code == 200


def test_the_apply_page_offers_only_rounds_that_can_decide(client: Client) -> None:
    stap = _stap_window()
    window = open_round(uwv_budget())
    offering = training()[1]
    login(client, "burger", who=job_seeker())
    url = reverse("enrolment:apply", args=[offering.pk])
    page = client.get(url).content.decode()
    assert f'data-window="{window.pk}"' in page
    assert f'data-window="{stap.pk}"' not in page
    # Choosing the STAP window anyway: a refusal in B1, no engine text, nothing reserved.
    refused = client.get(url, {"venster": stap.pk})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "31 december 2023" in html
    assert "applies to applications" not in html
    assert 'name="confirm"' not in html
    gone = client.get(url, {"venster": 999_999})
    assert gone.status_code == 422
    assert 'data-code="outside-window"' in gone.content.decode()


def test_a_person_applies_in_a_round_and_sees_their_place(client: Client) -> None:
    window = open_round(uwv_budget())
    offering = training()[1]
    _apply(window, job_seeker(), offering.pk, "other")
    sanne = job_seeker()
    login(client, "burger", who=sanne)
    url = reverse("enrolment:apply", args=[offering.pk])
    page = client.get(url, {"venster": window.pk}).content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    fields.pop("csrfmiddlewaretoken", None)
    done = client.post(url, {**fields, "confirm": "on"})
    assert done.status_code == 302
    entry = IntakeEntry.objects.get(person=sanne)
    shown = client.get(done["Location"]).content.decode()
    assert 'data-line="2"' in shown
    on_window = client.get(reverse("enrolment:window", args=[window.pk])).content.decode()
    assert 'data-line="2"' in on_window
    assert entry.amount_cents == 250_000


def test_a_round_that_needs_a_fact_llo_does_not_hold_says_not_known_yet(client: Client) -> None:
    """Someone in work: llo does not know the purpose of their training, and the round pays
    only toward work (decision 008: not assumed). The comparison and the apply page say it is
    not known yet, with the rules' B1 sentence, and still lead to applying; nothing granted."""
    from tests.accounts.conftest import make_person

    window = open_round(uwv_budget(conditions={"purposes": ["work", "switch"]}))
    offering = training()[1]
    login(client, "burger", who=make_person(position="employed"))
    every = {"alles": "1"}  # not only what the round pays
    page = client.get(reverse("enrolment:window", args=[window.pk]), every).content.decode()
    assert f'data-offering="{offering.pk}" data-eligible="unknown"' in page
    shown = text(page.encode())
    assert "We weten nog niet of deze ronde deze opleiding betaalt." in shown
    assert "We weten nog niet waarom" in shown
    # Also without "all trainings": it may be paid once the person answers (Mohammed).
    default = client.get(reverse("enrolment:window", args=[window.pk])).content.decode()
    assert f'data-offering="{offering.pk}" data-eligible="unknown"' in default
    url = reverse("enrolment:apply", args=[offering.pk])
    apply = client.get(url).content.decode()
    assert f'data-window="{window.pk}" data-eligible="unknown"' in apply
    assert f"?venster={window.pk}" in apply
    chosen = client.get(url, {"venster": window.pk}).content.decode()
    assert 'data-passed="unknown"' in chosen
    assert 'name="confirm"' not in chosen


def test_the_window_page_and_the_status_stay_cheap_during_a_rush(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18, step 4: where a person stands comes from the window's line, counted once
    per LINE_SECONDS per process (one grouped query), and a view counts only inside its own
    block of ids; no view counts the whole intake. Blocks of two ids here, so the place
    crosses blocks."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from llo.enrolment.selectors import rounds

    monkeypatch.setattr(rounds, "LINE_BLOCK", 2)
    window = open_round(uwv_budget())
    offering = training()[1]
    for n in range(5):
        _apply(window, job_seeker(), offering.pk, f"o{n}")
    sanne = job_seeker()
    entry = _apply(window, sanne, offering.pk, "sanne")
    login(client, "burger", who=sanne)
    url = reverse("enrolment:window", args=[window.pk])
    with CaptureQueriesContext(connection) as first:
        assert 'data-line="6"' in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as again:
        assert 'data-line="6"' in client.get(url).content.decode()
    status = reverse("enrolment:entry", args=[entry.pk])
    with CaptureQueriesContext(connection) as mine:
        assert 'data-line="6"' in client.get(status).content.decode()

    def whole_intake(queries: CaptureQueriesContext) -> list[str]:
        return [
            q["sql"]
            for q in queries.captured_queries
            if "enrolment_intakeentry" in q["sql"] and "GROUP BY" in q["sql"]
        ]

    assert len(whole_intake(first)) == 1  # the line, once
    assert whole_intake(again) == whole_intake(mine) == []
    assert len(again.captured_queries) == len(first.captured_queries) - 1
    # The place is exact however the blocks fall: every earlier entry is before Sanne.
    for n, e in enumerate(IntakeEntry.objects.filter(window=window).order_by("pk"), start=1):
        assert rounds.place_of(e).line == n


def test_a_person_states_why_they_want_the_training_and_the_round_decides_with_it(
    client: Client,
) -> None:
    """Issue 15 finding 1: someone in work states the purpose on the apply page (a statement
    of that day, ``FactName.TRAINING_PURPOSE``); the round then decides with it, on its page
    and on the apply page. A purpose the round does not pay for is a refusal, not a guess."""
    from llo.people.models import PersonFact
    from tests.accounts.conftest import make_person

    window = open_round(uwv_budget(conditions={"purposes": ["work", "switch"]}))
    offering = training()[1]
    person = make_person(position="employed")
    login(client, "burger", who=person)
    apply = reverse("enrolment:apply", args=[offering.pk])
    asked = client.get(apply, {"venster": window.pk}).content.decode()
    assert 'name="training_purpose"' in asked
    assert nl("To move to other work") in asked
    facts = reverse("enrolment:apply-facts", args=[offering.pk])
    wrong = client.post(facts, {"asked": "training_purpose", "training_purpose": "holiday"})
    assert wrong.status_code == 400
    assert not PersonFact.objects.filter(person=person).exists()
    said = {"asked": "training_purpose", "training_purpose": "grow", "venster": window.pk}
    assert client.post(facts, said).status_code == 302
    refused = client.get(apply, {"venster": window.pk}).content.decode()
    assert 'data-passed="no"' in refused
    assert 'name="confirm"' not in refused
    said["training_purpose"] = "switch"
    assert client.post(facts, said).status_code == 302
    assert [f.value for f in PersonFact.objects.filter(person=person).order_by("pk")] == [
        "grow",
        "switch",
    ]
    chosen = client.get(apply, {"venster": window.pk}).content.decode()
    assert 'data-passed="no"' not in chosen
    assert 'data-passed="unknown"' not in chosen
    assert 'name="confirm"' in chosen
    # The round's comparison shows it as paid now (before: "not known yet").
    page = client.get(reverse("enrolment:window", args=[window.pk])).content.decode()
    assert f'data-offering="{offering.pk}" data-eligible="yes"' in page
