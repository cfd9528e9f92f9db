# SPDX-License-Identifier: EUPL-1.2
"""Property-based tests of our own OpenAPI document against the running app (schemathesis)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from llo.people.models import User


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    # Like Django's test client: keep the test's database connection open across requests
    # (the WSGI handler would close it at the end of every request).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: Any, django_user_model: Any) -> None:
    case.call_and_validate()


def test_schemathesis_loads_every_operation(api_schema: Any) -> None:
    operations = list(api_schema.get_all_operations())
    assert len(operations) >= 5
    assert User.objects.count() == 0
