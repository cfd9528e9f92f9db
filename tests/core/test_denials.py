# SPDX-License-Identifier: EUPL-1.2
"""The log of refused object access (llo.core.denials): a logged-in user's 404 or 403 at an
address with an id is one WARNING line on ``llo.security``; anonymous visitors and addresses
without an id are not logged, and a share link's token never is."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from llo.core.roles import Role
from llo.people.models import User
from tests.accounts.conftest import make_person

pytestmark = pytest.mark.django_db


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "llo.security"]


def test_a_logged_in_users_404_at_an_object_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    client = Client()
    user = User.objects.create_user("burger:d", role=Role.BURGER, person=make_person())
    client.force_login(user)
    with caplog.at_level(logging.WARNING, logger="llo.security"):
        assert client.get("/aanvragen/424242").status_code == 404
        assert client.get("/api/v1/applications/424242").status_code == 404
        assert client.get("/financier/budgetten/7").status_code == 403
        assert client.get("/gedeeld/s3cr3t-token").status_code == 404
        assert client.get("/bestaat-niet").status_code == 404  # no object: not logged
    logged = lines(caplog)
    assert len(logged) == 4, logged
    assert f"actor=user:{user.pk} role=burger" in logged[0]
    assert "route=aanvragen/<int:pk> ids=pk=424242" in logged[0]
    assert "route=api/v1/applications/<applicationId> ids=applicationId=424242" in logged[1]
    assert "status=403" in logged[2]
    assert "s3cr3t" not in logged[3]
    assert "token=***" in logged[3]


def test_anonymous_visitors_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="llo.security"):
        assert Client().get("/opleidingen/424242").status_code == 404
    assert lines(caplog) == []
