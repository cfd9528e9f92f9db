# SPDX-License-Identifier: EUPL-1.2
"""The busy page in a real browser (issue 18): a person who arrives when the server is
saturated reads in Dutch that it is busy, that nothing is lost and when to try again; the
page passes axe-core's WCAG 2.2 AA rules, and "try again" brings the page once it is quiet."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from tests.e2e.conftest import assert_no_axe_violations
from tests.e2e.test_browser import nl

#: What the page promises (web/busy.html).
KEPT = (
    "Your place is kept. Nothing is lost: you are still logged in, your calculation is kept, "
    "and an application you already got a confirmation for stays as it is. You do not have "
    "to start again."
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_busy_page_then_try_again(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(bypass_csp=True).new_page()
    # What the production server's hook tells llo when many wait (llo.gunicorn_conf.queued).
    page.set_extra_http_headers({"X-LLO-Queued": "100000"})
    answer = page.goto(f"{live_server.url}/aanvraagrondes")
    assert answer is not None
    assert answer.status == 429
    assert 5 <= int(answer.headers["retry-after"]) <= 60
    expect(page.locator("h1")).to_have_text(nl("It is very busy right now"))
    expect(page.locator("main")).to_contain_text(answer.headers["retry-after"])
    expect(page.locator("main")).to_contain_text(nl(KEPT))
    assert page.locator("html").get_attribute("lang") == "nl"
    assert_no_axe_violations(page)
    page.set_extra_http_headers({})  # quiet again
    page.get_by_role("link", name=nl("Try again")).click()
    page.wait_for_load_state()
    expect(page.locator("h1")).not_to_have_text(nl("It is very busy right now"))
