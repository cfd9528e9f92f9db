# SPDX-License-Identifier: EUPL-1.2
"""Providers in the register: admission, quality marks and status (admitted, suspended,
removed). Each use case is one transaction with its audit record; a status change takes the
provider's published offers into or out of the search at once."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import InvalidParam, Problem
from llo.core.timeutil import now
from llo.people.models import Organisation, OrganisationKind
from llo.register.models import (
    OfferState,
    Opleider,
    ProviderKind,
    ProviderStatus,
    QualityMark,
    QualityMarkKind,
)
from llo.register.search import indexer


@transaction.atomic
def register_provider(
    *,
    actor: audit.Actor,
    organisation: Organisation,
    kind: str,
    funded: bool = False,
    institution_code: str = "",
) -> Opleider:
    if Opleider.objects.filter(organisation=organisation).exists():
        raise Problem(409, _("This provider is already in the register."), code="provider-exists")
    if organisation.kind != OrganisationKind.PROVIDER:
        raise Problem(
            422, _("Only a training provider can be in the register."), code="not-a-provider"
        )
    if kind not in ProviderKind.values:
        raise Problem(400, _("Choose public or private."), code="invalid-params")
    if kind == ProviderKind.PUBLIC and not institution_code.strip():
        raise Problem(
            422,
            _("A public provider needs its institution code (BRIN)."),
            code="institution-code-required",
            invalid_params=[InvalidParam("institutionCode", _("Fill this in."), "required")],
        )
    opleider = Opleider.objects.create(
        organisation=organisation,
        kind=kind,
        funded=funded,
        institution_code=institution_code.strip().upper(),
        status=ProviderStatus.ADMITTED,
        status_changed_at=now(),
    )
    audit.record(
        actor=actor,
        action="register.provider.registered",
        subject=opleider,
        after=audit.snapshot(opleider),
    )
    return opleider


@transaction.atomic
def add_quality_mark(
    *,
    actor: audit.Actor,
    opleider: Opleider,
    kind: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    reference: str = "",
) -> QualityMark:
    if kind not in QualityMarkKind.values:
        raise Problem(400, _("Unknown kind of quality mark."), code="invalid-params")
    if valid_until is not None and valid_until < valid_from:
        raise Problem(
            400,
            _("The end date is before the start date."),
            code="invalid-params",
            invalid_params=[InvalidParam("validUntil", _("Before valid from."), "range")],
        )
    mark = QualityMark.objects.create(
        opleider=opleider,
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        reference=reference,
    )
    audit.record(
        actor=actor, action="register.quality_mark.added", subject=mark, after=audit.snapshot(mark)
    )
    return mark


@transaction.atomic
def set_provider_status(
    *, actor: audit.Actor, opleider: Opleider, status: str, reason: str = ""
) -> Opleider:
    """Admit, suspend or remove a provider. Suspension and removal take all its offers out of
    the search at once, with a public reason."""
    if status not in ProviderStatus.values:
        raise Problem(400, _("Unknown status."), code="invalid-params")
    if status != ProviderStatus.ADMITTED and not reason.strip():
        raise Problem(
            422,
            _("Give a public reason."),
            code="reason-required",
            invalid_params=[InvalidParam("reason", _("Fill this in."), "required")],
        )
    before = audit.snapshot(opleider)
    opleider.status = status
    opleider.status_reason = reason.strip()
    opleider.status_changed_at = now()
    opleider.save(update_fields=["status", "status_reason", "status_changed_at"])
    audit.record(
        actor=actor,
        action="register.provider.status",
        subject=opleider,
        before=before,
        after=audit.snapshot(opleider),
    )
    published = opleider.offers.filter(state=OfferState.PUBLISHED).values_list("pk", flat=True)
    indexer.reindex(list(published))
    return opleider
