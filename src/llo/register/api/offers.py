# SPDX-License-Identifier: EUPL-1.2
"""Offers in the API: the search, one offer and its price history, a provider's changes, start
moments, and the steps of the review workflow with the review queue of register staff."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import django_auth

from llo.core.problems import InvalidParam, Problem, invalid
from llo.register import selectors
from llo.register.api import render
from llo.register.api.schemas import (
    OfferDetailOut,
    OfferId,
    OfferIn,
    OfferingIn,
    OfferingOut,
    ReviewItemOut,
    SearchOut,
    SearchParams,
    TransitionIn,
    VersionOut,
)
from llo.register.search import SORTS, QueryError, SearchQuery, SearchResult, search
from llo.register.services import offers, workflow
from llo.register.services.access import actor_for, workflow_actor

router = Router(tags=["register"])


def run_search(query: SearchQuery) -> SearchResult:
    try:
        return search(query)
    except QueryError as exc:
        raise invalid(
            _("The request has invalid parameters."), [InvalidParam(exc.name, exc.reason)]
        ) from exc


# --- search and public reading --------------------------------------------------------------


@router.get(
    "/offers",
    response=SearchOut,
    summary="Search the register",
    description=(
        "Published offers. Dutch full text with stemming and typo tolerance, filters, "
        "facet counts (the count of a value is the number of results when you choose it), "
        f"sorting ({', '.join(SORTS)}) and pages. Ranking never depends on whether a "
        "provider is public or private."
    ),
)
def list_offers(request: HttpRequest, filters: Query[SearchParams]) -> dict[str, Any]:
    return render.search_out(run_search(render.query_from(filters)), filters)


@router.get(
    "/offers/{id}",
    response=OfferDetailOut,
    summary="One offer (published; all states for its provider and register staff)",
)
def get_offer(request: HttpRequest, id: OfferId) -> dict[str, Any]:
    return render.offer_detail(request.user, selectors.visible_offer(request.user, id))


@router.get(
    "/offers/{id}/versions",
    response=list[VersionOut],
    summary="Earlier versions and prices of an offer",
)
def offer_versions(request: HttpRequest, id: OfferId) -> list[dict[str, Any]]:
    offer = selectors.visible_offer(request.user, id)
    return [render.version_out(v) for v in selectors.price_history(offer)]


# --- a provider's changes -----------------------------------------------------------------------


@router.post(
    "/offers",
    response={201: OfferDetailOut},
    auth=django_auth,
    summary="Create an offer (as a draft) for your organisation",
)
def create_offer(request: HttpRequest, payload: OfferIn) -> Status:
    opleider = selectors.provider_of(request.user)
    if opleider is None:
        raise Problem(
            403, _("Only a training provider in the register may do this."), code="forbidden"
        )
    offer = offers.create_offer(
        actor=actor_for(request.user), opleider=opleider, data=render.offer_input(payload)
    )
    return Status(201, render.offer_detail(request.user, selectors.offer(offer.pk)))


@router.put(
    "/offers/{id}",
    response=OfferDetailOut,
    auth=django_auth,
    summary="Change your offer (a new version; earlier prices stay retrievable)",
)
def update_offer(request: HttpRequest, id: OfferId, payload: OfferIn) -> dict[str, Any]:
    offer = selectors.offer_for_provider(request.user, id)
    offers.update_offer(
        actor=actor_for(request.user), offer=offer, data=render.offer_input(payload)
    )
    return render.offer_detail(request.user, selectors.offer(offer.pk))


@router.post(
    "/offers/{id}/offerings",
    response={201: OfferingOut},
    auth=django_auth,
    summary="Add a start moment to your offer",
)
def add_offering(request: HttpRequest, id: OfferId, payload: OfferingIn) -> Status:
    offering = offers.add_offering(
        actor=actor_for(request.user),
        offer=selectors.offer_for_provider(request.user, id),
        data=render.offering_input(payload),
    )
    return Status(201, render.offering_out(offering))


# --- the review workflow ------------------------------------------------------------------------


@router.post(
    "/offers/{id}/transitions",
    response=OfferDetailOut,
    auth=django_auth,
    summary="Take a step in the review workflow",
    description=(
        "Provider: submit, retract, publish, withdraw, reopen. Register staff: approve, "
        "reject (each with a reason the provider reads), remove (with a public reason). "
        "Submitting runs the admission checks: a blocking result is a 422 with the reasons "
        "in invalidParams; a flag (a new provider, a price jump, a price per hour above "
        "EUR 150, a promise no course can keep, a price far from similar offers, leisure) "
        "leaves the offer submitted for register staff instead of approving it."
    ),
)
def offer_transition(request: HttpRequest, id: OfferId, payload: TransitionIn) -> dict[str, Any]:
    who = workflow_actor(request.user)
    offer = selectors.offer_for(request.user, id, who)
    workflow.transition(
        actor=actor_for(request.user),
        offer=offer,
        action=payload.action,
        who=who,
        reason=payload.reason,
    )
    return render.offer_detail(request.user, selectors.offer(offer.pk))


@router.get(
    "/review-queue",
    response=list[ReviewItemOut],
    auth=django_auth,
    summary="Offers waiting for review (register staff)",
)
def review_queue(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=100_000),
    pageSize: int = Query(50, ge=1, le=200),
) -> list[dict[str, Any]]:
    selectors.require_staff(request.user)
    items = selectors.review_queue()[(page - 1) * pageSize : page * pageSize]
    return [render.review_item_out(o) for o in items]
