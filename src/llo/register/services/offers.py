# SPDX-License-Identifier: EUPL-1.2
"""A provider's offers: create and change them (each change a new version with its prices),
and add or cancel start moments. Each use case is one transaction with its audit record,
and keeps the search index in step."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import InvalidParam, Problem
from llo.core.timeutil import now
from llo.regions.models import Gemeente
from llo.register import transitions
from llo.register.models import (
    Offer,
    Offering,
    OfferingState,
    OfferState,
    OfferType,
    OfferVersion,
    Opleider,
)
from llo.register.search import indexer
from llo.register.services import workflow
from llo.register.services.inputs import CONTENT_FIELDS, OfferingInput, OfferInput, check_input
from llo.register.store import offer_terms


@transaction.atomic
def create_offer(*, actor: audit.Actor, opleider: Opleider, data: OfferInput) -> Offer:
    check_input(data)
    _refuse_taken_code(opleider.pk, data.code)
    offer = Offer(opleider=opleider, state=OfferState.DRAFT, state_changed_at=now(), version=1)
    content = _save(offer, data, actor)
    audit.record(actor=actor, action="register.offer.created", subject=offer, after=content)
    return offer


@transaction.atomic
def update_offer(*, actor: audit.Actor, offer: Offer, data: OfferInput) -> Offer:
    """Change an offer: a new version. A published offer stays published when the checks
    pass cleanly; a blocking result refuses the change; a flag sends it back to review."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.state not in transitions.EDITABLE:
        raise Problem(
            409,
            _("You cannot change this offer now: it is being reviewed or removed."),
            code="offer-not-editable",
        )
    check_input(data)
    _refuse_taken_code(offer.opleider_id, data.code, but=offer)
    before = snapshot(offer)
    offer.version += 1
    content = _save(offer, data, actor)
    audit.record(
        actor=actor, action="register.offer.changed", subject=offer, before=before, after=content
    )
    workflow.after_edit(offer, actor)
    return offer


@transaction.atomic
def add_offering(*, actor: audit.Actor, offer: Offer, data: OfferingInput) -> Offering:
    if offer.state == OfferState.REMOVED:
        raise Problem(409, _("This offer has been removed."), code="offer-removed")
    if data.end_date and data.end_date < data.start_date:
        raise Problem(
            400,
            _("The end date is before the start date."),
            code="invalid-params",
            invalid_params=[InvalidParam("endDate", _("Before the start date."), "range")],
        )
    offering = _offering(offer, data)
    offering.save()
    audit.record(
        actor=actor,
        action="register.offering.added",
        subject=offering,
        after=audit.snapshot(offering),
    )
    if offer.state == OfferState.PUBLISHED:
        indexer.reindex([offer.pk])
    return offering


@transaction.atomic
def cancel_offering(*, actor: audit.Actor, offering: Offering) -> Offering:
    before = audit.snapshot(offering)
    offering.state = OfferingState.CANCELLED
    offering.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="register.offering.cancelled",
        subject=offering,
        before=before,
        after=audit.snapshot(offering),
    )
    if offering.offer.state == OfferState.PUBLISHED:
        indexer.reindex([offering.offer_id])
    return offering


def check_terms(*, actor: audit.Actor) -> offer_terms.Drift:
    """Compare the offer-term table with the offers' lists (``llo register_reindex`` does it
    every night). The use cases keep them equal; a list written past them (a shell, a script)
    shows here: the table is then written again from every offer's lists, with an audit record
    of what differed. Returns what differed (nothing, normally)."""
    with transaction.atomic():
        drift = offer_terms.drift()
        if not drift.none:
            rows = offer_terms.rebuild()
            audit.record(
                actor=actor,
                action="register.offer_terms.rebuilt",
                subject=("register.OfferTerm", ""),
                after={
                    "missing": drift.missing,
                    "extra": drift.extra,
                    "offers": list(drift.offers),
                    "rows": rows,
                },
            )
    return drift


# --- the content of an offer -------------------------------------------------------------------


def snapshot(offer: Offer, gemeenten: Iterable[str] | None = None) -> dict[str, Any]:
    """The content of an offer as stored in its version (``gemeenten``: its places when
    they are not saved yet)."""
    data: dict[str, Any] = {name: getattr(offer, name) for name in CONTENT_FIELDS}
    if data["study_load_value"] is not None:
        data["study_load_value"] = str(data["study_load_value"])
    data["price_cents"] = offer.price_cents
    data["part_of"] = offer.part_of_id
    codes = gemeenten if gemeenten is not None else offer.gemeenten.values_list("pk", flat=True)
    data["gemeenten"] = sorted(set(codes))
    return data


def apply(offer: Offer, data: OfferInput) -> None:
    """Put the provider's content on the offer (not saved); the price is the sum of its parts."""
    for name in CONTENT_FIELDS:
        setattr(offer, name, getattr(data, name))
    offer.title = offer.title.strip()
    offer.price_cents = offer.fee_cents + offer.exam_cents + offer.materials_cents


def _save(offer: Offer, data: OfferInput, actor: audit.Actor) -> dict[str, Any]:
    """Save the content, its occupations and skills as rows (``OfferTerm``), the places, the
    start moments when given, and the version; returns the content as the version keeps
    it."""
    apply(offer, data)
    offer.part_of = _programme(offer, data.part_of_code)
    offer.save()
    # The occupations and skills as rows too (the regions' gap and portfolio read them).
    offer_terms.replace([offer.pk])
    offer.gemeenten.set(Gemeente.objects.filter(pk__in=data.gemeenten))
    if data.offerings is not None:
        offer.offerings.all().delete()
        Offering.objects.bulk_create([_offering(offer, o) for o in data.offerings])
    content = snapshot(offer, data.gemeenten)
    OfferVersion.objects.create(
        offer=offer,
        number=offer.version,
        created_at=now(),
        actor=actor.name,
        fee_cents=offer.fee_cents,
        exam_cents=offer.exam_cents,
        materials_cents=offer.materials_cents,
        price_cents=offer.price_cents,
        vat_exempt=offer.vat_exempt,
        snapshot=content,
    )
    return content


def _refuse_taken_code(opleider_id: int, code: str, but: Offer | None = None) -> None:
    """A provider's codes are unique (the import matches offers on them)."""
    if but is not None and code == but.code:
        return
    taken = Offer.objects.filter(opleider_id=opleider_id, code=code)
    if but is not None:
        taken = taken.exclude(pk=but.pk)
    if taken.exists():
        raise Problem(
            409,
            _("You already have an offer with this code."),
            code="offer-exists",
            invalid_params=[InvalidParam("code", _("Already in use."), "unique")],
        )


def _programme(offer: Offer, code: str) -> Offer | None:
    """The provider's programme with this code that the offer is a part of (never itself)."""
    if not code:
        return None
    parent = Offer.objects.filter(
        opleider_id=offer.opleider_id, code=code, offer_type=OfferType.PROGRAMME
    ).first()
    if parent is None:
        raise Problem(
            400,
            _("You have no programme with this code."),
            code="invalid-params",
            invalid_params=[InvalidParam("partOf", _("Unknown programme code."), "unknown")],
        )
    return None if offer.pk is not None and parent.pk == offer.pk else parent


def _offering(offer: Offer, data: OfferingInput) -> Offering:
    return Offering(
        offer=offer,
        code=data.code,
        start_date=data.start_date,
        end_date=data.end_date,
        capacity=data.capacity,
        state=data.state,
    )
