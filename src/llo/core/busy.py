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
        queued = queued_of(request)
        if queued and not request.path.startswith(NEVER):
            wait = wait_seconds(queued)
            if wait > settings.LLO_BUSY_WAIT_SECONDS:
                return busy_response(request, retry_after(wait))
        start = time.perf_counter()
        response = self.get_response(request)
        MEAN.add(time.perf_counter() - start)
        return response
