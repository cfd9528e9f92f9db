# SPDX-License-Identifier: EUPL-1.2
"""The open API of the skills language: no login, every code with its Dutch name."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_find_an_occupation_by_another_name_without_login(client: Client) -> None:
    response = client.get("/api/v1/occupations", {"q": "gaslasser"})
    assert response.status_code == 200
    assert response.json()[0] == {
        "code": "7212.3",
        "label": "lasser",
        "matchedLabel": "gaslasser",
        "iscoGroup": "7212",
    }


def test_one_occupation_has_its_group_and_skills(client: Client) -> None:
    body = client.get("/api/v1/occupations/7212.3").json()
    assert body["iscoGroup"] == "7212"
    assert "lasser" in body["iscoGroupLabel"]
    assert {"code": "lassen", "label": "lassen"} in body["essentialSkills"]
    assert {"code": "tig-lassen", "label": "TIG-lassen"} in body["optionalSkills"]


def test_a_skill_lists_the_occupations_that_need_it(client: Client) -> None:
    body = client.get("/api/v1/skills/lassen").json()
    assert {"code": "7212.3", "label": "lasser"} in body["essentialFor"]


def test_unknown_codes_and_bad_parameters_are_problems(client: Client) -> None:
    response = client.get("/api/v1/occupations/9999.9")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    response = client.get("/api/v1/occupations", {"q": "", "limit": "1000"})
    assert response.status_code == 400
    names = {p["name"] for p in response.json()["invalidParams"]}
    assert names == {"q", "limit"}
    assert client.get("/api/v1/isco-groups/0999").status_code == 404
