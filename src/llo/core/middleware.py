# SPDX-License-Identifier: EUPL-1.2
"""The request guard: what llo refuses before any view, session or CSRF check reads a request
(issue 14, findings 6, 7 and 8).

* a path or query with NUL or another control character (``/api/v1/providers/90000008%00``
  reached PostgreSQL, which cannot hold NUL in text: 500) → 400;
* a body larger than llo reads at that address (``Content-Length``) → 413, before it is read:
  ``LLO_MAX_BODY_BYTES`` for forms and JSON, ``LLO_MAX_UPLOAD_BYTES`` for files;
* under ``/api/``: a body that is not JSON (or CSV, for the file endpoints) → 415, so a
  ``multipart/form-data`` body never reaches the CSRF check that crashed on it;
* a ``multipart/form-data`` page form without a valid boundary → 400.

An API request gets ``application/problem+json`` with ``invalidParams``; a page gets the
error page in Dutch B1. :meth:`RequestGuardMiddleware.process_exception` is the net under the
pages: bad input that still gets through to a parser or the database (llo.core.problems
.problem_for) is a 4xx page, not a 500.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser
from django.shortcuts import render
from django.utils.encoding import escape_uri_path
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _

from llo.core.problems import PROBLEM_CONTENT_TYPE, InvalidParam, Problem, problem_for
from llo.core.textguard import has_control

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: API bodies llo reads: JSON everywhere, CSV for the file endpoints.
API_MEDIA_TYPES = frozenset({"application/json", "text/csv"})
#: Addresses that take a file (a larger body is allowed there).
UPLOAD_PATH = re.compile(r"/(imports|deposit-files)$|/(bestand|importeren)$")


def max_body_bytes() -> int:
    return int(getattr(settings, "LLO_MAX_BODY_BYTES", 10 * 1024 * 1024))


def max_upload_bytes() -> int:
    return int(getattr(settings, "LLO_MAX_UPLOAD_BYTES", 50 * 1024 * 1024))


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


#: The OOAPI v6 endpoints of the register (llo.register.ooapi): machines read them too, so a
#: refused request gets OOAPI's Problem there (problem+json, ``instance`` an absolute URI,
#: no llo API-Version), never the HTML page.
OOAPI_PREFIX = "/ooapi/"


def problem_page(request: HttpRequest, problem: Problem, message: str = "") -> HttpResponse:
    """The answer for a refused request: problem+json under /api/ and /ooapi/, the B1 page
    elsewhere (with ``message`` when the problem's own detail is not written for people)."""
    if is_api(request):
        response = HttpResponse(
            json.dumps(problem.as_dict(instance=request.path), ensure_ascii=False),
            status=problem.status,
            content_type=PROBLEM_CONTENT_TYPE,
        )
        response["API-Version"] = getattr(settings, "LLO_API_VERSION", "")
        return response
    if request.path.startswith(OOAPI_PREFIX):
        instance = request.build_absolute_uri(escape_uri_path(request.path))
        return HttpResponse(
            json.dumps(problem.as_dict(instance=instance), ensure_ascii=False),
            status=problem.status,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    titles = {
        400: _("We could not read your request"),
        413: _("This is too large"),
        415: _("We could not read your request"),
        429: _("Please wait a moment"),
    }
    return render(
        request,
        "web/error.html",
        {
            "title": titles.get(problem.status, _("We could not read your request")),
            "message": message or problem.detail,
        },
        status=problem.status,
    )


def _bad_request(name: str, detail: str, reason: str, code: str) -> Problem:
    return Problem(400, detail, code=code, invalid_params=[InvalidParam(name, reason, code)])


def check_request(request: HttpRequest) -> Problem | None:
    """Why llo refuses ``request`` before reading it, or None."""
    if has_control(request.path):
        return _bad_request(
            "path",
            _("The address contains a character that cannot be in an address."),
            "contains a NUL or control character",
            "invalid-path",
        )
    for key, values in request.GET.lists():
        for value in [key, *values]:
            if has_control(value):
                return _bad_request(
                    key[:100],
                    _("The address contains a character that cannot be in an address."),
                    "contains a NUL or control character",
                    "invalid-text",
                )
    if request.method not in UNSAFE:
        return None
    raw_length = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw_length)
    except ValueError:
        return _bad_request(
            "Content-Length", _("The request could not be read."), "not a number", "invalid"
        )
    media = (request.content_type or "").lower()
    upload = media in ("multipart/form-data", "text/csv") or bool(UPLOAD_PATH.search(request.path))
    limit = max_upload_bytes() if upload else max_body_bytes()
    if length > limit:
        return Problem(
            413,
            _("This is too large: llo reads at most %(mb)s MB here.")
            % {"mb": f"{limit / (1024 * 1024):g}"},
            code="too-large",
            invalid_params=[InvalidParam("body", f"at most {limit} bytes", "too-large")],
        )
    if is_api(request) and length > 0:
        if media not in API_MEDIA_TYPES and not media.endswith("+json"):
            return Problem(
                415,
                _("Send the body as JSON (Content-Type: application/json)."),
                code="unsupported-media-type",
                invalid_params=[
                    InvalidParam(
                        "Content-Type",
                        f"{media or 'none'} is not application/json or text/csv",
                        "media-type",
                    )
                ],
            )
        charset = (request.content_params or {}).get("charset", "utf-8").lower()
        if charset not in {"utf-8", "utf8"}:
            return Problem(
                415,
                _("Send the body in UTF-8."),
                code="unsupported-media-type",
                invalid_params=[InvalidParam("Content-Type", f"charset {charset}", "charset")],
            )
    if media == "multipart/form-data":
        _type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
        boundary = params.get("boundary", "")
        if not boundary or not MultiPartParser.boundary_re.fullmatch(boundary):
            return _bad_request(
                "Content-Type",
                _("The form could not be read. Reload the page and try again."),
                "multipart/form-data without a valid boundary",
                "invalid",
            )
    return None


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = check_request(request)
        if problem is not None:
            log.info("refused %s %s: %s", request.method, request.path[:200], problem.code)
            return problem_page(request, problem)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        problem = problem_for(exc)
        if problem is None or isinstance(exc, Problem):
            return None
        log.warning("refused %s %s: %s", request.method, request.path[:200], type(exc).__name__)
        return problem_page(
            request,
            problem,
            _(
                "Something in what you sent is not possible: a number that is too large, a "
                "date too far away, or a character that cannot be used. Check what you filled "
                "in and try again."
            ),
        )
