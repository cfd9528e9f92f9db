# SPDX-License-Identifier: EUPL-1.2
"""The apply page asks for what a decision needs and llo does not hold; the answers are kept
as the person's own statements, and the plan is checked again (issue 13)."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from llo.people.models import PersonFact
from llo.schemes.models import DecisionRecord
from tests.enrolment.conftest import DURING, World, person

pytestmark = pytest.mark.django_db
APPLY = "/aanvragen/nieuw/{}"


@pytest.fixture
def client_for(world: World):  # type: ignore[no-untyped-def]
    def make(someone):  # type: ignore[no-untyped-def]
        from llo.people.models import User

        user = User.objects.create_user(f"burger:{someone.pk}", "burger", person=someone)
        client = Client()
        client.force_login(user)
        return client

    return make


@time_machine.travel(DURING, tick=False)
def test_the_page_asks_and_the_answers_make_the_decision(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    someone = person(stated=False)
    client = client_for(someone)
    url = APPLY.format(world.offering.pk) + f"?venster={world.window.pk}"
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Nog niet bekend:" in text
    assert "Sinds wanneer woont of werkt u in Nederland" in text
    assert "Krijgt u nu studiefinanciering" in text
    record = DecisionRecord.objects.latest("created_at")
    assert record.record["missing"] == ["insured_months", "receives_study_support"]

    answer = client.post(
        f"/aanvragen/nieuw/{world.offering.pk}/gegevens",
        {
            "asked": ["insured_since", "receives_study_support"],
            "insured_since": "2001-09-01",
            "receives_study_support": "no",
            "venster": world.window.pk,
        },
    )
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"?venster={world.window.pk}")
    facts = PersonFact.objects.filter(person=someone).order_by("name")
    assert [(f.name, f.value, f.source) for f in facts] == [
        ("insured_since", "2001-09-01", "declaration"),
        ("receives_study_support", False, "declaration"),
    ]
    again = client.get(url).content.decode()
    assert "Nog niet bekend:" not in again
    record = DecisionRecord.objects.latest("created_at")
    assert record.eligible
    assert record.record["sources"]["person"]["insured_months"]["source"] == "declaration"


@time_machine.travel(DURING, tick=False)
def test_a_wrong_answer_is_shown_beside_the_question(world: World, client_for) -> None:  # type: ignore[no-untyped-def]
    someone = person(stated=False)
    client = client_for(someone)
    response = client.post(
        f"/aanvragen/nieuw/{world.offering.pk}/gegevens",
        {"asked": ["insured_since", "receives_study_support"], "insured_since": "2099-01-01"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Vul vandaag in of een dag die al voorbij is." in text
    assert "Beantwoord deze vraag." in text
    assert not PersonFact.objects.exists()
