# SPDX-License-Identifier: EUPL-1.2
"""The enrolment API: applications, windows, enrolments and the open spending register.

Mounted by ``llo.api.api`` with ``api.add_router("", "llo.enrolment.api.router")``. Keys are
camelCase, errors problem+json (the API's handlers turn a Problem into one). A submission to a
window needs an ``Idempotency-Key``: the intake itself stores it, so a retry returns the first
entry and applies once, even when the twin runs at the same moment.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth
from ninja.utils import check_csrf
from pydantic import StrictInt

from llo.accounts import selectors as accounts_selectors
from llo.accounts.access import FUNDER_ROLES
from llo.accounts.models import Budget
from llo.core import audit, csvio
from llo.core.idempotency import KEY_HEADER, IdempotencyKey, idempotent
from llo.core.problems import InvalidParam, Problem, invalid, not_found
from llo.core.roles import Role
from llo.core.sessions import no_session_write
from llo.core.timeutil import now, today
from llo.enrolment import deciding, exports, selectors, services
from llo.enrolment.models import Application, Preview, Window
from llo.people.models import Person
from llo.register.models import Offering

router = Router(tags=["enrolment"])


def _actor(request: HttpRequest) -> audit.Actor:
    return audit.actor_of(request)


def _person(request: HttpRequest) -> Person:
    person = getattr(request.user, "person", None)
    if getattr(request.user, "role", None) != Role.BURGER or person is None:
        raise Problem(403, "Only a person applies for themselves here.", code="forbidden")
    return person


def _provider(request: HttpRequest) -> Any:
    org = getattr(request.user, "organisation", None)
    if getattr(request.user, "role", None) != Role.OPLEIDER or org is None:
        raise Problem(403, "Only a training provider does this.", code="forbidden")
    return org


class WindowOut(Schema):
    id: int
    budgetId: int
    name: str
    description: str
    scheme: str = Field(
        description="The rules that decide: a scheme's key, or 'funder' for the budget's "
        "own conditions."
    )
    schemeTitle: str
    schemeValidFrom: dt.date | None
    schemeValidUntil: dt.date | None
    state: Literal["coming", "open", "closed", "decided"]
    opensAt: dt.datetime
    closesAt: dt.datetime
    budgetCents: int
    grantedCents: int
    maxPerPersonCents: int | None
    policy: str
    thenPolicy: str
    priorityGroups: list[str]
    waitingList: bool
    seed: str
    trainingCap: int | None


def _window(w: Window) -> dict[str, Any]:
    rules = deciding.rules_of(w)
    return {
        "id": w.pk,
        "budgetId": w.budget_id,
        "name": w.name,
        "description": w.description,
        "scheme": rules.key,
        "schemeTitle": rules.title,
        "schemeValidFrom": rules.valid_from,
        "schemeValidUntil": rules.valid_until,
        "state": selectors.window_state(w),
        "opensAt": w.opens_at,
        "closesAt": w.closes_at,
        "budgetCents": w.budget_cents,
        "grantedCents": w.granted_cents,
        "maxPerPersonCents": w.max_per_person_cents,
        "policy": w.policy,
        "thenPolicy": w.then_policy,
        "priorityGroups": list(w.priority_groups or []),
        "waitingList": w.waiting_list,
        # The seed is published once the lottery ran, so anyone can re-run it.
        "seed": w.seed if w.allocated_at else "",
        "trainingCap": w.training_cap,
    }


@router.get("/windows", response=list[WindowOut], summary="Funding windows")
def windows(request: HttpRequest) -> list[dict[str, Any]]:
    return [_window(w) for w in selectors.windows(100)]


class WindowIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=1000)] = ""
    scheme: Annotated[
        str,
        Field(
            max_length=50,
            description="'funder' for the budget's own conditions, or a scheme of the rules "
            "engine the budget may run on ('stap', 'llo_regeling'). They must apply on every "
            "day of the window.",
        ),
    ]
    opensAt: dt.datetime
    closesAt: dt.datetime
    budgetCents: Annotated[StrictInt, Field(ge=1, le=10**12)]
    maxPerPersonCents: Annotated[StrictInt | None, Field(ge=1, le=10**12)] = None
    policy: Literal["fcfs", "lottery", "priority"]
    thenPolicy: Literal["fcfs", "lottery"] = "fcfs"
    priorityGroups: Annotated[list[str], Field(max_length=5)] = []
    trainingCap: Annotated[StrictInt | None, Field(ge=1, le=100_000)] = None
    waitingList: bool = True


def _funder(request: HttpRequest) -> Any:
    """The funder the user acts for, as accounts' API finds it: 403 for another role or no
    organisation; None for a funding organisation without budgets yet (then no budget or
    window is theirs: 404, as in the authorisation matrix)."""
    user = request.user
    org = getattr(user, "organisation", None)
    if getattr(user, "role", None) not in FUNDER_ROLES or org is None:
        raise Problem(403, "Only the funder of a budget does this.", code="forbidden")
    return accounts_selectors.funder_of(org)


@router.post(
    "/budgets/{budgetId}/windows",
    response={201: WindowOut},
    auth=django_auth,
    summary="Open a window on a budget (its rules must apply on every day of it)",
)
@idempotent
def open_window(
    request: HttpRequest, budgetId: int, payload: WindowIn, idempotency_key: IdempotencyKey = None
) -> Status:
    budget: Budget | None = accounts_selectors.budget_of(_funder(request), budgetId)
    if budget is None:
        raise not_found("There is no budget with this number for your organisation.")
    naive = [
        InvalidParam(name, "give the time with its offset, e.g. 2027-01-04T09:00:00+01:00", "naive")
        for name, value in (("opensAt", payload.opensAt), ("closesAt", payload.closesAt))
        if value.tzinfo is None
    ]
    if naive:
        raise invalid("A time needs its offset from UTC.", naive)
    window = services.open_window(
        actor=_actor(request),
        budget=budget,
        request=services.WindowRequest(
            name=payload.name,
            description=payload.description,
            scheme=payload.scheme,
            opens_at=payload.opensAt,
            closes_at=payload.closesAt,
            budget_cents=payload.budgetCents,
            max_per_person_cents=payload.maxPerPersonCents,
            policy=payload.policy,
            then_policy=payload.thenPolicy,
            priority_groups=tuple(payload.priorityGroups),
            training_cap=payload.trainingCap,
            waiting_list=payload.waitingList,
        ),
    )
    return Status(201, _window(window))


class TallyOut(Schema):
    count: int
    amountCents: int


class RefusedOut(TallyOut):
    reason: str


class WindowReportOut(Schema):
    window: WindowOut
    received: TallyOut
    undecided: TallyOut
    granted: TallyOut
    waiting: TallyOut
    refused: list[RefusedOut]
    duplicates: TallyOut
    leftCents: int
    budgetLeftCents: int


def _tally(t: selectors.Tally) -> dict[str, int]:
    return {"count": t.count, "amountCents": t.amount_cents}


@router.get(
    "/windows/{windowId}/report",
    response=WindowReportOut,
    auth=django_auth,
    summary="A funder's window: intake, allocation with reasons, money left",
)
def window_report(request: HttpRequest, windowId: int) -> dict[str, Any]:
    window = selectors.window_of_funder(_funder(request), windowId)
    if window is None:
        raise not_found("There is no window with this number for your organisation.")
    report = selectors.window_report(window, lines=0)
    return {
        "window": _window(window),
        "received": _tally(report.received),
        "undecided": _tally(report.undecided),
        "granted": _tally(report.granted),
        "waiting": _tally(report.waiting),
        "refused": [{"reason": reason, **_tally(t)} for reason, t in report.refused],
        "duplicates": _tally(report.duplicates),
        "leftCents": report.left_cents,
        "budgetLeftCents": report.budget_left_cents,
    }


class PreviewIn(Schema):
    offeringId: StrictInt
    windowId: StrictInt | None = None


class PreviewOut(Schema):
    id: int
    eligible: bool
    amountCents: int
    ownCents: int
    priceCents: int
    reasons: list[dict[str, Any]]
    plan: list[dict[str, Any]]


def _preview(p: Preview) -> dict[str, Any]:
    return {
        "id": p.pk,
        "eligible": p.eligible,
        "amountCents": p.amount_cents,
        "ownCents": p.own_cents,
        "priceCents": p.price_cents,
        "reasons": p.reasons,
        "plan": p.plan,
    }


@router.post(
    "/applications/previews",
    response={201: PreviewOut},
    auth=django_auth,
    summary="See the decision and plan before applying",
)
def make_preview(request: HttpRequest, payload: PreviewIn) -> Status:
    person = _person(request)
    offering = Offering.objects.filter(pk=payload.offeringId).first()
    if offering is None:
        raise not_found("There is no start date with this number.")
    window = Window.objects.filter(pk=payload.windowId).first() if payload.windowId else None
    shown = services.preview(
        actor=_actor(request), person=person, offering=offering, window=window, on=today()
    )
    return Status(201, _preview(shown))


class ConfirmIn(Schema):
    previewId: StrictInt
    amountCents: Annotated[StrictInt, Field(ge=0)]


class ApplicationOut(Schema):
    id: int
    receipt: str
    status: str
    offerId: int
    offeringId: int
    windowId: int | None
    amountCents: int
    ownCents: int
    appliedAt: dt.datetime
    statusReason: str


def _app(a: Application | selectors.ApplicationRow) -> dict[str, Any]:
    return {
        "id": a.id,
        "receipt": a.receipt,
        "status": a.status,
        "offerId": a.offer_id,
        "offeringId": a.offering_id,
        "windowId": a.window_id,
        "amountCents": a.amount_cents,
        "ownCents": a.own_cents,
        "appliedAt": a.applied_at,
        "statusReason": a.status_reason,
    }


def _own_preview(request: HttpRequest, preview_id: int) -> Preview:
    shown = (
        Preview.objects.select_related("person")
        .filter(pk=preview_id, person=_person(request))
        .first()
    )
    if shown is None:
        raise invalid(
            "Look at the plan first.", [InvalidParam("previewId", "unknown preview", "unknown")]
        )
    return shown


@router.post(
    "/applications",
    response={201: ApplicationOut},
    auth=django_auth,
    summary="Apply: reserve the money of the plan",
    description=(
        "Confirms a preview once: a second confirm of the same preview answers with the same "
        "application; another application for the same start date is refused with 409 "
        "`already-applied`, also when both arrive at the same moment. With an "
        "Idempotency-Key, a repeated request (even a concurrent one) gets the first answer "
        "byte for byte."
    ),
)
@idempotent
def apply(
    request: HttpRequest, payload: ConfirmIn, idempotency_key: IdempotencyKey = None
) -> Status:
    # The header is handled by the wrapper (the answer is stored per user); the ledger keys
    # come from the application, so two users' equal keys never meet in the ledger.
    shown = _own_preview(request, payload.previewId)
    app = services.apply(
        actor=_actor(request), shown=shown, amount_cents=payload.amountCents, on=today()
    )
    return Status(201, _app(app))


@router.get(
    "/applications", response=list[ApplicationOut], auth=django_auth, summary="My applications"
)
def my_applications(request: HttpRequest) -> list[dict[str, Any]]:
    return [_app(a) for a in selectors.applications_of(_person(request))]


@router.get(
    "/applications/{applicationId}",
    response=ApplicationOut,
    auth=django_auth,
    summary="One application",
)
def application(request: HttpRequest, applicationId: int) -> dict[str, Any]:
    app = Application.objects.filter(pk=applicationId, person=_person(request)).first()
    if app is None:
        raise not_found("There is no application with this number.")
    return _app(app)


class EntryOut(Schema):
    id: int
    windowId: int
    status: str
    replayed: bool


@router.post(
    "/windows/{windowId}/applications",
    response={202: EntryOut},
    auth=django_auth,
    summary="Apply in a window (needs Idempotency-Key)",
)
def submit(
    request: HttpRequest, windowId: int, payload: ConfirmIn, idempotency_key: IdempotencyKey = None
) -> Status:
    if not idempotency_key:
        raise invalid(
            "Send an Idempotency-Key header.",
            [InvalidParam("Idempotency-Key", "required", "required")],
        )
    # The role first (issue 14): another role learns nothing of which windows exist; an
    # unknown window is then 404 for a person (the full path below).
    person = _person(request)
    # The rush path (decision 013): no session write, one round trip on PostgreSQL.
    no_session_write(request)
    result = services.submit_fast(
        actor=_actor(request),
        window_id=windowId,
        person=person,
        preview_id=payload.previewId,
        amount_cents=payload.amountCents,
        idempotency_key=idempotency_key,
    )
    if result is None:  # anything but the common case: the full path, its answers
        window = Window.objects.filter(pk=windowId).first()
        if window is None:
            raise not_found("There is no window with this number.")
        shown = _own_preview(request, payload.previewId)
        result = services.submit(
            actor=_actor(request),
            window=window,
            shown=shown,
            amount_cents=payload.amountCents,
            idempotency_key=idempotency_key,
        )
    return Status(
        202,
        {
            "id": result.entry.pk,
            "windowId": windowId,
            "status": result.entry.outcome or "applied",
            "replayed": result.replayed,
        },
    )


class EntryPlaceOut(Schema):
    id: int
    windowId: int
    #: "applied" until the window decides, then the outcome (as the answer to the POST).
    status: str
    #: The application a grant made (null for any other outcome).
    applicationId: int | None
    #: Before the decision: applications decided before this one (null in a lottery, whose
    #: order the draw makes).
    ahead: int | None
    #: On the waiting list: how many wait before this one.
    waitingAhead: int | None
    receivedAt: dt.datetime


@router.get(
    "/windows/{windowId}/applications/{entryId}",
    response=EntryPlaceOut,
    auth=django_auth,
    summary="Where my application in a window stands",
)
def window_application(request: HttpRequest, windowId: int, entryId: int) -> dict[str, Any]:
    entry = selectors.own_entry(_person(request), windowId, entryId)
    if entry is None:
        raise not_found("There is no application with this number in this window for you.")
    place = selectors.place_of(entry)
    return {
        "id": entry.pk,
        "windowId": windowId,
        "status": entry.outcome or "applied",
        "applicationId": place.application.pk if place.application else None,
        "ahead": place.ahead,
        "waitingAhead": place.waiting_ahead,
        "receivedAt": entry.received_at,
    }


#: The one body the rush path reads itself: ``{"previewId": n, "amountCents": n}`` (either
#: order, JSON whitespace, plain non-negative integers of at most 15 digits, which are well
#: inside what the API's parser and schema accept). Any other body, also a valid one, goes
#: the API framework's way (its parser and schema, its answers).
_WS = rb"[ \t\n\r]*"
_INT = rb"(0|[1-9][0-9]{0,14})"
_LEAN_BODIES = (
    (re.compile(
        _WS + rb"\{" + _WS + rb'"previewId"' + _WS + rb":" + _WS + _INT + _WS + rb"," + _WS
        + rb'"amountCents"' + _WS + rb":" + _WS + _INT + _WS + rb"\}" + _WS
    ), 1, 2),
    (re.compile(
        _WS + rb"\{" + _WS + rb'"amountCents"' + _WS + rb":" + _WS + _INT + _WS + rb"," + _WS
        + rb'"previewId"' + _WS + rb":" + _WS + _INT + _WS + rb"\}" + _WS
    ), 2, 1),
)  # fmt: skip
_LEAN_KEY = re.compile(r"[!-~]{1,255}")
_LEAN_WINDOW = re.compile(r"[0-9]{1,18}")
_JSON_TYPES = frozenset({"application/json"})
_UTF8 = frozenset({"utf-8", "utf8"})


def _lean_body(body: bytes) -> tuple[int, int] | None:
    """(previewId, amountCents) of the plain body, or None for any other body."""
    for pattern, preview_at, amount_at in _LEAN_BODIES:
        found = pattern.fullmatch(body)
        if found is not None:
            return int(found[preview_at]), int(found[amount_at])
    return None


def submit_lean(request: HttpRequest, windowId: str) -> HttpResponse | None:
    """``POST /api/v1/windows/{windowId}/applications`` in a window rush (issue 18, decision
    013), without the API framework: the common case only, a logged-in person with a valid CSRF
    token, an Idempotency-Key and the plain body, whose application the lean intake takes or
    replays. Its answer is byte for byte the one :func:`submit` gives. None for anything else,
    before anything was written: the caller then lets :func:`submit` answer (its checks, in
    its order, its problems)."""
    if request.method != "POST" or not _LEAN_WINDOW.fullmatch(windowId):
        return None
    user = request.user
    if not user.is_authenticated or getattr(user, "role", None) != Role.BURGER:
        return None
    person = getattr(user, "person", None)
    key = request.headers.get(KEY_HEADER)
    if person is None or key is None or not _LEAN_KEY.fullmatch(key):
        return None
    if (request.content_type or "").lower() not in _JSON_TYPES or (
        (request.content_params or {}).get("charset", "utf-8").lower() not in _UTF8
    ):
        return None
    read = _lean_body(request.body)
    if read is None:
        return None
    preview_id, amount_cents = read
    if check_csrf(request):  # refused: the API's check answers it (after the 401 check)
        return None
    no_session_write(request)
    window_id = int(windowId)
    result = services.submit_fast(
        actor=_actor(request),
        window_id=window_id,
        person=person,
        preview_id=preview_id,
        amount_cents=amount_cents,
        idempotency_key=key,
    )
    if result is None:
        return None
    # What ninja renders for EntryOut: json.dumps of the fields in the schema's order.
    body = json.dumps(
        {
            "id": result.entry.pk,
            "windowId": window_id,
            "status": result.entry.outcome or "applied",
            "replayed": result.replayed,
        }
    )
    return HttpResponse(body, status=202, content_type="application/json; charset=utf-8")


class EnrolIn(Schema):
    sessionsPlanned: Annotated[StrictInt, Field(gt=0)]


class AttendanceIn(Schema):
    attended: Annotated[StrictInt, Field(ge=0)]
    excused: Annotated[StrictInt, Field(ge=0)] = 0
    excusedReason: str = ""


class CompletionIn(Schema):
    credential: str = ""


def _provider_app(request: HttpRequest, application_id: int) -> tuple[Any, Application]:
    org = _provider(request)
    app = Application.objects.filter(pk=application_id, provider=org).first()
    if app is None:
        raise not_found("There is no application with this number for you.")
    return org, app


@router.post(
    "/enrolments/{applicationId}",
    response={201: ApplicationOut},
    auth=django_auth,
    summary="Provider: enrol a granted applicant",
)
def enrol(request: HttpRequest, applicationId: int, payload: EnrolIn) -> Status:
    org, app = _provider_app(request, applicationId)
    services.enrol(
        actor=_actor(request),
        provider=org,
        application=app,
        sessions_planned=payload.sessionsPlanned,
    )
    app.refresh_from_db()
    return Status(201, _app(app))


@router.post(
    "/enrolments/{applicationId}/start",
    response=ApplicationOut,
    auth=django_auth,
    summary="Provider: the training started (advance)",
)
def start(request: HttpRequest, applicationId: int) -> dict[str, Any]:
    org, app = _provider_app(request, applicationId)
    services.start(actor=_actor(request), provider=org, application=app, on=today())
    app.refresh_from_db()
    return _app(app)


@router.put(
    "/enrolments/{applicationId}/attendance",
    response=ApplicationOut,
    auth=django_auth,
    summary="Provider: report attendance",
)
def attendance(request: HttpRequest, applicationId: int, payload: AttendanceIn) -> dict[str, Any]:
    org, app = _provider_app(request, applicationId)
    services.report_attendance(
        actor=_actor(request),
        provider=org,
        application=app,
        attended=payload.attended,
        excused=payload.excused,
        excused_reason=payload.excusedReason,
    )
    return _app(app)


@router.post(
    "/enrolments/{applicationId}/completion",
    response=ApplicationOut,
    auth=django_auth,
    summary="Provider: completion with evidence",
)
def completion(request: HttpRequest, applicationId: int, payload: CompletionIn) -> dict[str, Any]:
    org, app = _provider_app(request, applicationId)
    services.complete(
        actor=_actor(request),
        provider=org,
        application=app,
        credential=payload.credential,
        on=today(),
    )
    app.refresh_from_db()
    return _app(app)


class SpendingRow(Schema):
    provider: str
    providerId: int
    offer: str
    offerId: int
    grants: int | None
    amountCents: int | None
    suppressed: bool


@router.get(
    "/spending",
    response=list[SpendingRow],
    summary="Public spending register (cells under 10 suppressed)",
)
def spending(request: HttpRequest, year: int | None = None) -> list[dict[str, Any]]:
    return exports.spending_records(selectors.spending(year or now().year))


@router.get(
    "/spending.csv",
    # The first address of the file, kept for links to it; documented as /spending/csv
    # (NL API Design Rules: a path's first segment is kebab-case, without a dot).
    include_in_schema=False,
    url_name="spending_csv_file",
)
@router.get(
    "/spending/csv",
    summary="Public spending register as CSV (cells under 10 suppressed)",
    openapi_extra={
        "responses": {
            200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}
        }
    },
)
def spending_csv(request: HttpRequest, year: int | None = None) -> HttpResponseBase:
    chosen = year or now().year
    return csvio.response(
        exports.spending_csv_text(chosen, selectors.spending(chosen)),
        f"llo-spending-{chosen}.csv",
    )
