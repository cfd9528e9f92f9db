# SPDX-License-Identifier: EUPL-1.2
"""The credentials API: public verification and the list of issuers (no login), the wallet
(citizen), issuing and status changes (provider), the experience certificate (assessor).
Resolve, call one service or selector."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from llo.core import audit
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.roles import Role
from llo.credentials import selectors, services
from llo.credentials.models import Credential
from llo.enrolment.models import Enrolment

router = Router(tags=["credentials"])


class VerificationCheckOut(Schema):
    check: str
    outcome: str
    code: str
    reason: str
    detail: str


class VerificationOut(Schema):
    valid: bool
    form: str
    status: str
    checks: list[VerificationCheckOut]


class VerifyIn(Schema):
    #: The credential: JSON-LD (as an object or as text) or a VC-JOSE compact JWS.
    credential: Any


class IssuerOut(Schema):
    did: str
    name: str
    kvk: str
    status: str
    statusChangedAt: str | None
    kinds: list[str]


class CredentialOut(Schema):
    id: str
    title: str
    kind: str
    issuer: str
    issuerDid: str
    source: str
    state: str
    issuedAt: str


class IssueIn(Schema):
    enrolmentId: int


class EvcProcedureOut(Schema):
    id: int
    code: str
    title: str
    level: str


class EvcIn(Schema):
    """The assessor's decision at the end of an EVC procedure (the same as the page
    ``/certificaten/evc``): which procedure, which candidate (BSN and date of birth must both
    match), the day of the assessment, and that the standard was met."""

    procedureId: int = Field(description="One of your EVC procedures (GET evc-procedures).")
    bsn: str = Field(max_length=11, description="The candidate's BSN (9 digits).")
    birthDate: dt.date
    assessedOn: dt.date = Field(description="The day the assessor decided; not in the future.")
    confirmed: bool = Field(
        description="True: the candidate showed everything the procedure asks. Must be true."
    )


class StatusIn(Schema):
    action: str  # revoke | suspend | reinstate
    reason: str = ""


class ImportIn(Schema):
    credential: str


def _user(request: HttpRequest, role: Role) -> Any:
    user = request.user
    if not user.is_authenticated:
        raise Problem(401, "Log in first.")
    if getattr(user, "role", "") != role:
        raise Problem(403, "This role may not do this.")
    return user


def _actor(request: HttpRequest) -> audit.Actor:
    return audit.actor_of(request)


def _out(c: Credential) -> dict[str, Any]:
    return {
        "id": str(c.uuid),
        "title": c.title,
        "kind": c.kind,
        "issuer": c.issuer_name,
        "issuerDid": c.issuer_did,
        "source": c.source,
        "state": c.state,
        "issuedAt": c.issued_at.isoformat(),
    }


@router.post(
    "/credentials/verify",
    response=VerificationOut,
    summary="Verify a credential (no login)",
    auth=None,
)
def verify_credential(request: HttpRequest, payload: VerifyIn) -> dict[str, Any]:
    """Every check is named: signature, issuer, status, dates, schema. A broken credential
    gives ``valid: false`` with the reason, never an error."""
    data = payload.credential
    if not isinstance(data, str | dict):
        data = "" if data is None else str(data)
    return selectors.verify_text(data).as_json()


@router.get("/credentials/issuers", response=list[IssuerOut], summary="Issuers in the register")
def issuer_list(request: HttpRequest) -> list[dict[str, Any]]:
    """For offline verification: every provider's DID, register status and the kinds of
    credential it may issue."""
    return selectors.issuers()


@router.get(
    "/credentials/mine", response=list[CredentialOut], summary="My credentials", auth=django_auth
)
def my_credentials(request: HttpRequest) -> list[dict[str, Any]]:
    user = _user(request, Role.BURGER)
    return [_out(c) for c in selectors.wallet(user.person)]


@router.post(
    "/credentials/mine", response={201: CredentialOut}, summary="Add a credential", auth=django_auth
)
def import_mine(request: HttpRequest, payload: ImportIn) -> Status:
    user = _user(request, Role.BURGER)
    row = services.import_credential(
        actor=_actor(request), person=user.person, data=payload.credential
    )
    return Status(201, _out(row))


@router.get(
    "/credentials/mine/{credential_id}", summary="One credential (JSON-LD or JWT)", auth=django_auth
)
def my_credential(request: HttpRequest, credential_id: str, format: str = "jsonld") -> HttpResponse:
    user = _user(request, Role.BURGER)
    row = selectors.credential_of(user.person, credential_id)
    if row is None:
        raise Problem(404, "No such credential.")
    if format == "jwt":
        if not row.jwt:
            raise Problem(404, "This credential has no JWT form.")
        return HttpResponse(row.jwt, content_type="application/vc+jwt")
    if not row.document:
        raise Problem(404, "This credential has no JSON-LD form.")
    return HttpResponse(row.document, content_type="application/vc+ld+json")


@router.post(
    "/credentials/issued",
    response={201: CredentialOut},
    summary="Issue for an enrolment",
    auth=django_auth,
)
def issue(request: HttpRequest, payload: IssueIn) -> Status:
    user = _user(request, Role.OPLEIDER)
    enrolment = Enrolment.objects.filter(pk=payload.enrolmentId).first()
    if enrolment is None:
        raise Problem(404, "No such enrolment.")
    row = services.issue_for_enrolment(
        actor=_actor(request), provider=user.organisation, enrolment=enrolment
    )
    return Status(201, _out(row))


@router.post(
    "/credentials/issued/{credential_id}/status",
    response=CredentialOut,
    summary="Revoke, suspend or reinstate",
    auth=django_auth,
)
def change_status(request: HttpRequest, credential_id: str, payload: StatusIn) -> dict[str, Any]:
    user = _user(request, Role.OPLEIDER)
    row = selectors.credential_by_uuid(credential_id)
    if row is None or row.issuer_id != user.organisation.pk:
        raise Problem(404, "No such credential.")
    actor = _actor(request)
    if payload.action == "revoke":
        row = services.revoke(
            actor=actor, provider=user.organisation, credential=row, reason=payload.reason
        )
    elif payload.action == "suspend":
        row = services.suspend(
            actor=actor, provider=user.organisation, credential=row, reason=payload.reason
        )
    elif payload.action == "reinstate":
        row = services.reinstate(actor=actor, provider=user.organisation, credential=row)
    else:
        raise invalid(
            "Unknown action.",
            [InvalidParam("action", "Use revoke, suspend or reinstate.", "enum")],
        )
    return _out(row)


# --- the assessor (EVC) ------------------------------------------------------------------------


@router.get(
    "/credentials/evc-procedures",
    response=list[EvcProcedureOut],
    summary="Your EVC procedures (assessor)",
    auth=django_auth,
)
def evc_procedures(request: HttpRequest) -> list[dict[str, Any]]:
    """The EVC procedures of the assessor's organisation in the register."""
    user = _user(request, Role.ASSESSOR)
    return [
        {"id": o.pk, "code": o.code, "title": o.title, "level": o.level}
        for o in services.evc_procedures(user.organisation)
    ]


@router.post(
    "/credentials/evc-certificates",
    response={201: CredentialOut},
    summary="Give an experience certificate (assessor)",
    auth=django_auth,
)
def issue_evc(request: HttpRequest, payload: EvcIn) -> Status:
    """The ervaringscertificaat at the end of an EVC procedure, signed in both proof forms.
    Every refusal names its field (``invalidParams``): an unknown procedure, a BSN and date
    of birth that do not belong together (the answer does not say which one is wrong), a
    date in the future, a certificate given before, or ``confirmed`` not true."""
    user = _user(request, Role.ASSESSOR)
    if not payload.confirmed:
        raise invalid(
            "The certificate was not issued.",
            [InvalidParam("confirmed", "The assessor must confirm the decision.", "required")],
        )
    procedures = {o.pk: o for o in services.evc_procedures(user.organisation)}
    row = services.issue_evc(
        actor=_actor(request),
        provider=user.organisation,
        offer=procedures.get(payload.procedureId),
        bsn="".join(payload.bsn.split()),
        birth_date=payload.birthDate,
        assessed_on=payload.assessedOn,
    )
    return Status(201, _out(row))
