# SPDX-License-Identifier: EUPL-1.2
"""Lean routes: an API address whose common case an app answers without the API framework
(issue 18, decision 013).

In a window rush one address takes nearly every request, and the framework's own work (a
walk over the API's ~80 URL patterns, the parser, the schemas, the renderer) was a fifth of an
application's time. A lean route is a URL pattern placed before the API's, with the same route
and parameters, whose handler answers the common case and returns None for anything else: the
API's own operation then answers, with its checks and errors, as if the lean route were not
there. The handler must not have written anything when it returns None. All middleware runs
for both (security headers, the request guard, busy, sessions, rate limits, API-Version).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.csrf import csrf_exempt

from llo.api.api import SERVER_URL, api

Handler = Callable[..., HttpResponse | None]


@cache
def operation(route: str) -> Callable[..., Any]:
    """The API's view for ``route`` (relative to the API's root)."""
    patterns, _app, _namespace = api.urls
    for pattern in patterns:
        if str(pattern.pattern) == route and pattern.callback is not None:
            return pattern.callback
    raise LookupError(f"the API has no operation at {route}")


def route(api_route: str, handler: Handler, name: str) -> URLPattern:
    """A URL pattern for ``api_route`` (as the API writes it, ``windows/<windowId>/...``)
    that tries ``handler`` first and else calls the API's operation. CSRF is left to them:
    the API checks it after authentication (401 before 403), and so must a handler."""

    @csrf_exempt
    def view(request: HttpRequest, **kwargs: str) -> Any:
        answer = handler(request, **kwargs)
        if answer is not None:
            return answer
        return operation(api_route)(request, **kwargs)

    return path(SERVER_URL.strip("/") + "/" + api_route, view, name=name)
