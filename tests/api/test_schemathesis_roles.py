# SPDX-License-Identifier: EUPL-1.2
"""schemathesis per role on a live server (issue 14, "checks that must exist afterwards").

A real HTTP server on 127.0.0.1 (pytest-django's live server), real sessions made by logging in
through the login page (session cookie and CSRF token, as a browser has them): anonymous, a
citizen (Fatima), a funder (Bakkerij de Korenaar), a provider (ROC Maasstad) and register
staff. For each role every operation of /api/v1/openapi.json gets ``PER_OPERATION`` generated
cases with a fixed seed, each checked with all of schemathesis' checks (status documented,
content type, headers, response schema, no 5xx, negative data rejected, ...). A role meets
403/404 where it may not go, and those answers are checked against the document too.

The number of cases per role is printed and asserted (a few hundred: the suite stays well
within its time on a 2-core machine); docs/operations.md states the figures. It runs on
PostgreSQL, the production database, only: what a role may reach does not depend on the
database, and the SQLite pass runs the anonymous schemathesis test (test_schemathesis.py)
with more cases per operation (decision 014).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hypothesis_settings
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from tests.e2e.personas import create_demo_personas

#: The role and the demo persona that logs in for it (llo.demo.personas.LOGINS).
ROLES = {
    "anonymous": "",
    "citizen": "fatima",
    "funder": "korenaar",
    "provider": "maasstad",
    "staff": "register",
}
PER_OPERATION = 4
SEED = 20261207


def login(base: str, persona: str) -> requests.Session:
    session = requests.Session()
    if persona:
        page = session.get(f"{base}/inloggen/demo", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token is not None
        answer = session.post(
            f"{base}/inloggen/demo",
            data={"csrfmiddlewaretoken": token.group(1), "persona": persona},
            headers={"Referer": f"{base}/inloggen/demo"},
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, answer.text[:500]
        assert "llo_session" in session.cookies
    # The API's session authentication checks CSRF on writes (django-ninja, django_auth): a
    # page's script sends the token of the page in this header (the cookie is HttpOnly). The
    # login rotated the token, so it is read from a page after it.
    page = session.get(f"{base}/inloggen/demo", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    session.headers["X-CSRFToken"] = token.group(1)
    return session


def run_role(base: str, session: requests.Session) -> tuple[int, list[str]]:
    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")
    counter = [0]
    failures: list[str] = []
    for result in schema.get_all_operations():
        run_operation(result.ok(), session, failures, counter)
    return counter[0], failures


def run_operation(
    operation: Any, session: requests.Session, failures: list[str], counter: list[int]
) -> None:
    """``PER_OPERATION`` cases of one operation, the same on every run (a fixed seed)."""

    @seed(SEED)
    @hypothesis_settings(
        max_examples=PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        counter[0] += 1
        try:
            case.call_and_validate(session=session)
        except Exception as exc:  # collected: every operation is run, then reported
            failures.append(f"{operation.label}: {str(exc)[:600]}")

    check()


@pytest.mark.postgres_only
def test_every_operation_as_every_role(live_server: LiveServer, settings: Settings) -> None:
    """One live server and one database for the five roles (a transactional test empties and
    refills the database, the most expensive step; once is enough)."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LLO_LOGIN_PLUGINS = ["demo"]
    create_demo_personas()
    base = str(live_server.url)
    assert base.startswith(("http://localhost:", "http://127.0.0.1:"))
    report: dict[str, int] = {}
    failures: list[str] = []
    for role, persona in ROLES.items():
        session = login(base, persona)
        me = session.get(f"{base}/api/v1/me", timeout=30)
        assert me.status_code == (401 if role == "anonymous" else 200), me.text[:300]
        cases, found = run_role(base, session)
        report[role] = cases
        failures += [f"[{role}] {f}" for f in found]
    print(f"schemathesis cases per role: {report}; failures: {len(failures)}")
    assert failures == [], "\n\n".join(failures[:20])
    assert all(cases >= 200 for cases in report.values()), report
