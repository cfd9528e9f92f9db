# SPDX-License-Identifier: EUPL-1.2
"""Who am I, and registering persons (for register staff and source adapters)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth
from pydantic import field_validator

from llo.core import audit
from llo.core.identifiers import IdentifierError, Level, validate_bsn
from llo.core.problems import InvalidParam, Problem, conflict, invalid
from llo.core.roles import Role
from llo.core.timeutil import today
from llo.people import services
from llo.people.models import LabourPosition, Person
from llo.regions.models import Gemeente

router = Router(tags=["people"])


class MeOut(Schema):
    role: str
    displayName: str
    loginMethod: str
    assuranceLevel: str
    organisationKvk: str | None = None


@router.get("/me", response=MeOut, auth=django_auth, summary="The logged-in user")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    org = getattr(user, "organisation", None)
    return {
        "role": user.role,  # type: ignore[union-attr]
        "displayName": user.display_name,  # type: ignore[union-attr]
        "loginMethod": user.login_plugin,  # type: ignore[union-attr]
        "assuranceLevel": user.assurance_level,  # type: ignore[union-attr]
        "organisationKvk": org.kvk if org else None,
    }


class PersonIn(Schema):
    bsn: str = Field(..., description="BSN, 9 digits (11-proef)", examples=["999990111"])
    displayName: str = Field(..., min_length=1, max_length=200)
    birthDate: dt.date
    highestLevel: Level
    labourPosition: LabourPosition
    gemeenteCode: str = Field(..., pattern=r"^GM\d{4}$")

    @field_validator("bsn")
    @classmethod
    def _valid_bsn(cls, value: str) -> str:
        try:
            return validate_bsn(value)
        except IdentifierError as exc:
            raise ValueError(str(exc)) from exc


class PersonOut(Schema):
    id: int
    displayName: str
    birthDate: dt.date
    highestLevel: str
    labourPosition: str
    gemeenteCode: str
    regionCode: str


def _out(p: Person) -> dict[str, object]:
    return {
        "id": p.pk,
        "displayName": p.display_name,
        "birthDate": p.birth_date,
        "highestLevel": p.highest_level,
        "labourPosition": p.labour_position,
        "gemeenteCode": p.gemeente_id,
        "regionCode": p.gemeente.region_id,
    }


def _require_role(request: HttpRequest, *roles: Role) -> audit.Actor:
    user = request.user
    if getattr(user, "role", None) not in roles:
        raise Problem(403, "Your role may not register persons.", code="forbidden")
    return audit.Actor.of_user(user)


@router.post(
    "/persons",
    response={201: PersonOut},
    auth=django_auth,
    summary="Register a person (register staff)",
)
def register_person(request: HttpRequest, payload: PersonIn) -> Status:
    actor = _require_role(request, Role.BEHEER)
    bsn = payload.bsn  # validated by PersonIn
    if payload.birthDate > today():
        raise Problem(
            422,
            "A date of birth cannot be in the future.",
            code="birth-date-in-future",
            invalid_params=[InvalidParam("birthDate", "in the future", "date")],
        )
    if not Gemeente.objects.filter(code=payload.gemeenteCode).exists():
        raise invalid(
            "Unknown gemeente.",
            [InvalidParam("gemeenteCode", f"no gemeente {payload.gemeenteCode}", "unknown")],
        )
    if Person.objects.by_bsn(bsn) is not None:
        raise conflict("A person with this BSN is already registered.", code="person-exists")
    try:
        person = services.register_person(
            actor=actor,
            bsn=bsn,
            display_name=payload.displayName,
            birth_date=payload.birthDate,
            highest_level=payload.highestLevel,
            labour_position=payload.labourPosition,
            gemeente_code=payload.gemeenteCode,
        )
    except IntegrityError as exc:  # a concurrent registration of the same BSN
        raise conflict(
            "A person with this BSN is already registered.", code="person-exists"
        ) from exc
    return Status(201, _out(person))
