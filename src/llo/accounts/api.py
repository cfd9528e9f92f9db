# SPDX-License-Identifier: EUPL-1.2
"""The learning-accounts API: budgets, deposits, rights, funding plans (NL API Design Rules).

A funder's own system does here what a funder's staff does on the pages: create a budget with
conditions, deposit to persons (one request may carry 100,000 deposits, or a CSV file), and
see use. Every operation that moves money is idempotent through an ``Idempotency-Key``
header: a retry returns the first answer; the same key with another body is 409.

Mounted by ``llo.api.api`` with ``api.add_router("", "llo.accounts.api.router")``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import StrictInt, model_validator

from llo.accounts import selectors, services
from llo.accounts.access import FUNDER_ROLES, actor_of
from llo.accounts.models import (
    AllocationPolicy,
    Budget,
    Funder,
    Portability,
    Right,
)
from llo.accounts.plan import funding_plan, published_offer, register_offer_plan
from llo.core import jobs
from llo.core.idempotency import KEY_HEADER, IdempotencyKey, idempotent
from llo.core.identifiers import IdentifierError, Level, validate_bsn
from llo.core.money import MAX_CENTS, Money
from llo.core.problems import InvalidParam, Problem, invalid, not_found
from llo.core.roles import Role
from llo.core.timeutil import today
from llo.core.vocabulary import OfferType, Purpose
from llo.people.models import Employment, Person
from llo.schemes.facts import OfferFacts

router = Router(tags=["accounts"])

Cents = Annotated[
    StrictInt,
    Field(
        gt=0,
        le=MAX_CENTS,
        description="Euro cents, a whole number above 0 and at most 10^12 (€10 billion).",
    ),
]


# --- conditions in camelCase ------------------------------------------------------------------

_CAMEL = {
    "max_level": "maxLevel",
    "offer_types": "offerTypes",
    "occupations": "occupations",
    "regions": "regions",
    "purposes": "purposes",
    "labour_positions": "labourPositions",
    "sectors": "sectors",
    "cost_components": "costComponents",
    "co_payment_pct": "coPaymentPct",
    "co_payment_above_level": "coPaymentAboveLevel",
    "valid_from": "validFrom",
    "valid_until": "validUntil",
    "accumulation_cap_cents": "accumulationCapCents",
    "max_per_offer_cents": "maxPerOfferCents",
    "subsidiary": "subsidiary",
}
_SNAKE = {camel: snake for snake, camel in _CAMEL.items()}


class ConditionsSchema(Schema):
    """A funder's conditions; leave a field out for "no condition"."""

    maxLevel: Level | None = None
    offerTypes: list[str] | None = None
    occupations: list[str] | None = Field(
        None,
        description='ISCO-08 groups of 1 to 4 digits, as text: "7212" (welders) or "72" (every '
        "occupation in metal and machines); an offer meets one when its occupation lies in it.",
    )
    regions: list[str] | None = Field(None, description="Labour-market regions, AMnn.")
    purposes: list[str] | None = Field(None, description="work, grow or switch.")
    labourPositions: list[str] | None = None
    sectors: list[str] | None = None
    costComponents: list[str] | None = None
    coPaymentPct: Annotated[StrictInt, Field(ge=0, le=100)] | None = None
    coPaymentAboveLevel: Level | None = None
    validFrom: dt.date | None = None
    validUntil: dt.date | None = None
    accumulationCapCents: Cents | None = None
    maxPerOfferCents: Cents | None = None
    subsidiary: bool | None = None


def conditions_to_snake(conditions: ConditionsSchema | None) -> dict[str, Any]:
    if conditions is None:
        return {}
    data = conditions.model_dump(exclude_none=True, mode="json")
    return {_SNAKE[key]: value for key, value in data.items()}


def conditions_to_camel(conditions: dict[str, Any]) -> dict[str, Any]:
    return {_CAMEL.get(key, key): value for key, value in conditions.items()}


# --- schemas ---------------------------------------------------------------------------------


class BudgetIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    totalCents: Cents
    periodStart: dt.date
    periodEnd: dt.date
    conditions: ConditionsSchema | None = None
    scheme: str = Field("", max_length=50)
    allocationPolicy: AllocationPolicy = AllocationPolicy.FIRST_COME
    amountPerPersonCents: Cents | None = None
    rightKind: Literal["money", "voucher"] = "money"
    rightValidityMonths: Annotated[StrictInt, Field(ge=1, le=240)] = 24
    portability: Portability = Portability.PERSON


class FunderOut(Schema):
    kvk: str
    name: str
    kind: str


class UseOut(Schema):
    leftCents: int
    inRightsCents: int
    reservedCents: int
    paidCents: int
    returnedCents: int
    depositedCents: int
    persons: int
    rights: int
    expiringSoonCents: int


class BudgetOut(Schema):
    id: int
    name: str
    funder: FunderOut
    scheme: str
    conditions: dict[str, Any]
    totalCents: int
    periodStart: dt.date
    periodEnd: dt.date
    allocationPolicy: str
    amountPerPersonCents: int | None
    rightKind: str
    rightValidityMonths: int
    portability: str
    use: UseOut


class DepositIn(Schema):
    personId: StrictInt | None = Field(None, gt=0)
    bsn: str | None = Field(None, description="Instead of personId: the BSN (11-proef).")
    amountCents: Cents
    validUntil: dt.date | None = None

    @model_validator(mode="after")
    def _one_person(self) -> DepositIn:
        if (self.personId is None) == (self.bsn is None):
            raise ValueError("give either personId or bsn")
        return self


class DepositsIn(Schema):
    deposits: list[DepositIn] = Field(..., min_length=1, max_length=100_000)
    mode: services.BulkMode = services.BulkMode.ALL_OR_NOTHING
    date: dt.date | None = Field(None, description="Deposit date; today by default.")


class RejectedOut(Schema):
    line: int
    field: str
    reason: str


class DepositReport(Schema):
    transactionId: int | None
    created: int
    totalCents: int
    rejected: list[RejectedOut]


class RightOut(Schema):
    id: int
    personId: int
    kind: str
    funder: str
    budgetId: int | None
    balanceCents: int | None
    infoAmountCents: int | None
    validFrom: dt.date
    validUntil: dt.date | None
    status: str
    portability: str
    conditions: dict[str, Any]


class TransferIn(Schema):
    newEmploymentId: StrictInt | None = Field(None, description="Empty: no new employer.")
    employersAgree: bool = False
    date: dt.date | None = None


class TransferOut(Schema):
    outcome: str
    rightId: int
    transactionId: int | None


class PriceComponents(Schema):
    """The price of a training in euro cents, VAT included: fee, exam, books and materials."""

    tuition: StrictInt = Field(0, ge=0, le=2_000_000_000)
    exam: StrictInt = Field(0, ge=0, le=2_000_000_000)
    materials: StrictInt = Field(0, ge=0, le=2_000_000_000)


class PlanOfferIn(Schema):
    """An offer as the funding plan needs it (not the register's OfferIn)."""

    title: str = Field("", max_length=300)
    priceComponents: PriceComponents
    level: Level
    offerType: OfferType = OfferType.COURSE
    # The occupations an offer leads to are unit groups (4 digits): a shorter code is a
    # group of many occupations, which a funder may list but a training does not lead to.
    occupations: list[Annotated[str, Field(pattern=r"^\d{4}$")]] = Field(
        [],
        max_length=3,
        description="ISCO-08 unit groups (4 digits) of the occupations it leads to (at most 3).",
    )
    purpose: Purpose | None = Field(None, description="Why you follow it; empty: not said yet.")


class PlanIn(Schema):
    """Either an offer of the register (``offerId``: its price is yours, after the exemptions
    your provider accepted) or an offer you describe (``offer``), not both."""

    offer: PlanOfferIn | None = None
    offerId: StrictInt | None = Field(
        None, description="An offer of the register (GET /api/v1/offers); instead of offer."
    )
    date: dt.date | None = None

    @model_validator(mode="after")
    def _one_offer(self) -> PlanIn:
        if (self.offer is None) == (self.offerId is None):
            raise ValueError("give either offer or offerId, not both")
        return self


class PlanLineOut(Schema):
    rightId: int
    funder: str
    budget: str
    amountCents: int
    balanceCents: int
    validUntil: dt.date | None
    reason: str
    text: str
    missing: list[str] = Field(
        [], description="Facts this right's decision still needs (reason 'unknown')."
    )


class PlanReductionOut(Schema):
    code: str = Field(description="What lowers the price: 'exemption' (a vrijstelling).")
    component: str
    amountCents: int
    subject: str = Field(description="For an exemption: the unit of the programme.")
    text: str


class PlanOut(Schema):
    priceCents: int = Field(description="Your price: after the reductions below.")
    fullPriceCents: int = Field(description="The offer's price before the reductions.")
    reductions: list[PlanReductionOut]
    fundedCents: int
    ownCents: int
    ownText: str
    lines: list[PlanLineOut]


# --- helpers ---------------------------------------------------------------------------------


def funder_of(request: HttpRequest, *, create: bool = False) -> Funder | None:
    """The funder the logged-in user acts for; 403 for other roles."""
    user = request.user
    org = getattr(user, "organisation", None)
    if getattr(user, "role", None) not in FUNDER_ROLES or org is None:
        raise Problem(
            403, "Only a funder (employer, fund, municipality, UWV) may do this.", code="forbidden"
        )
    if create:
        return services.ensure_funder(org, actor=actor_of(request))
    return selectors.funder_of(org)


def own_budget(request: HttpRequest, budget_id: int) -> Budget:
    budget = selectors.budget_of(funder_of(request), budget_id)
    if budget is None:
        raise not_found("There is no budget with this number for your organisation.")
    return budget


def budget_out(budget: Budget) -> dict[str, Any]:
    use = selectors.budget_use(budget)
    org = budget.funder.organisation
    return {
        "id": budget.pk,
        "name": budget.name,
        "funder": {"kvk": org.kvk, "name": org.name, "kind": budget.funder.kind},
        "scheme": budget.scheme,
        "conditions": conditions_to_camel(budget.conditions),
        "totalCents": budget.total_cents,
        "periodStart": budget.period_start,
        "periodEnd": budget.period_end,
        "allocationPolicy": budget.allocation_policy,
        "amountPerPersonCents": budget.amount_per_person_cents,
        "rightKind": budget.right_kind,
        "rightValidityMonths": budget.right_validity_months,
        "portability": budget.portability,
        "use": {
            "leftCents": use.left,
            "inRightsCents": use.in_rights,
            "reservedCents": use.reserved,
            "paidCents": use.paid,
            "returnedCents": use.returned,
            "depositedCents": use.deposited,
            "persons": use.persons,
            "rights": use.rights,
            "expiringSoonCents": use.expiring_soon,
        },
    }


def report_out(result: services.BulkResult) -> dict[str, Any]:
    return {
        "transactionId": result.transaction_id,
        "created": result.created,
        "totalCents": result.total_cents,
        "rejected": [
            {"line": e.line, "field": e.field, "reason": e.reason} for e in result.rejected
        ],
    }


def right_out(right: Right, balances: dict[int, int]) -> dict[str, Any]:
    return {
        "id": right.pk,
        "personId": right.person_id,
        "kind": right.kind,
        "funder": right.funder.organisation.name,
        "budgetId": right.budget_id,
        "balanceCents": balances.get(right.pk),
        "infoAmountCents": right.info_amount_cents,
        "validFrom": right.valid_from,
        "validUntil": right.valid_until,
        "status": right.status,
        "portability": right.portability,
        "conditions": conditions_to_camel(right.conditions),
    }


# --- operations ----------------------------------------------------------------------------


@router.get(
    "/budgets",
    response=list[BudgetOut],
    auth=django_auth,
    summary="The budgets of your organisation",
)
def list_budgets(request: HttpRequest) -> list[dict[str, Any]]:
    funder = funder_of(request)
    if funder is None:
        return []
    return [budget_out(b) for b in selectors.budgets_of(funder)]


@router.post(
    "/budgets",
    response={201: BudgetOut},
    auth=django_auth,
    summary="Create a budget with conditions",
)
@idempotent
def create_budget(
    request: HttpRequest, payload: BudgetIn, idempotency_key: IdempotencyKey = None
) -> Status:
    funder = funder_of(request, create=True)
    assert funder is not None
    budget = services.create_budget(
        actor=actor_of(request),
        funder=funder,
        name=payload.name,
        total=Money(payload.totalCents),
        period_start=payload.periodStart,
        period_end=payload.periodEnd,
        conditions=conditions_to_snake(payload.conditions),
        scheme=payload.scheme,
        allocation_policy=payload.allocationPolicy,
        amount_per_person=Money.optional(payload.amountPerPersonCents),
        right_kind=payload.rightKind,
        right_validity_months=payload.rightValidityMonths,
        portability=payload.portability,
    )
    return Status(201, budget_out(budget))


@router.get(
    "/budgets/{budgetId}", response=BudgetOut, auth=django_auth, summary="One budget and its use"
)
def get_budget(request: HttpRequest, budgetId: int) -> dict[str, Any]:
    return budget_out(own_budget(request, budgetId))


@router.post(
    "/budgets/{budgetId}/deposits",
    response={201: DepositReport},
    auth=django_auth,
    summary="Deposit into learning accounts (one, or many at once)",
)
@idempotent
def create_deposits(
    request: HttpRequest,
    budgetId: int,
    payload: DepositsIn,
    idempotency_key: IdempotencyKey = None,
) -> Status:
    budget = own_budget(request, budgetId)
    rows = [
        services.DepositRow(
            d.amountCents, person_id=d.personId, bsn=d.bsn or "", valid_until=d.validUntil, line=i
        )
        for i, d in enumerate(payload.deposits)
    ]
    bsn_errors = []
    for row in rows:
        if row.bsn:
            try:
                validate_bsn(row.bsn)
            except IdentifierError as exc:
                bsn_errors.append(InvalidParam(f"deposits[{row.line}].bsn", str(exc), "bsn"))
    if bsn_errors:
        raise invalid("Some BSNs are not valid. Nothing was deposited.", bsn_errors)
    names = {"person": "personId", "amount": "amountCents", "bsn": "bsn"}
    result = services.bulk_deposit(
        actor=actor_of(request),
        budget=budget,
        rows=rows,
        on=payload.date or today(),
        idempotency_key=_ledger_key(request),
        mode=payload.mode,
        field_name=lambda row, what: f"deposits[{row.line}].{names.get(what, what)}",
    )
    return Status(201, report_out(result))


def _ledger_key(request: HttpRequest) -> str | None:
    """The ledger's own idempotency key for an API request: unique per user and header key,
    so a retry that races its twin is stopped by the database as well."""
    key = request.headers.get(KEY_HEADER)
    return f"api:{request.user.pk}:{request.path}:{key.strip()}" if key else None


@router.post(
    "/budgets/{budgetId}/deposit-files",
    response={201: DepositReport, 202: jobs.JobAccepted},
    auth=django_auth,
    summary="Deposit from a CSV file (a large one as a background job: 202)",
    description=(
        "Columns: bsn or person_id; amount (euros) or amount_cents; valid_until (optional). "
        "Comma or semicolon separated, UTF-8."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
@idempotent
def create_deposit_file(
    request: HttpRequest,
    budgetId: int,
    mode: Query[services.BulkMode] = services.BulkMode.ALL_OR_NOTHING,
    idempotency_key: IdempotencyKey = None,
) -> Status:
    budget = own_budget(request, budgetId)
    try:
        text = request.body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise invalid(
            "The file is not UTF-8 text.",
            [InvalidParam("body", "save the file as CSV UTF-8", "encoding")],
        ) from None
    if jobs.too_large_for_a_request(len(request.body)):
        # A large file is deposited by `llo run_jobs`: 202 and the job to follow.
        job = jobs.enqueue(
            actor=actor_of(request),
            kind="accounts.deposit_file",
            owner=jobs.owner_of(request.user),
            params={
                "budget": budget.pk,
                "mode": str(mode),
                "idempotency_key": _ledger_key(request),
            },
            data=request.body,
        )
        return jobs.accepted(job)
    result = services.deposit_csv(
        actor=actor_of(request),
        budget=budget,
        text=text,
        idempotency_key=_ledger_key(request),
        mode=mode,
    )
    return Status(201, report_out(result))


@router.get("/rights", response=list[RightOut], auth=django_auth, summary="Learning rights")
def list_rights(
    request: HttpRequest,
    budgetId: int | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    """A citizen sees their own rights; a funder the rights paid from its budgets (and that
    read is logged with its purpose, DESIGN.md 4)."""
    user = request.user
    if getattr(user, "role", None) == Role.BURGER:
        page = selectors.rights_page(
            actor_of(request),
            person_id=getattr(user, "person_id", 0) or 0,
            offset=offset,
            limit=limit,
        )
    else:
        page = selectors.rights_page(
            actor_of(request),
            funder=funder_of(request),
            budget_id=budgetId,
            offset=offset,
            limit=limit,
        )
    return [right_out(r, page.balances) for r in page.rights]


@router.post(
    "/rights/{rightId}/transfers",
    response={201: TransferOut},
    auth=django_auth,
    summary="Move a right when its holder changes employer (seed 002)",
)
@idempotent
def transfer_right(
    request: HttpRequest,
    rightId: int,
    payload: TransferIn,
    idempotency_key: IdempotencyKey = None,
) -> Status:
    funder = funder_of(request)
    right = get_object_or_404(Right, pk=rightId, funder=funder) if funder else None
    if right is None:
        raise not_found("There is no right with this number that your organisation funds.")
    employment = None
    if payload.newEmploymentId is not None:
        employment = Employment.objects.filter(
            pk=payload.newEmploymentId, person_id=right.person_id
        ).first()
        if employment is None:
            raise invalid(
                "Unknown employment.",
                [
                    InvalidParam(
                        "newEmploymentId",
                        "no employment of this person with this number",
                        "unknown",
                    )
                ],
            )
    on = payload.date or today()
    if not right.is_valid_on(on):
        # A right moves within its own validity; another date broke a check constraint (500).
        until = right.valid_until.isoformat() if right.valid_until else "open"
        raise invalid(
            "The date is outside the right's validity.",
            [
                InvalidParam(
                    "date", f"between {right.valid_from.isoformat()} and {until}", "out-of-range"
                )
            ],
        )
    result = services.transfer_on_change_of_employer(
        actor=actor_of(request),
        right=right,
        new_employment=employment,
        employers_agree=payload.employersAgree,
        on=on,
        idempotency_key=_ledger_key(request),
    )
    return Status(
        201,
        {
            "outcome": result.outcome.value,
            "rightId": result.right.pk,
            "transactionId": result.transaction_id,
        },
    )


@router.post(
    "/funding-plans",
    response=PlanOut,
    auth=django_auth,
    summary="Who pays what for a training: your funding plan",
)
def create_funding_plan(request: HttpRequest, payload: PlanIn) -> dict[str, Any]:
    """Reads only (POST because the offer is a body). A citizen gets their own plan."""
    person_id = getattr(request.user, "person_id", None)
    if getattr(request.user, "role", None) != Role.BURGER or person_id is None:
        raise Problem(403, "Only a citizen can ask for their own funding plan.", code="forbidden")
    person = Person.objects.select_related("gemeente").get(pk=person_id)
    on = payload.date or today()
    if payload.offerId is not None:
        registered = published_offer(payload.offerId)
        if registered is None:
            raise invalid(
                "Unknown offer.",
                [InvalidParam("offerId", "no published offer with this number", "unknown")],
            )
        plan = register_offer_plan(person, registered, on)
    else:
        o = payload.offer
        assert o is not None  # PlanIn checks that one of the two is given
        offer = OfferFacts(
            level=o.level,
            offer_type=o.offerType,
            fee_cents=o.priceComponents.tuition,
            exam_cents=o.priceComponents.exam,
            materials_cents=o.priceComponents.materials,
            prices_include_vat=True,
            # An offer described by the person, not one of the register: the facts the
            # register would give are not known (a funder that asks for them cannot decide).
            in_register=None,
            quality_mark_valid=None,
            purpose=o.purpose,
            start_date=None,
            occupations=tuple(int(c) for c in o.occupations),
        )
        plan = funding_plan(person, offer, on, title=o.title)
    return {
        "priceCents": plan.price_cents,
        "fullPriceCents": plan.full_price_cents,
        "reductions": [
            {
                "code": r.code,
                "component": r.component,
                "amountCents": r.cents,
                "subject": r.subject,
                "text": r.text,
            }
            for r in plan.reductions
        ],
        "fundedCents": plan.funded_cents,
        "ownCents": plan.own_cents,
        "ownText": plan.own_text,
        "lines": [
            {
                "rightId": line.right_id,
                "funder": line.funder,
                "budget": line.budget,
                "amountCents": line.amount_cents,
                "balanceCents": line.balance_cents,
                "validUntil": line.valid_until,
                "reason": line.reason,
                "text": line.text,
                "missing": list(line.missing),
            }
            for line in plan.lines
        ],
    }
