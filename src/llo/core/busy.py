# SPDX-License-Identifier: EUPL-1.2
"""Busy: a request that would wait too long for a worker is answered at once with 429 and
``Retry-After`` (RFC 6585 section 4, RFC 9110 section 10.2.3), never an error page (issue 18,
step 4; decision 013, "When the server is saturated").

How saturation is seen. A sync worker handles one request at a time; the requests behind it
wait in the kernel's accept queue of the listening socket, where no Python code sees them.
The production server's ``pre_request`` hook (:mod:`llo.gunicorn_conf`) reads the length of
that queue with one ``getsockopt(TCP_INFO)`` on the listening socket (Linux gives a listening
socket's accept backlog in ``tcpi_unacked``), adds what a threaded worker holds unstarted, and
passes it to llo in the ``X-LLO-Queued`` request header (a client's own header of that name is
dropped first). This middleware turns the queue into the wait a new request has before it:

    wait = queued * (mean seconds of a request in this process) / (workers * threads)

and sheds the request when the wait is over ``LLO_BUSY_WAIT_SECONDS`` (default 3 s: after
that a person wonders whether the page works). The mean is a moving average of the requests
this process answered. Shedding costs no database query: this middleware runs before the
session and the user are read.

Behind a reverse proxy that queues requests itself (nginx, a platform's router), the wait
happens before the request reaches the server's socket, where neither the hook nor this
middleware sees it. Such a proxy stamps the moment it received the request in
``X-Request-Start`` (nginx: ``proxy_set_header X-Request-Start "t=${msec}"``, seconds with
milliseconds; Heroku's router: milliseconds; New Relic's convention: ``t=`` and microseconds).
When llo runs behind a trusted proxy (``LLO_TRUSTED_PROXIES`` ≥ 1) the time since that stamp
is a wait too, and the larger of the two decides. The unit is told from the size of the number
(seconds, milliseconds, microseconds or nanoseconds since 1970); a stamp in the future (clocks
apart) or that cannot be read counts as no wait. A client that sends the header itself can
only have its own request shed, which the proxy's own header replaces anyway.

What a shed request means. Nothing was read or written for it: an application that was
acknowledged before (202 with its entry) stays acknowledged, a person's session, preview and
calculation stay as they were, and the same request may be sent again (the Idempotency-Key
makes a retry of an application safe). The page says so in Dutch B1, with the seconds to wait
and a link that tries again; the API answers ``application/problem+json`` with code ``busy``
and ``retryAfter``. The health check is never shed: it is how operations sees the floor.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from llo.core.problems import Problem

#: The request header the production server's hook sets (WSGI: ``HTTP_X_LLO_QUEUED``).
QUEUED_HEADER = "X-LLO-Queued"
_QUEUED_META = "HTTP_X_LLO_QUEUED"
#: Never shed: the floor operations and the load balancer watch.
NEVER = ("/api/v1/health",)
#: The first guess of a request's seconds, before this process measured any.
_FIRST_GUESS = 0.05
#: Weight of the newest request in the moving average (about the last 20 requests).
_WEIGHT = 0.05


class _Mean:
    """A moving average of request seconds in this process (thread-safe enough: a lost
    update of a float only makes the average a little older)."""

    def __init__(self) -> None:
        self.seconds = _FIRST_GUESS
        self.lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self.lock:
            self.seconds += _WEIGHT * (seconds - self.seconds)


MEAN = _Mean()


def capacity() -> int:
    """Requests the server handles at once: its workers times their threads."""
    return max(1, settings.LLO_BUSY_WORKERS)


def wait_seconds(queued: int, mean: float | None = None) -> float:
    """The seconds a request waits behind ``queued`` others."""
    return queued * (MEAN.seconds if mean is None else mean) / capacity()


def retry_after(wait: float) -> int:
    """The seconds to tell a shed person to wait: the queue's wait, at least a few seconds,
    at most a minute."""
    return min(60, max(5, math.ceil(wait)))


def queued_of(request: HttpRequest) -> int:
    value = request.META.get(_QUEUED_META, "")
    return int(value) if value.isdigit() else 0


#: The header a reverse proxy stamps with the moment it received the request.
REQUEST_START_HEADER = "X-Request-Start"
_REQUEST_START_META = "HTTP_X_REQUEST_START"
#: No time since 1970 in seconds is this large before the year 5138: a larger number is in
#: milliseconds, microseconds or nanoseconds.
_SECONDS_BELOW = 1e11


def request_start(value: str) -> float | None:
    """The moment in ``X-Request-Start`` as seconds since 1970, or None if it cannot be read:
    ``t=1700000000.123`` (nginx), ``1700000000123`` (milliseconds), ``t=1700000000123456``
    (microseconds)."""
    text = value.strip().removeprefix("t=")
    if not text or len(text) > 32 or not text.replace(".", "", 1).isdigit():
        return None
    stamp = float(text)
    for scale in (1.0, 1e3, 1e6, 1e9):
        if stamp / scale < _SECONDS_BELOW:
            return stamp / scale if stamp > 0 else None
    return None


def proxy_wait(request: HttpRequest, at: float | None = None) -> float:
    """Seconds the request waited in front of llo, by the trusted proxy's ``X-Request-Start``
    (0 without a trusted proxy, a stamp, or with one in the future)."""
    if int(getattr(settings, "LLO_TRUSTED_PROXIES", 0)) < 1:
        return 0.0
    value = request.META.get(_REQUEST_START_META)
    if not value:
        return 0.0
    start = request_start(value)
    if start is None:
        return 0.0
    return max(0.0, (time.time() if at is None else at) - start)


def busy_problem(seconds: int) -> Problem:
    return Problem(
        429,
        _(
            "It is very busy right now. Nothing is lost: what you sent before and your "
            "details are kept. Try again in %(seconds)s seconds."
        )
        % {"seconds": seconds},
        title=_("It is busy"),
        code="busy",
        extra={"retryAfter": seconds},
    )


def busy_response(request: HttpRequest, seconds: int) -> HttpResponse:
    """The 429 answer: problem+json under /api/, the Dutch page elsewhere."""
    from llo.core.middleware import is_api, problem_page

    with translation.override(translation.get_language_from_request(request)):
        problem = busy_problem(seconds)
        if is_api(request):
            response = problem_page(request, problem)
        else:
            response = render(
                request,
                "web/busy.html",
                {"seconds": seconds, "again": _again(request)},
                status=429,
            )
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def _again(request: HttpRequest) -> str:
    """Where "try again" goes: the same page; after a form was sent, the page it was sent
    from (a link cannot send the form again, and the address it went to may answer only
    POST)."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    came_from = request.META.get("HTTP_REFERER", "")
    if came_from and url_has_allowed_host_and_scheme(
        came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return came_from
    return "/"


class BusyMiddleware:
    """Before the session and the user are read (settings.MIDDLEWARE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(NEVER):
            queued = queued_of(request)
            wait = max(wait_seconds(queued) if queued else 0.0, proxy_wait(request))
            if wait > settings.LLO_BUSY_WAIT_SECONDS:
                return busy_response(request, retry_after(wait))
        start = time.perf_counter()
        response = self.get_response(request)
        MEAN.add(time.perf_counter() - start)
        return response
