# SPDX-License-Identifier: EUPL-1.2
"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live server.

One browser per test module keeps the suite quick; every test gets fresh contexts. The app runs
with its Content-Security-Policy on; only the context that injects axe-core bypasses it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from tests.e2e.personas import create_demo_personas

CHROMIUM = Path(os.environ.get("LLO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
#: WCAG 2.2 level AA, as axe-core tags its rules (2.0, 2.1 and 2.2; A and AA).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: run scripts/install-system-deps.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API keeps an asyncio loop running in this thread, which makes Django
    # refuse database calls from the test ("async context"). The tests are plain sync code, so
    # allow them while the browser lives, and only then.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def app(live_server: LiveServer, settings: Settings) -> str:
    """The live server's base URL, with the demo personas in the database.

    The live server speaks plain http, so the cookies must not be 'Secure' here.
    """
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LLO_LOGIN_PLUGINS = ["demo"]
    create_demo_personas()
    return str(live_server.url)


class CspWatch:
    """Collects the browser's Content-Security-Policy complaints for one context."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        text = str(message.text)
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.messages.append(text)


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts (Dutch, like most users) that are closed after the test."""
    made: list[BrowserContext] = []

    def make(**kwargs: Any) -> BrowserContext:
        kwargs.setdefault("locale", "nl-NL")
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(**kwargs)
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page (WCAG 2.2 AA rules) and return its violations.

    The page must belong to a context made with ``bypass_csp=True``: the CSP of llo would
    rightly refuse the injected script.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    result = page.evaluate("options => axe.run(document, options)", options)
    return list(result["violations"])


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """Violations as a readable report: rule, impact, help link, and each failing element."""
    lines = [f"axe-core found {len(violations)} WCAG 2.2 AA violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  <{v['helpUrl']}>")
        for node in v["nodes"]:
            target = json.dumps(node.get("target"))
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"    at {target}: {summary}")
            lines.append(f"      {node.get('html', '')[:200]}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    violations = run_axe(page)
    assert not violations, format_violations(page.url, violations)
