# SPDX-License-Identifier: EUPL-1.2
"""What the production server's master does once, before it forks its workers (gunicorn
``preload_app``, llo.gunicorn_conf; issue 18, decision 013)."""

from __future__ import annotations

from django.conf import settings
from django.db import connections
from django.urls import get_resolver
from django.utils.translation import trans_real


def warm_before_fork() -> None:
    """Load what every worker would otherwise load on its first request, the URL patterns
    (every app's URLs and views) and the translations, so each forked worker shares them.
    No database connection stays open: a forked worker must never share the master's."""
    get_resolver().url_patterns  # noqa: B018 - the property imports and builds them
    for code, _name in settings.LANGUAGES:
        trans_real.translation(code)
    connections.close_all()
