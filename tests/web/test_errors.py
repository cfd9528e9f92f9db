# SPDX-License-Identifier: EUPL-1.2
"""With DEBUG off, no stack trace or setting ever reaches a user."""

from __future__ import annotations

import pytest
from django.test import Client

from llo.web.login import registry as registry_module

pytestmark = pytest.mark.django_db


def test_server_error_page_hides_details(monkeypatch: pytest.MonkeyPatch, settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]

    def broken() -> list[object]:
        raise RuntimeError("LLO_BSN_HASH_KEY=dev-only-llo-bsn-hash-key in /srv/llo/settings.py")

    monkeypatch.setattr(registry_module.registry, "enabled", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/inloggen")
    assert response.status_code == 500
    text = response.content.decode()
    for secret in ("LLO_BSN_HASH_KEY", "settings.py", "Traceback", "RuntimeError", "SECRET_KEY"):
        assert secret not in text
    assert "<h1" in text


def test_unknown_page_is_a_friendly_404(client: Client, settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    text = response.content.decode()
    assert "<h1" in text
    assert "Traceback" not in text
    assert "urlpatterns" not in text


def test_debug_is_off_by_default() -> None:
    from django.conf import settings as django_settings

    assert django_settings.DEBUG is False
