# SPDX-License-Identifier: EUPL-1.2
"""Abuse limits: logins, applications, uploads and writes per person and per IP address
(issue 14, finding 6: 200 bad logins in 4.9 s, 100 writes in 2 s, all answered).

Fixed windows counted in the database (:class:`~llo.core.models.RateCounter`): one
``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` per limited request, the same statement on
SQLite (3.35+) and PostgreSQL, atomic under concurrent workers, and nothing else to run. Only
writes and logins are counted (reads are not limited here; a proxy may do that).

A request over a limit gets ``429 Too Many Requests`` with ``Retry-After`` (RFC 6585, RFC 9110
10.2.3): problem+json under /api/, the Dutch B1 page elsewhere. The limits are settings
(``LLO_RATE_LIMITS``), documented in docs/operations.md, "Limits".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from llo.core.bulk import bound_cursor
from llo.core.models import RateCounter
from llo.core.problems import Problem
from llo.core.timeutil import now

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Limit:
    """At most ``count`` requests per ``seconds`` for each ``per`` ("ip" or "user") on the
    requests ``path`` matches (with one of ``methods``)."""

    name: str
    path: str
    count: int
    seconds: int
    per: str = "ip"
    methods: frozenset[str] = UNSAFE

    def matches(self, request: HttpRequest) -> bool:
        return request.method in self.methods and re.search(self.path, request.path) is not None


#: The limits when LLO_RATE_LIMITS does not set others. Sized so a person working normally
#: never meets them: a person applies a few times a day, a funder uploads a few files a day.
_LOGIN = r"^/inloggen/demo$|^/oidc/callback/?$|^/beheer/admin/login/$"
_APPLY = r"^/api/v1/(applications|windows/\d+/applications)$|^/aanvragen/nieuw/"
_UPLOAD = r"/(deposit-files|imports|bestand|importeren)$"
DEFAULT_LIMITS: tuple[Limit, ...] = (
    # Logins: the demo form, the OIDC callback (the broker's own limits come first there) and
    # the password login of the admin.
    Limit("login-ip", _LOGIN, 10, 60, "ip", frozenset({"POST", "GET"})),
    # Applications: a person, and an IP address (an office behind one address counts too).
    Limit("apply-user", _APPLY, 10, 60, "user"),
    Limit("apply-ip", _APPLY, 60, 60, "ip"),
    # Uploads: deposit files and imports of offers (heavy: a few per hour is plenty).
    Limit("upload-user", _UPLOAD, 20, 3600, "user"),
    Limit("upload-ip", _UPLOAD, 60, 3600, "ip"),
    # Every other write.
    Limit("write-user", r"", 120, 60, "user"),
    Limit("write-ip", r"", 600, 60, "ip"),
)


def limits() -> tuple[Limit, ...]:
    configured = getattr(settings, "LLO_RATE_LIMITS", None)
    return tuple(configured) if configured is not None else DEFAULT_LIMITS


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with LLO_TRUSTED_PROXIES = n the n-th address
    from the right of X-Forwarded-For (each trusted proxy appends the one it saw)."""
    proxies = int(getattr(settings, "LLO_TRUSTED_PROXIES", 0))
    if proxies > 0:
        chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [a for a in chain if a]
        if len(chain) >= proxies:
            return chain[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def _client(limit: Limit, request: HttpRequest) -> str | None:
    if limit.per == "user":
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        who = f"user:{user.pk}"
    else:
        who = f"ip:{client_ip(request)}"
    # A hash: the table never holds an IP address (AVG: it is personal data).
    salt = str(getattr(settings, "LLO_BSN_HASH_KEY", ""))
    return hashlib.sha256(f"{salt}\0{who}".encode()).hexdigest()


_HIT_SQL = (
    "INSERT INTO core_ratecounter (bucket, client, window_start, hits) VALUES (%s, %s, %s, 1) "
    "ON CONFLICT (bucket, client, window_start) DO UPDATE SET hits = core_ratecounter.hits + 1 "
    "RETURNING hits"
)


def hit(limit: Limit, client: str, at: dt.datetime) -> tuple[int, int]:
    """Count one request; (requests in this window so far, seconds until it ends)."""
    epoch = int(at.timestamp())
    start = epoch - epoch % limit.seconds
    window_start = dt.datetime.fromtimestamp(start, tz=dt.UTC)
    with bound_cursor() as cursor:  # prepared once per connection (issue 18)
        cursor.execute(_HIT_SQL, [limit.name, client, window_start])
        (count,) = cursor.fetchone()
    if random.random() < 0.01:  # now and then, forget windows long gone
        RateCounter.objects.filter(window_start__lt=at - dt.timedelta(days=1)).delete()
    return int(count), max(1, math.ceil(start + limit.seconds - at.timestamp()))


def _window_start(limit: Limit, at: dt.datetime) -> tuple[dt.datetime, int]:
    epoch = int(at.timestamp())
    start = epoch - epoch % limit.seconds
    return dt.datetime.fromtimestamp(start, tz=dt.UTC), start


def hits(pairs: list[tuple[Limit, str]], at: dt.datetime) -> list[tuple[int, int]]:
    """Count one request under every (limit, client) at once, in one statement (issue 18: an
    application met four limits, four round trips); per pair (requests in its window so far,
    seconds until that window ends)."""
    if len(pairs) == 1:
        return [hit(pairs[0][0], pairs[0][1], at)]
    starts = [_window_start(limit, at) for limit, _client_key in pairs]
    # Placeholders only: every value is bound.
    sql = (
        "INSERT INTO core_ratecounter (bucket, client, window_start, hits) VALUES "  # noqa: S608
        f"{', '.join(['(%s, %s, %s, 1)'] * len(pairs))} ON CONFLICT (bucket, client, "
        "window_start) DO UPDATE SET hits = core_ratecounter.hits + 1 "
        "RETURNING bucket, client, hits"
    )
    params: list[str | dt.datetime] = []
    for (limit, client), (window_start, _s) in zip(pairs, starts, strict=True):
        params += [limit.name, client, window_start]
    with bound_cursor() as cursor:  # prepared once per connection (issue 18)
        cursor.execute(sql, params)
        counted = {(bucket, client): int(n) for bucket, client, n in cursor.fetchall()}
    if random.random() < 0.01:  # now and then, forget windows long gone
        RateCounter.objects.filter(window_start__lt=at - dt.timedelta(days=1)).delete()
    return [
        (
            counted[(limit.name, client)],
            max(1, math.ceil(start + limit.seconds - at.timestamp())),
        )
        for (limit, client), (_w, start) in zip(pairs, starts, strict=True)
    ]


def check(request: HttpRequest) -> Problem | None:
    """The 429 problem for ``request`` if it goes over a limit, else None (and counted under
    every limit it meets, in one statement)."""
    at = now()
    pairs = []
    for limit in limits():
        if not limit.matches(request):
            continue
        client = _client(limit, request)
        if client is not None:
            pairs.append((limit, client))
    if not pairs:
        return None
    for (limit, _client_key), (count, retry_after) in zip(pairs, hits(pairs, at), strict=True):
        if count > limit.count:
            return Problem(
                429,
                _(
                    "You did this too often in a short time. Wait %(seconds)s seconds, then try "
                    "again."
                )
                % {"seconds": retry_after},
                code="too-many-requests",
                extra={"retryAfter": retry_after, "limit": limit.name},
            )
    return None


class RateLimitMiddleware:
    """After authentication (it needs the user), before any view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in UNSAFE or request.path.startswith(("/inloggen", "/oidc/")):
            problem = check(request)
            if problem is not None:
                from llo.core.middleware import problem_page

                response = problem_page(request, problem)
                response["Retry-After"] = str(problem.extra["retryAfter"])
                return response
        return self.get_response(request)
