# SPDX-License-Identifier: EUPL-1.2
"""Every card on a home page leads somewhere real (issue 15 item 5: the cards for diplomas,
adviser help and "Het bereik bekijken" linked nowhere). A card that has no page yet is not
shown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from llo.demo.personas import LOGINS
from llo.people.models import Organisation, OrganisationKind
from llo.register.models import Opleider
from tests.e2e.personas import create_demo_personas

pytestmark = pytest.mark.django_db


class Cards(HTMLParser):
    """The links in each ``li.llo-card`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[list[str]] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "li":
            if self.depth:
                self.depth += 1
            elif "llo-card" in (a.get("class") or "").split():
                self.cards.append([])
                self.depth = 1
        elif tag == "a" and self.depth and a.get("href"):
            self.cards[-1].append(str(a["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self.depth:
            self.depth -= 1


def cards_of(html: str) -> list[list[str]]:
    parser = Cards()
    parser.feed(html)
    return parser.cards


@pytest.mark.parametrize("key", [login.key for login in LOGINS])
def test_every_home_card_leads_to_a_page_that_opens(key: str) -> None:
    create_demo_personas()
    for org in Organisation.objects.filter(kind=OrganisationKind.PROVIDER):
        Opleider.objects.get_or_create(
            organisation=org, defaults={"kind": "private", "institution_code": ""}
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    assert client.post(reverse("web:login-demo"), {"persona": key}).status_code == 302
    home = client.get(reverse("web:home"))
    assert home.status_code == 200
    cards = cards_of(home.content.decode())
    assert cards, "a home page shows what a person can do here"
    for links in cards:
        assert links, "a card without a link leads nowhere"
        for href in links:
            assert re.match(r"^/[^/]", href), href
            response = client.get(href)
            assert response.status_code == 200, (key, href, response.status_code)


def test_the_landing_cards_lead_somewhere_real() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    cards = cards_of(client.get("/").content.decode())
    assert len(cards) == 4
    for links in cards:
        assert links
        for href in links:
            assert client.get(href).status_code == 200, href
