# SPDX-License-Identifier: EUPL-1.2
"""Failed logins counted per account, not only per IP address (issue 14, finding 6).

The per-IP limit (llo.core.ratelimit, ``login-ip``) stops one address; an attacker with many
addresses (a botnet, a cloud) guessing one account is stopped only by counting that
account's failures. Counting per account has a known risk: whoever knows someone's account
name can fail on purpose and lock the real user out. llo takes the OWASP "device cookie"
design (OWASP, *Slow Down Online Guessing Attacks with Device Cookies*) so that cannot last:

* A failed login for an account counts in a **fixed window** of ``LLO_LOGIN_ACCOUNT_WINDOW``
  seconds (15 minutes). At ``LLO_LOGIN_ACCOUNT_FAILURES`` failures (5) in a window, further
  attempts for that account from *untrusted* clients get 429 with Retry-After until the
  window ends. Attempts during the lock are refused before they are checked and do not
  count, so the lock never grows: it ends at most one window after the first failure.
* A successful login sets a signed, HttpOnly **device cookie** naming that account (hashed).
  A client that shows one for the account it logs in to is *trusted*: the account's lock does
  not apply to it; its own failures count in a bucket of its own (the same 5 per window), so
  a stolen cookie does not give unlimited guesses either. The real user, on a device they
  used before, is never locked out by someone else's failures.
* Nothing here holds an account name or an address: the counters and the cookie hold keyed
  hashes (``LLO_BSN_HASH_KEY``), and an account may be a BSN.

Which logins count: the demo login (typed BSN or KvK number and role) and the admin's
password login. The DigiD/eHerkenning login (OIDC) checks the password at the broker, which
throttles it; llo learns the account only after a success, so there is nothing to count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from llo.core.problems import Problem
from llo.core.timeutil import now

COOKIE = "llo_device"
#: How long a device stays trusted after its last successful login (a working half year).
COOKIE_AGE = 180 * 24 * 3600
_SALT = "llo.core.loginthrottle.device"
ACCOUNT_BUCKET = "login-account"
DEVICE_BUCKET = "login-device"


def failures_allowed() -> int:
    """Failures per account per window; 0 switches the account limit off."""
    return int(getattr(settings, "LLO_LOGIN_ACCOUNT_FAILURES", 5))


def window_seconds() -> int:
    return int(getattr(settings, "LLO_LOGIN_ACCOUNT_WINDOW", 15 * 60))


def account_hash(account: str) -> str:
    salt = str(getattr(settings, "LLO_BSN_HASH_KEY", ""))
    return hashlib.sha256(f"{salt}\0login\0{account}".encode()).hexdigest()


def _window(at: dt.datetime) -> tuple[dt.datetime, int]:
    seconds = window_seconds()
    epoch = int(at.timestamp())
    start = epoch - epoch % seconds
    left = max(1, math.ceil(start + seconds - at.timestamp()))
    return dt.datetime.fromtimestamp(start, tz=dt.UTC), left


def _device(request: HttpRequest) -> dict[str, Any]:
    raw = request.COOKIES.get(COOKIE, "")
    if not raw:
        return {}
    try:
        value = signing.loads(raw, salt=_SALT, max_age=COOKIE_AGE)
    except signing.BadSignature:
        return {}
    return value if isinstance(value, dict) else {}


def _bucket(request: HttpRequest, account: str) -> tuple[str, str]:
    """(bucket, client) this attempt counts in: the device's own when it is trusted for the
    account, else the account's."""
    hashed = account_hash(account)
    device = _device(request)
    if hashed in device.get("accounts", []):
        return DEVICE_BUCKET, hashlib.sha256(f"{device['id']}\0{hashed}".encode()).hexdigest()
    return ACCOUNT_BUCKET, hashed


def check(request: HttpRequest, account: str) -> Problem | None:
    """The 429 problem when this account is locked for this client, else None (nothing is
    counted: only failures count, through :func:`failed`)."""
    limit = failures_allowed()
    if limit <= 0 or not account:
        return None
    bucket, client = _bucket(request, account)
    start, left = _window(now())
    # The same raw parameters as the counting statement (the ORM would spell the time
    # differently on SQLite, and find nothing).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT hits FROM core_ratecounter WHERE bucket = %s AND client = %s "
            "AND window_start = %s",
            [bucket, client, start],
        )
        row = cursor.fetchone()
    hits = row[0] if row else None
    if hits is None or hits < limit:
        return None
    minutes = math.ceil(left / 60)
    return Problem(
        429,
        _(
            "There were too many failed attempts to log in to this account. For your safety "
            "you can try again in %(minutes)s minutes. On a device where you logged in before, "
            "you can log in now."
        )
        % {"minutes": minutes},
        code="too-many-login-attempts",
        extra={"retryAfter": left, "limit": bucket},
    )


_HIT_SQL = (
    "INSERT INTO core_ratecounter (bucket, client, window_start, hits) VALUES (%s, %s, %s, 1) "
    "ON CONFLICT (bucket, client, window_start) DO UPDATE SET hits = core_ratecounter.hits + 1"
)


def failed(request: HttpRequest, account: str) -> None:
    """Count one failed login for ``account`` (by this client)."""
    if failures_allowed() <= 0 or not account:
        return
    bucket, client = _bucket(request, account)
    start, _left = _window(now())
    with connection.cursor() as cursor:
        cursor.execute(_HIT_SQL, [bucket, client, start])


def succeeded(request: HttpRequest, response: HttpResponse, account: str) -> None:
    """Trust this device for ``account`` from now on (the device cookie; up to 20 accounts,
    the most recent kept: a shared office computer)."""
    if not account:
        return
    device = _device(request)
    accounts = [a for a in device.get("accounts", []) if a != account_hash(account)]
    value = {
        "id": device.get("id") or secrets.token_hex(16),
        "accounts": [account_hash(account), *accounts][:20],
    }
    response.set_cookie(
        COOKIE,
        signing.dumps(value, salt=_SALT),
        max_age=COOKIE_AGE,
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        httponly=True,
        samesite="Lax",
    )


def retry_after(problem: Problem) -> str:
    return str(problem.extra.get("retryAfter", window_seconds()))


class AdminLoginThrottleMiddleware:
    """The admin's password login (Django's own view) under the same per-account rule: a POST
    to its login page names the account in ``username``; a redisplayed form is a failure, a
    redirect with a logged-in user a success."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The admin's login page ends in "login/" (django.contrib.admin); the reverse() only
        # for such a path (it cost a POST in a window rush as much as a query, issue 18).
        if (
            request.method != "POST"
            or not request.path.endswith("login/")
            or request.path != _admin_login_path()
        ):
            return self.get_response(request)
        username = str(request.POST.get("username", "")).strip().lower()[:150]
        account = f"admin:{username}" if username else ""
        problem = check(request, account)
        if problem is not None:
            from llo.core.middleware import problem_page

            response = problem_page(request, problem)
            response["Retry-After"] = retry_after(problem)
            return response
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if response.status_code in (301, 302) and user is not None and user.is_authenticated:
            succeeded(request, response, account)
        elif response.status_code == 200:
            failed(request, account)
        return response


def _admin_login_path() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("admin:login")
    except NoReverseMatch:
        return ""
