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

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://llo.example.nl/problems/"


@dataclass(frozen=True)
class InvalidParam:
    name: str
    reason: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "reason": self.reason}


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
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            body["instance"] = instance
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
