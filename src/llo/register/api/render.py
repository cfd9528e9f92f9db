# SPDX-License-Identifier: EUPL-1.2
"""Translations between the API's camelCase shapes (:mod:`.schemas`) and the register's own
objects: offers, providers and check results out; search parameters and offers in."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from llo.core.money import Money, MoneyError
from llo.core.problems import InvalidParam, invalid
from llo.core.timeutil import today
from llo.register import checks, selectors, terms, transitions
from llo.register.api.schemas import OfferIn, OfferingIn, SearchParams
from llo.register.models import Offer, Offering, Opleider
from llo.register.search import SearchQuery, SearchResult
from llo.register.services.access import workflow_actor
from llo.register.services.inputs import OfferingInput, OfferInput
from llo.skills import selectors as skill_selectors

# --- out ---------------------------------------------------------------------------------------


def check_out(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": str(result.get("code", "")),
        "severity": str(result.get("severity", "")),
        "field": str(result.get("field", "")),
        "message": checks.message(result),
    }


def provider_ref(opleider: Opleider) -> dict[str, Any]:
    organisation = opleider.organisation
    return {"kvk": organisation.kvk, "name": organisation.name, "kind": opleider.kind}


def offering_out(offering: Offering) -> dict[str, Any]:
    return {
        "id": offering.pk,
        "code": offering.code,
        "startDate": offering.start_date,
        "endDate": offering.end_date,
        "capacity": offering.capacity,
        "state": offering.state,
    }


def offer_out(offer: Offer) -> dict[str, Any]:
    load = None
    if offer.study_load_value is not None and offer.study_load_unit:
        load = {"value": float(offer.study_load_value), "studyLoadUnit": offer.study_load_unit}
    occ_names, skill_names = skill_selectors.names()
    return {
        "id": offer.pk,
        "ooapiId": str(offer.ooapi_id),
        "code": offer.code,
        "offerType": offer.offer_type,
        "title": offer.title,
        "description": offer.description,
        "formal": offer.formal,
        "levelOfQualification": offer.level,
        "levelBasis": offer.level_basis,
        "studyLoad": load,
        "leadsTo": offer.leads_to,
        "partOf": offer.part_of_id,
        "unitCode": offer.unit_code,
        "skills": [str(s) for s in offer.skills or []],
        "skillLabels": [skill_names.get(str(s), str(s)) for s in offer.skills or []],
        "occupations": [str(s) for s in offer.occupations or []],
        "occupationLabels": [occ_names.get(str(s), str(s)) for s in offer.occupations or []],
        "learningOutcomes": [str(o) for o in offer.learning_outcomes or []],
        "assessmentType": offer.assessment_type,
        "qualityAssurance": offer.quality_assurance,
        "language": offer.language,
        "modesOfDelivery": list(offer.modes or []),
        "online": offer.online,
        "places": [
            {"gemeenteCode": g.pk, "gemeente": g.name, "regionCode": g.region_id}
            for g in offer.gemeenten.all()
        ],
        "feeCents": offer.fee_cents,
        "examFeeCents": offer.exam_cents,
        "materialsCents": offer.materials_cents,
        "priceCents": offer.price_cents,
        "price": Money(offer.price_cents).format(),
        "vatExempt": offer.vat_exempt,
        "legalStatus": offer.legal_status,
        "state": offer.state,
        "removalReason": offer.removal_reason,
        "version": offer.version,
        "provider": provider_ref(offer.opleider),
        "offerings": [offering_out(o) for o in offer.offerings.all()],
    }


def offer_detail(user: Any, offer: Offer) -> dict[str, Any]:
    """An offer; for its provider and register staff also the checks and the workflow steps
    the user may take."""
    data = offer_out(offer)
    if selectors.may_manage(user, offer):
        data["checks"] = [check_out(r) for r in offer.checks or []]
        who = workflow_actor(user)
        data["allowedActions"] = transitions.allowed_actions(offer.state, who) if who else []
    return data


def provider_out(p: Opleider) -> dict[str, Any]:
    return {
        **provider_ref(p),
        "funded": p.funded,
        "institutionCode": p.institution_code,
        "status": p.status,
        "statusReason": p.status_reason,
        "qualityMarks": [
            {
                "kind": m.kind,
                "label": str(m.get_kind_display()),
                "reference": m.reference,
                "validFrom": m.valid_from,
                "validUntil": m.valid_until,
                "validToday": valid,
            }
            for m, valid in selectors.quality_marks(p, today())
        ],
        "publishedOffers": selectors.published_offer_count(p),
    }


def search_out(result: SearchResult, params: SearchParams) -> dict[str, Any]:
    return {
        "total": result.total,
        "totalIsExact": result.total_exact,
        "countsExact": result.counts_exact,
        "page": params.page,
        "pageSize": params.pageSize,
        "pages": result.pages,
        "corrections": [{"typed": a, "searchedFor": b} for a, b in result.corrections],
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in result.facets.items()
        },
        "items": [offer_out(o) for o in result.offers],
    }


def version_out(v: selectors.PriceVersion) -> dict[str, Any]:
    return {
        "version": v.version,
        "savedAt": v.saved_at,
        "feeCents": v.fee_cents,
        "examCents": v.exam_cents,
        "materialsCents": v.materials_cents,
        "priceCents": v.price_cents,
        "vatExempt": v.vat_exempt,
    }


def review_item_out(offer: Offer) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "title": offer.title,
        "provider": provider_ref(offer.opleider),
        "submittedAt": offer.state_changed_at,
        "checks": [check_out(r) for r in offer.checks or []],
    }


# --- in ----------------------------------------------------------------------------------------


def query_from(params: SearchParams) -> SearchQuery:
    max_price = None
    if params.maxPrice not in (None, ""):
        try:
            max_price = Money.from_decimal(str(params.maxPrice)).cents
        except MoneyError as exc:
            raise invalid(
                _("The request has invalid parameters."),
                [InvalidParam("maxPrice", _("Give an amount in euros, like 1000 or 999.50."))],
            ) from exc
    return SearchQuery(
        text=params.q,
        levels=tuple(v.value for v in params.level),
        offer_types=tuple(v.value for v in params.offerType),
        modes=tuple(v.value for v in params.mode),
        provider_kinds=tuple(v.value for v in params.providerKind),
        leads_to=tuple(v.value for v in params.leadsTo),
        regions=tuple(r.upper() for r in params.region),
        gemeenten=tuple(g.upper() for g in params.gemeente),
        include_online=params.includeOnline,
        max_price_cents=max_price,
        start_from=params.startFrom,
        start_to=params.startTo,
        skills=terms.filter_codes(params.skill, "skill"),
        occupations=terms.filter_codes(params.occupation, "occupation"),
        sort=params.sort,
        page=params.page,
        page_size=params.pageSize,
        facets=params.facets,
    )


def offering_input(payload: OfferingIn) -> OfferingInput:
    return OfferingInput(
        start_date=payload.startDate,
        end_date=payload.endDate,
        capacity=payload.capacity,
        code=payload.code,
        state=payload.state.value,
    )


def offer_input(payload: OfferIn) -> OfferInput:
    return OfferInput(
        code=payload.code.strip(),
        offer_type=payload.offerType.value,
        title=payload.title,
        description=payload.description,
        formal=payload.formal,
        level=payload.levelOfQualification.value,
        level_basis=payload.levelBasis.value,
        study_load_value=payload.studyLoad.value if payload.studyLoad else None,
        study_load_unit=payload.studyLoad.studyLoadUnit.value if payload.studyLoad else "",
        leads_to=payload.leadsTo.value,
        legal_status=payload.legalStatus.value,
        part_of_code=payload.partOf,
        unit_code=payload.unitCode,
        skills=[s.strip() for s in payload.skills if s.strip()],
        occupations=[s.strip() for s in payload.occupations if s.strip()],
        learning_outcomes=[o.strip() for o in payload.learningOutcomes if o.strip()],
        assessment_type=payload.assessmentType.value if payload.assessmentType else "",
        quality_assurance=payload.qualityAssurance.strip(),
        language=payload.language,
        modes=[m.value for m in payload.modesOfDelivery],
        online=payload.online,
        gemeenten=sorted({g.upper() for g in payload.gemeenten}),
        fee_cents=payload.feeCents,
        exam_cents=payload.examFeeCents,
        materials_cents=payload.materialsCents,
        vat_exempt=payload.vatExempt,
        offerings=(
            [offering_input(o) for o in payload.offerings]
            if payload.offerings is not None
            else None
        ),
    )
