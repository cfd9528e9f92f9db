# SPDX-License-Identifier: EUPL-1.2
"""Render problems as ``application/problem+json`` (RFC 9457, NL API Design Rules)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

from llo.core.problems import PROBLEM_CONTENT_TYPE, Problem


def problem_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    body = problem.as_dict(instance=request.path)
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False),
        status=problem.status,
        content_type=PROBLEM_CONTENT_TYPE,
    )
    return response


def pydantic_location(loc: Any) -> str:
    """``('body', 'payload', 'amount')`` → ``amount``; query and path keep their own name."""
    parts = [str(p) for p in loc]
    while parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "payload"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "data", "filters"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def known_error_problem(exc: BaseException) -> Problem | None:
    from llo.core.problems import problem_for

    return problem_for(exc)
