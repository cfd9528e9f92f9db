# SPDX-License-Identifier: EUPL-1.2
"""A person opens one of their rights from the Leeroverzicht and sees what happened to its
money; nobody else can open it."""

from __future__ import annotations

import pytest
from django.test import Client

from llo.accounts import services
from llo.core.money import Money
from llo.core.roles import Role
from llo.people.models import User
from tests.accounts.conftest import ACTOR, TODAY, make_budget, make_org, make_person

pytestmark = pytest.mark.django_db


def login(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    user = User.objects.create_user(username=f"burger:{person.pk}", role=Role.BURGER, person=person)
    client.force_login(user)
    return client


def test_a_right_shows_every_movement_of_its_money(time_machine) -> None:
    time_machine.move_to("2026-03-02")
    bakery = make_org("employer", name="Bakkerij de Korenaar")
    funder = services.ensure_funder(bakery)
    budget = make_budget(funder, 1_000_000)
    fatima = make_person(name="Fatima", employer=bakery)
    right = services.deposit(
        actor=ACTOR, budget=budget, person=fatima, amount=Money(50_000), on=TODAY
    )
    provider = make_org("provider", name="ROC Maasstad")
    res = services.reserve(
        actor=ACTOR, right=right, amount=Money(30_000), on=TODAY, provider=provider
    )
    services.pay_provider(actor=ACTOR, reservation=res, amount=Money(10_000), on=TODAY)
    services.release(actor=ACTOR, reservation=res, on=TODAY)

    client = login(fatima)
    home = client.get("/home").content.decode()
    assert f'href="/mijn-rechten/{right.pk}"' in home
    page = client.get(f"/mijn-rechten/{right.pk}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bakkerij de Korenaar" in text
    # put in 500, set aside 300, paid 100 of it, 200 came back: 400 left
    assert "€ 400,00" in text
    rows = text.split("<tbody", 1)[1]
    for amount in ("€ 500,00", "€ 300,00", "€ 100,00", "€ 200,00", "-€ 300,00"):
        assert amount in rows, amount


def test_only_the_person_sees_their_right() -> None:
    employer = make_org("employer")
    funder = services.ensure_funder(employer)
    budget = make_budget(funder, 1_000_000)
    owner = make_person(employer=employer)
    right = services.deposit(actor=ACTOR, budget=budget, person=owner, amount=Money(100), on=TODAY)
    assert login(make_person()).get(f"/mijn-rechten/{right.pk}").status_code == 404
    anonymous = Client().get(f"/mijn-rechten/{right.pk}")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/inloggen")


def test_a_right_never_used_shows_that_it_expired() -> None:
    import datetime as dt

    employer = make_org("employer")
    funder = services.ensure_funder(employer)
    budget = make_budget(funder, 1_000_000)
    person = make_person(employer=employer)
    right = services.deposit(
        actor=ACTOR, budget=budget, person=person, amount=Money(7_500), on=TODAY,
        valid_until=dt.date(2026, 6, 30),
    )  # fmt: skip
    services.expire_all(actor=ACTOR, on=dt.date(2026, 7, 1))
    text = login(person).get(f"/mijn-rechten/{right.pk}").content.decode()
    rows = text.split("<tbody", 1)[1]
    assert "Niet op tijd gebruikt" in rows
    assert "-€ 75,00" in rows
