# SPDX-License-Identifier: EUPL-1.2
"""Issue 15: a person downloads everything llo holds about them (page and API, audited),
sees who looked at their data (organisation by name, role, purpose, date), takes a right to
a new employer under the same CAO, and reads a right's conditions in B1 words."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from llo.accounts import services
from llo.accounts.models import Right, RightStatus
from llo.core import audit
from llo.core.models import AuditEntry
from llo.core.money import Money
from llo.core.roles import Role
from llo.people.models import Employment, User
from tests.accounts.conftest import ACTOR, TODAY, make_budget, make_org, make_person

pytestmark = pytest.mark.django_db
CAO = "CAO Metaal en Techniek"


def login(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    user = User.objects.create_user(username=f"burger:{person.pk}", role=Role.BURGER, person=person)
    client.force_login(user)
    return client


def _jan(time_machine):
    time_machine.move_to("2026-03-02")
    firm = make_org("employer", name="Metaalbedrijf Twente")
    jan = make_person(name="Jan Hofstede", employer=firm)
    Employment.objects.filter(person=jan).update(cao=CAO)
    budget = make_budget(
        services.ensure_funder(firm),
        portability="cao",
        conditions={"max_level": "eqf_4", "purposes": ["grow"], "occupations": ["7212"]},
    )
    right = services.deposit(
        actor=ACTOR, budget=budget, person=jan, amount=Money(150_000), on=TODAY
    )
    return firm, jan, right


def test_download_my_data_is_everything_and_is_logged(time_machine) -> None:
    firm, jan, right = _jan(time_machine)
    # The employer reads its page of budget holders: a read of Jan's data, logged.
    funder_user = audit.Actor("user:77", role=Role.WERKGEVER, organisation=firm.kvk)
    audit.log_reads(funder_user, [jan.pk], f"funder: page of budget {right.budget_id}")
    client = login(jan)
    page = client.get("/mijn-gegevens")
    assert page.status_code == 200
    assert "Mijn gegevens downloaden" in page.content.decode()
    response = client.get("/mijn-gegevens/download")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="mijn-gegevens-llo-')
    data = json.loads(response.content)
    assert data["format"] == "llo-person-data/1"
    assert data["person"]["display_name"] == "Jan Hofstede"
    assert "bsn_hash" not in data["person"]
    assert "bsn_encrypted" not in data["person"]
    assert data["person"]["bsn"] == jan.bsn
    assert [e["employerName"] for e in data["employments"]] == ["Metaalbedrijf Twente"]
    assert [r["id"] for r in data["rights"]] == [right.pk]
    assert {line["right"] for line in data["ledgerLines"]} == {right.pk}
    assert [(line["right"], line["amountCents"]) for line in data["ledgerLines"]] == [
        (right.pk, 150_000)
    ]
    assert data["readsByOthers"][0]["organisation"] == "Metaalbedrijf Twente"
    assert AuditEntry.objects.filter(action="person.export", subject_id=str(jan.pk)).count() == 1
    # The API gives the same document, and logs it too.
    api = client.get("/api/v1/me/data")
    assert api.status_code == 200
    assert api.json()["rights"][0]["id"] == right.pk
    assert AuditEntry.objects.filter(action="person.export", subject_id=str(jan.pk)).count() == 2


def test_who_looked_at_my_data(time_machine) -> None:
    firm, jan, right = _jan(time_machine)
    client = login(jan)
    assert (
        "Nog niemand anders heeft uw gegevens bekeken."
        in client.get("/mijn-gegevens/bekeken").content.decode()
    )
    reader = audit.Actor("user:77", role=Role.WERKGEVER, organisation=firm.kvk)
    audit.log_reads(reader, [jan.pk], f"funder: page of budget {right.budget_id}")
    audit.log_reads(audit.Actor(f"user:{jan.pk}", person_id=jan.pk), [jan.pk], "own")
    text = client.get("/mijn-gegevens/bekeken").content.decode()
    assert text.count("data-read>") == 1  # his own look is not a read by someone else
    assert "Metaalbedrijf Twente" in text
    assert "Werkgever" in text
    assert "Om te zien wie hun budget gebruikt" in text
    reads = client.get("/api/v1/me/reads").json()
    assert reads == [
        {
            "at": reads[0]["at"],
            "role": "werkgever",
            "organisation": "Metaalbedrijf Twente",
            "kvk": firm.kvk,
            "purpose": f"funder: page of budget {right.budget_id}",
        }
    ]


def test_only_the_person_gets_their_data() -> None:
    firm = make_org("employer")
    user = User.objects.create_user(username="w", role=Role.WERKGEVER, organisation=firm)
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/me/data").status_code == 403
    assert client.get("/mijn-gegevens/download").status_code == 403
    assert Client().get("/api/v1/me/data").status_code == 401


def test_a_right_moves_to_a_new_employer_under_the_same_cao(time_machine) -> None:
    _firm, jan, right = _jan(time_machine)
    client = login(jan)
    assert "data-no-moves" in client.get("/mijn-rechten/nieuwe-werkgever").content.decode()
    # Jan leaves; his new employer puts his job in llo (its data source).
    Employment.objects.filter(person=jan).update(end=dt.date(2026, 2, 28))
    hengelo = make_org("employer", name="Machinefabriek Hengelo")
    Employment.objects.create(person=jan, employer=hengelo, cao=CAO, start=dt.date(2026, 3, 1))
    page = client.get("/mijn-rechten/nieuwe-werkgever").content.decode()
    assert 'data-outcome="same_cao"' in page
    assert "Het gaat met u mee: uw nieuwe werkgever heeft dezelfde cao." in page
    # Each budget says what is left and until when, so two budgets of one fund differ.
    assert '<dd class="utrecht-data-list__item-value" data-left>€ 1.500,00</dd>' in page
    if right.valid_until is None:
        assert "data-until>geen einddatum<" in page
    else:
        assert f"data-until>{right.valid_until.day} " in page
    moved = client.post("/mijn-rechten/nieuwe-werkgever", {"right": right.pk})
    assert moved.status_code == 302
    right.refresh_from_db()
    assert right.status == RightStatus.TRANSFERRED
    new = Right.objects.get(transferred_from=right)
    assert new.employment is not None
    assert new.employment.employer == hengelo
    assert new.balance_cents == 150_000
    assert moved["Location"] == f"/mijn-rechten/{new.pk}"
    shown = client.get(moved["Location"]).content.decode()
    assert "Het gaat met u mee: uw nieuwe werkgever heeft dezelfde cao." in shown
    assert AuditEntry.objects.filter(action="right.transferred", subject_id=str(right.pk)).exists()
    # Twice is once.
    again = client.post("/mijn-rechten/nieuwe-werkgever", {"right": right.pk})
    assert again.status_code == 302
    assert Right.objects.filter(transferred_from=right).count() == 1


def test_a_rights_conditions_in_words(time_machine) -> None:
    _firm, jan, right = _jan(time_machine)
    client = login(jan)
    page = client.get(f"/mijn-rechten/{right.pk}").content.decode()
    assert "Waarvoor u het mag gebruiken" in page
    assert "Alleen voor opleidingen tot en met niveau 4 (mbo 4, havo)." in page
    assert "Alleen voor opleidingen met dit doel: doorgroeien in het werk." in page
    assert "Alleen voor opleidingen naar een beroep op de lijst van Metaalbedrijf Twente." in page
    home = client.get("/home").content.decode()
    assert "Alleen voor opleidingen tot en met niveau 4 (mbo 4, havo)." in home
