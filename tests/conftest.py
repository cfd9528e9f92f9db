# SPDX-License-Identifier: EUPL-1.2
"""Shared test set-up: both databases, no network beyond 127.0.0.1, Hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from django.db import connection
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "ci",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    print_blob=True,
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


#: The fixtures through which a test reaches the database (pytest-django refuses any other
#: database access with "Database access not allowed").
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(DATABASE_FIXTURES & names)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL; `make test` runs it there too")
    for item in items:
        if "postgres_only" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
    if on_postgres and not os.environ.get("LLO_TEST_ALL_ON_POSTGRES"):
        # A test that cannot reach the database gives the same answer on both databases;
        # `make test` runs it in the SQLite pass, and the PostgreSQL pass runs what touches
        # storage (decision 014: it keeps the suite within its CI time).
        keep = [item for item in items if uses_database(item)]
        if len(keep) < len(items):
            config.hook.pytest_deselected(items=[i for i in items if not uses_database(i)])
            items[:] = keep


@pytest.fixture
def db_vendor(db: None) -> str:
    return connection.vendor


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with an empty cache: a rolled-back test gives its ids to the next
    (SQLite), and a page's short-lived cache (a window's line, llo.enrolment.selectors) must
    not carry one test's rows into another."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush every table, data migrations included: put the CBS regions
    and gemeenten and the packaged skills language back, as every real database has them."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from llo.regions.models import Gemeente, Region
    from llo.regions.reference import load

    if not Gemeente.objects.exists():
        load(Region, Gemeente)
    from llo.skills import reference as skills_reference
    from llo.skills.models import (
        Occupation,
        OccupationLabel,
        OccupationSkill,
        Skill,
        SkillLabel,
    )

    if not Occupation.objects.exists():
        skills_reference.load(Occupation, Skill, OccupationSkill, OccupationLabel, SkillLabel)
