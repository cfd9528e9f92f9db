# SPDX-License-Identifier: EUPL-1.2
"""schemathesis against the accounts API as a logged-in funder: whatever is sent, the answer is
documented (no 500s, problem+json for errors)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings

from llo.accounts import services
from llo.people.models import User
from tests.accounts.conftest import make_budget, make_org, make_person

pytestmark = pytest.mark.urls("tests.accounts.urls")
CSRF = "a" * 32


@pytest.fixture
def api_schema(db: None, settings: Any) -> Iterator[Any]:
    settings.ROOT_URLCONF = "tests.accounts.urls"
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def funder_cookie(db: None) -> str:
    org = make_org("oo_fund", name="O&O-fonds Techniek", sector="metal")
    make_budget(services.ensure_funder(org))
    make_person()
    user = User.objects.create_user(username="fonds:fuzz", role="fonds", organisation=org)
    client = Client()
    client.force_login(user)
    return f"llo_session={client.cookies['llo_session'].value}; llo_csrf={CSRF}"


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_accounts_api_as_a_funder(case: Any, funder_cookie: str) -> None:
    case.call_and_validate(headers={"Cookie": funder_cookie, "X-CSRFToken": CSRF})
