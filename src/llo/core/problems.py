# SPDX-License-Identifier: EUPL-1.2
"""Problems: errors that reach a user, shaped as RFC 9457 problem details.

A service raises a :class:`Problem`; the API turns it into ``application/problem+json`` and a
page shows its ``detail`` beside the form. ``invalid_params`` follows the NL API Design Rules
(``invalidParams``: name, code, reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from llo.core.identifiers import mask_bsns

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://llo.example.nl/problems/"


@dataclass(frozen=True)
class InvalidParam:
    name: str
    reason: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "reason": mask_bsns(self.reason)}


@dataclass
class Problem(Exception):
    status: int
    detail: str
    title: str = ""
    code: str = ""
    invalid_params: list[InvalidParam] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.detail)
        if not self.title:
            self.title = HTTPStatus(self.status).phrase
        if not self.code:
            self.code = HTTPStatus(self.status).phrase.lower().replace(" ", "-").replace("'", "")

    def as_dict(self, instance: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
            # A BSN the client put where it does not belong is not sent back (issue 14).
            "detail": mask_bsns(self.detail),
            "code": self.code,
        }
        if instance:
            body["instance"] = mask_bsns(instance)
        if self.invalid_params:
            body["invalidParams"] = [p.as_dict() for p in self.invalid_params]
        body.update(self.extra)
        return body


def not_found(detail: str) -> Problem:
    return Problem(404, detail)


def conflict(detail: str, code: str = "conflict") -> Problem:
    return Problem(409, detail, code=code)


def invalid(detail: str, params: list[InvalidParam]) -> Problem:
    return Problem(400, detail, code="invalid-params", invalid_params=params)


def problem_for(exc: BaseException) -> Problem | None:
    """The 4xx for an error that bad input caused below the checks, or None for a real fault.

    These are the 500s of issue 14 (finding 7): a request body Django could not read, JSON or
    data nested deeper than Python recurses, a number or date the database cannot hold, text
    PostgreSQL refuses (NUL), a CSV the reader cannot split. Nothing was written in any of
    them (each use case is one transaction), so the answer is "your input", not "our fault".
    The checks in front (llo.core.textguard, the request guard, the schemas) catch them
    earlier with a more specific message; this is the net under them.
    """
    import csv

    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
    from django.db import DataError
    from django.http import UnreadablePostError
    from django.http.multipartparser import MultiPartParserError
    from django.http.request import RawPostDataException

    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, RequestDataTooBig):
        return Problem(
            413, "The request is larger than llo reads at this address.", code="too-large"
        )
    if isinstance(
        exc,
        MultiPartParserError
        | TooManyFieldsSent
        | TooManyFilesSent
        | UnreadablePostError
        | RawPostDataException,
    ):
        return Problem(400, "The request body could not be read.", code="unreadable-body")
    if isinstance(exc, RecursionError):
        return Problem(400, "The input is nested too deep.", code="too-deep")
    if isinstance(exc, UnicodeDecodeError):
        return Problem(400, "The input is not UTF-8 text.", code="encoding")
    if isinstance(exc, csv.Error):
        return Problem(400, f"The CSV file could not be read: {exc}", code="csv")
    if isinstance(exc, OverflowError) or (
        isinstance(exc, DataError) and "out of range" in str(exc).lower()
    ):
        return Problem(400, "A number or date in the input is out of range.", code="out-of-range")
    if isinstance(exc, DataError | ValueError) and "nul" in str(exc).lower() and "0x00" in str(exc):
        return Problem(400, "The input contains a NUL character.", code="invalid-text")
    return None
