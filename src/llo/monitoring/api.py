# SPDX-License-Identifier: EUPL-1.2
"""A person's own data (AVG art. 15): everything llo holds about them, and who read it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from llo.core.audit import actor_of
from llo.core.problems import Problem
from llo.core.roles import Role
from llo.monitoring import person_data

router = Router(tags=["my data"])


def _own_person(request: HttpRequest) -> Any:
    person = getattr(request.user, "person", None)
    if getattr(request.user, "role", None) != Role.BURGER or person is None:
        raise Problem(403, "Only a citizen can ask for their own data.", code="forbidden")
    return person


@router.get(
    "/me/data",
    response=dict[str, Any],
    auth=django_auth,
    summary="Everything llo holds about me, as JSON (the download is logged)",
)
def my_data(request: HttpRequest) -> dict[str, Any]:
    return person_data.export(_own_person(request), actor=actor_of(request))


class ReadOut(Schema):
    at: str
    role: str
    organisation: str
    kvk: str
    purpose: str


@router.get(
    "/me/reads",
    response=list[ReadOut],
    auth=django_auth,
    summary="Who read my data: staff, advisers, funders and providers, newest first",
)
def my_reads(request: HttpRequest) -> list[dict[str, Any]]:
    return [read.as_json() for read in person_data.reads_of(_own_person(request))]
