# SPDX-License-Identifier: EUPL-1.2
"""Property-based tests of our own OpenAPI document against the running app (schemathesis)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from llo.people.models import User


@pytest.fixture
def api_schema(db: None) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: Any, django_user_model: Any) -> None:
    case.call_and_validate()


@pytest.mark.django_db
def test_schemathesis_loads_every_operation() -> None:
    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [op for op in loaded.get_all_operations()]
    assert len(operations) >= 5
    assert User.objects.count() == 0
