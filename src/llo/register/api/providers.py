# SPDX-License-Identifier: EUPL-1.2
"""Providers in the API: the public list and page, admission, status and quality marks by
register staff, and a provider's own offers in every state."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.security import django_auth

from llo.register import selectors
from llo.register.api import render
from llo.register.api.schemas import (
    OfferOut,
    ProviderIn,
    ProviderOut,
    ProviderStatusIn,
    QualityMarkIn,
)
from llo.register.models import OfferState, ProviderStatus
from llo.register.services import providers
from llo.register.services.access import actor_for

router = Router(tags=["register"])


# --- public reading -----------------------------------------------------------------------------


@router.get("/providers", response=list[ProviderOut], summary="Training providers in the register")
def list_providers(
    request: HttpRequest,
    status: ProviderStatus | None = None,
    page: int = Query(1, ge=1, le=100_000),
    pageSize: int = Query(50, ge=1, le=200),
) -> list[dict[str, Any]]:
    found = selectors.providers(status.value if status is not None else "")
    return [render.provider_out(p) for p in found[(page - 1) * pageSize : page * pageSize]]


@router.get("/providers/{kvk}", response=ProviderOut, summary="One training provider")
def get_provider(request: HttpRequest, kvk: str) -> dict[str, Any]:
    return render.provider_out(selectors.provider_by_kvk(kvk))


# --- provider and staff actions -------------------------------------------------------------


@router.post(
    "/providers",
    response={201: ProviderOut},
    auth=django_auth,
    summary="Admit an organisation to the register (register staff)",
)
def create_provider(request: HttpRequest, payload: ProviderIn) -> Status:
    selectors.require_staff(request.user)
    opleider = providers.register_provider(
        actor=actor_for(request.user),
        organisation=selectors.organisation_by_kvk(payload.kvk),
        kind=payload.kind.value,
        funded=payload.funded,
        institution_code=payload.institutionCode,
    )
    return Status(201, render.provider_out(opleider))


@router.put(
    "/providers/{kvk}/status",
    response=ProviderOut,
    auth=django_auth,
    summary="Admit, suspend or remove a provider, with a public reason (register staff)",
)
def set_provider_status(
    request: HttpRequest, kvk: str, payload: ProviderStatusIn
) -> dict[str, Any]:
    selectors.require_staff(request.user)
    opleider = providers.set_provider_status(
        actor=actor_for(request.user),
        opleider=selectors.provider_by_kvk(kvk),
        status=payload.status.value,
        reason=payload.reason,
    )
    return render.provider_out(opleider)


@router.post(
    "/providers/{kvk}/quality-marks",
    response={201: ProviderOut},
    auth=django_auth,
    summary="Record a quality mark of a provider (register staff)",
)
def add_quality_mark(request: HttpRequest, kvk: str, payload: QualityMarkIn) -> Status:
    selectors.require_staff(request.user)
    opleider = selectors.provider_by_kvk(kvk)
    providers.add_quality_mark(
        actor=actor_for(request.user),
        opleider=opleider,
        kind=payload.kind.value,
        valid_from=payload.validFrom,
        valid_until=payload.validUntil,
        reference=payload.reference,
    )
    return Status(201, render.provider_out(opleider))


@router.get(
    "/providers/{kvk}/offers",
    response=list[OfferOut],
    auth=django_auth,
    summary="All offers of your organisation, in every state",
)
def provider_offers(
    request: HttpRequest,
    kvk: str,
    state: OfferState | None = None,
    page: int = Query(1, ge=1, le=100_000),
    pageSize: int = Query(50, ge=1, le=200),
) -> list[dict[str, Any]]:
    opleider = selectors.provider_for(request.user, kvk, staff_too=True)
    offers = selectors.provider_offers(opleider, state.value if state is not None else "")
    return [render.offer_out(o) for o in offers[(page - 1) * pageSize : page * pageSize]]
