# SPDX-License-Identifier: EUPL-1.2
"""The enrolment API through a test URLconf (the lead mounts the router in llo.api.api)."""

from __future__ import annotations

import pytest
from django.test import Client

from llo.core.roles import Role
from llo.people.models import User
from tests.enrolment.conftest import World, person

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.enrolment.urls")]


def test_windows_spending_and_window_submission_needs_a_key(world: World) -> None:
    client = Client()
    listed = client.get("/api/v1/windows").json()
    assert listed[0]["policy"] == "fcfs"
    assert client.get("/api/v1/spending?year=2023").json() == []
    user = User.objects.create_user(username="burger:x", role=Role.BURGER, person=person())
    client.force_login(user)
    answer = client.post(
        f"/api/v1/windows/{world.window.pk}/applications",
        {"previewId": 1, "amountCents": 1},
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["invalidParams"][0]["name"] == "Idempotency-Key"
