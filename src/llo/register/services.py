# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the register. The only place that changes register data: each use case runs
in one transaction that also writes the audit record and keeps the search index in step."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.identifiers import Level
from llo.core.problems import InvalidParam, Problem
from llo.core.roles import Role
from llo.core.timeutil import now, today
from llo.people.models import Organisation, OrganisationKind
from llo.regions.models import Gemeente
from llo.register import bulkio, checks, transitions
from llo.register.models import (
    LeadsTo,
    LegalStatus,
    LevelBasis,
    ModeOfDelivery,
    Offer,
    Offering,
    OfferingState,
    OfferState,
    OfferType,
    OfferVersion,
    Opleider,
    ProviderKind,
    ProviderStatus,
    QualityMark,
    QualityMarkKind,
    ReviewEvent,
    StudyLoadUnit,
)
from llo.register.search import indexer

# --- inputs -------------------------------------------------------------------------------


@dataclass
class OfferingInput:
    start_date: dt.date
    end_date: dt.date | None = None
    capacity: int | None = None
    code: str = ""
    state: str = OfferingState.ACTIVE


@dataclass
class OfferInput:
    """Everything a provider says about an offer. Prices in cents (DESIGN.md 4)."""

    code: str
    offer_type: str
    title: str
    level: str
    leads_to: str
    legal_status: str
    description: str = ""
    formal: bool = False
    level_basis: str = LevelBasis.INDICATIVE
    study_load_value: Decimal | None = None
    study_load_unit: str = ""
    part_of_code: str = ""
    unit_code: str = ""
    skills: list[str] = field(default_factory=list)
    occupations: list[str] = field(default_factory=list)
    language: str = "nl"
    modes: list[str] = field(default_factory=list)
    online: bool = False
    gemeenten: list[str] = field(default_factory=list)
    fee_cents: int = 0
    exam_cents: int = 0
    materials_cents: int = 0
    vat_exempt: bool = True
    offerings: list[OfferingInput] | None = None  # None: leave the offerings as they are
    ooapi_id: str = ""  # an OOAPI courseId/programmeId to keep (import), else a new one


CONTENT_FIELDS = (
    "code",
    "offer_type",
    "title",
    "description",
    "formal",
    "level",
    "level_basis",
    "study_load_value",
    "study_load_unit",
    "leads_to",
    "unit_code",
    "skills",
    "occupations",
    "language",
    "modes",
    "online",
    "fee_cents",
    "exam_cents",
    "materials_cents",
    "vat_exempt",
    "legal_status",
)

_CHOICES: dict[str, tuple[str, ...]] = {
    "offer_type": tuple(OfferType.values),
    "level": tuple(lv.value for lv in Level),
    "level_basis": tuple(LevelBasis.values),
    "leads_to": tuple(LeadsTo.values),
    "legal_status": tuple(LegalStatus.values),
}
_UNITS = tuple(StudyLoadUnit.values)
_MODES = frozenset(ModeOfDelivery.values)
_OFFERING_STATES = tuple(OfferingState.values)
#: The names the API and the import report use for fields (OOAPI style, camelCase).
API_NAMES = {
    "code": "code",
    "offer_type": "offerType",
    "title": "title",
    "description": "description",
    "level": "levelOfQualification",
    "level_basis": "levelBasis",
    "study_load_value": "studyLoad.value",
    "study_load_unit": "studyLoad.studyLoadUnit",
    "leads_to": "leadsTo",
    "legal_status": "legalStatus",
    "modes": "modesOfDelivery",
    "gemeenten": "gemeenten",
    "fee_cents": "fee",
    "exam_cents": "examFee",
    "materials_cents": "materials",
    "language": "language",
    "part_of_code": "partOf",
    "offerings": "offerings",
}
MAX_PRICE_CENTS = 100_000_000  # EUR 1,000,000: anything above is a typo


def validate_input(data: OfferInput, known_gemeenten: set[str] | None = None) -> list[InvalidParam]:
    """Field-level problems (types, vocabularies, ranges). The admission checks
    (:mod:`llo.register.checks`) judge the offer as a whole later."""
    problems: list[InvalidParam] = []

    def bad(attr: str, reason: str, code: str = "invalid") -> None:
        problems.append(InvalidParam(API_NAMES.get(attr, attr), reason, code))

    if not data.code.strip():
        bad("code", _("Fill in a code."), "required")
    elif len(data.code) > 64:
        bad("code", _("A code has at most 64 characters."), "max-length")
    if not data.title.strip():
        bad("title", _("Fill in a title."), "required")
    elif len(data.title) > 200:
        bad("title", _("A title has at most 200 characters."), "max-length")
    for attr, allowed in _CHOICES.items():
        value = getattr(data, attr)
        if not value:
            bad(attr, _("Fill this in."), "required")
        elif value not in allowed:
            bad(
                attr,
                _("'%(value)s' is not allowed. Choose one of: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(allowed)},
                "enum",
            )
    if data.study_load_unit and data.study_load_unit not in _UNITS:
        bad(
            "study_load_unit",
            _("'%(value)s' is not allowed. Choose one of: %(allowed)s.")
            % {"value": data.study_load_unit, "allowed": ", ".join(_UNITS)},
            "enum",
        )
    if data.study_load_value is not None and not (0 <= data.study_load_value < 1_000_000):
        bad("study_load_value", _("Give a study load between 0 and 999999."), "range")
    for mode in data.modes:
        if mode not in _MODES:
            bad(
                "modes",
                _("'%(value)s' is not allowed. Choose one of: %(allowed)s.")
                % {"value": mode, "allowed": ", ".join(ModeOfDelivery.values)},
                "enum",
            )
    for attr in ("fee_cents", "exam_cents", "materials_cents"):
        value = getattr(data, attr)
        if isinstance(value, bool) or not isinstance(value, int):
            bad(attr, _("Give an amount in euros."), "type")
        elif value < 0:
            bad(attr, _("An amount cannot be negative."), "negative")
        elif value > MAX_PRICE_CENTS:
            bad(attr, _("This amount is too high."), "range")
    if known_gemeenten is not None:
        for code in data.gemeenten:
            if code not in known_gemeenten:
                bad(
                    "gemeenten",
                    _("'%(value)s' is not a gemeente code (like GM0599).") % {"value": code},
                    "unknown",
                )
    if not data.language or len(data.language) > 12:
        bad("language", _("Give a language code, like nl or en."), "invalid")
    for i, offering in enumerate(data.offerings or []):
        if offering.end_date and offering.end_date < offering.start_date:
            problems.append(
                InvalidParam(
                    f"offerings[{i}].endDate",
                    _("The end date is before the start date."),
                    "range",
                )
            )
        if offering.capacity is not None and offering.capacity < 0:
            problems.append(
                InvalidParam(
                    f"offerings[{i}].capacity", _("Places cannot be negative."), "negative"
                )
            )
        if offering.state not in _OFFERING_STATES:
            problems.append(
                InvalidParam(
                    f"offerings[{i}].state",
                    _("'%(value)s' is not allowed. Choose one of: %(allowed)s.")
                    % {"value": offering.state, "allowed": ", ".join(OfferingState.values)},
                    "enum",
                )
            )
    return problems


# --- who may do what ----------------------------------------------------------------------


def actor_for(user: Any) -> audit.Actor:
    return audit.Actor(name=f"user:{user.pk}", role=getattr(user, "role", ""))


def provider_of(user: Any) -> Opleider | None:
    """The register provider a logged-in training provider acts for."""
    if getattr(user, "role", None) != Role.OPLEIDER or not getattr(user, "organisation_id", None):
        return None
    return Opleider.objects.filter(organisation_id=user.organisation_id).first()


def workflow_actor(user: Any) -> str:
    role = getattr(user, "role", "")
    if role == Role.BEHEER:
        return transitions.STAFF
    if role == Role.OPLEIDER:
        return transitions.PROVIDER
    return ""


def offer_for_provider(user: Any, offer_id: int) -> Offer:
    """An offer the user's provider owns. Another provider's offer is 'not found', so ids of
    other providers' drafts do not leak."""
    provider = provider_of(user)
    offer = Offer.objects.filter(pk=offer_id, opleider=provider).first() if provider else None
    if offer is None:
        raise Problem(404, _("You have no offer with this number."), code="not-found")
    return offer


def visible_offer(user: Any, offer_id: int) -> Offer:
    """Published offers for everyone; the own provider and register staff see every state."""
    offer = (
        Offer.objects.select_related("opleider__organisation", "part_of")
        .prefetch_related("gemeenten__region", "offerings")
        .filter(pk=offer_id)
        .first()
    )
    if offer is None:
        raise Problem(404, _("There is no offer with this number."), code="not-found")
    if offer.state in (OfferState.PUBLISHED, OfferState.REMOVED):
        return offer
    if getattr(user, "role", None) == Role.BEHEER:
        return offer
    provider = provider_of(user)
    if provider is not None and provider.pk == offer.opleider_id:
        return offer
    raise Problem(404, _("There is no offer with this number."), code="not-found")


# --- providers ----------------------------------------------------------------------------


@transaction.atomic
def register_provider(
    *,
    actor: audit.Actor,
    organisation: Organisation,
    kind: str,
    funded: bool = False,
    institution_code: str = "",
) -> Opleider:
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


# --- offers -------------------------------------------------------------------------------


def snapshot(offer: Offer, gemeenten: Iterable[str] | None = None) -> dict[str, Any]:
    """The content of an offer as stored in its version."""
    data: dict[str, Any] = {name: getattr(offer, name) for name in CONTENT_FIELDS}
    if data["study_load_value"] is not None:
        data["study_load_value"] = str(data["study_load_value"])
    data["price_cents"] = offer.price_cents
    data["part_of"] = offer.part_of_id
    codes = gemeenten if gemeenten is not None else offer.gemeenten.values_list("pk", flat=True)
    data["gemeenten"] = sorted(codes)
    return data


def _apply(offer: Offer, data: OfferInput) -> None:
    for name in CONTENT_FIELDS:
        setattr(offer, name, getattr(data, name))
    offer.title = offer.title.strip()
    offer.price_cents = offer.fee_cents + offer.exam_cents + offer.materials_cents


def _part_of(opleider: Opleider, code: str) -> Offer | None:
    if not code:
        return None
    parent = Offer.objects.filter(
        opleider=opleider, code=code, offer_type=OfferType.PROGRAMME
    ).first()
    if parent is None:
        raise Problem(
            400,
            _("You have no programme with this code."),
            code="invalid-params",
            invalid_params=[InvalidParam("partOf", _("Unknown programme code."), "unknown")],
        )
    return parent


def _check_input(data: OfferInput) -> None:
    problems = validate_input(data, set(Gemeente.objects.values_list("pk", flat=True)))
    if problems:
        raise Problem(
            400,
            _("Some fields are not filled in correctly."),
            code="invalid-params",
            invalid_params=problems,
        )


def _write_version(offer: Offer, actor: audit.Actor, content: dict[str, Any]) -> OfferVersion:
    return OfferVersion.objects.create(
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


def _replace_offerings(offer: Offer, offerings: Sequence[OfferingInput]) -> None:
    offer.offerings.all().delete()
    Offering.objects.bulk_create(
        [
            Offering(
                offer=offer,
                code=o.code,
                start_date=o.start_date,
                end_date=o.end_date,
                capacity=o.capacity,
                state=o.state,
            )
            for o in offerings
        ]
    )


@transaction.atomic
def create_offer(*, actor: audit.Actor, opleider: Opleider, data: OfferInput) -> Offer:
    _check_input(data)
    if Offer.objects.filter(opleider=opleider, code=data.code).exists():
        raise Problem(
            409,
            _("You already have an offer with this code."),
            code="offer-exists",
            invalid_params=[InvalidParam("code", _("Already in use."), "unique")],
        )
    offer = Offer(opleider=opleider, state=OfferState.DRAFT, state_changed_at=now(), version=1)
    _apply(offer, data)
    offer.part_of = _part_of(opleider, data.part_of_code)
    offer.save()
    offer.gemeenten.set(Gemeente.objects.filter(pk__in=data.gemeenten))
    if data.offerings:
        _replace_offerings(offer, data.offerings)
    content = snapshot(offer, data.gemeenten)
    _write_version(offer, actor, content)
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
    _check_input(data)
    if (
        data.code != offer.code
        and Offer.objects.filter(opleider_id=offer.opleider_id, code=data.code)
        .exclude(pk=offer.pk)
        .exists()
    ):
        raise Problem(
            409,
            _("You already have an offer with this code."),
            code="offer-exists",
            invalid_params=[InvalidParam("code", _("Already in use."), "unique")],
        )
    before = snapshot(offer)
    _apply(offer, data)
    offer.part_of = _part_of(offer.opleider, data.part_of_code)
    if offer.part_of_id == offer.pk:
        offer.part_of = None
    offer.version += 1
    offer.save()
    offer.gemeenten.set(Gemeente.objects.filter(pk__in=data.gemeenten))
    if data.offerings is not None:
        _replace_offerings(offer, data.offerings)
    content = snapshot(offer, data.gemeenten)
    _write_version(offer, actor, content)
    audit.record(
        actor=actor, action="register.offer.changed", subject=offer, before=before, after=content
    )
    if offer.state == OfferState.APPROVED:
        _move(offer, "edit", transitions.SYSTEM, actor, "")
    elif offer.state == OfferState.PUBLISHED:
        results = run_checks(offer)
        offer.checks = [r.as_dict() for r in results]
        offer.save(update_fields=["checks"])
        if checks.blocking(results):
            raise Problem(
                422,
                _("This change does not pass the admission checks."),
                code="checks-failed",
                invalid_params=[
                    InvalidParam(r.field or "offer", r.message, r.code)
                    for r in checks.blocking(results)
                ],
            )
        if checks.flags(results):
            _move(offer, "resubmit", transitions.SYSTEM, actor, "", results)
        else:
            indexer.reindex([offer.pk])
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
    offering = Offering.objects.create(
        offer=offer,
        code=data.code,
        start_date=data.start_date,
        end_date=data.end_date,
        capacity=data.capacity,
        state=data.state,
    )
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


# --- checks and the workflow ----------------------------------------------------------------


def provider_facts(opleider: Opleider) -> checks.ProviderFacts:
    return checks.ProviderFacts(
        kind=opleider.kind,
        status=opleider.status,
        institution_code=opleider.institution_code,
        marks=tuple(
            checks.Mark(m.kind, m.valid_from, m.valid_until) for m in opleider.quality_marks.all()
        ),
    )


def offer_facts(offer: Offer, gemeente_count: int | None = None) -> checks.OfferFacts:
    return checks.OfferFacts(
        offer_type=offer.offer_type,
        title=offer.title,
        description=offer.description,
        formal=offer.formal,
        level=offer.level,
        level_basis=offer.level_basis,
        study_load_value=offer.study_load_value,
        study_load_unit=offer.study_load_unit,
        leads_to=offer.leads_to,
        legal_status=offer.legal_status,
        modes=tuple(offer.modes or []),
        online=offer.online,
        gemeente_count=(gemeente_count if gemeente_count is not None else offer.gemeenten.count()),
        fee_cents=offer.fee_cents,
        exam_cents=offer.exam_cents,
        materials_cents=offer.materials_cents,
        vat_exempt=offer.vat_exempt,
        has_programme=offer.part_of_id is not None,
    )


class PriceBands:
    """Price bands of published offers by (type, level), computed once per use case."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], checks.PriceBand | None] = {}

    def get(self, offer_type: str, level: str) -> checks.PriceBand | None:
        key = (offer_type, level)
        if key not in self._cache:
            prices = list(
                Offer.objects.filter(
                    state=OfferState.PUBLISHED, offer_type=offer_type, level=level
                ).values_list("price_cents", flat=True)
            )
            self._cache[key] = checks.price_band(prices)
        return self._cache[key]


def run_checks(
    offer: Offer,
    on: dt.date | None = None,
    bands: PriceBands | None = None,
    provider: checks.ProviderFacts | None = None,
    gemeente_count: int | None = None,
) -> list[checks.CheckResult]:
    bands = bands or PriceBands()
    return checks.run(
        offer_facts(offer, gemeente_count),
        provider or provider_facts(offer.opleider),
        on or today(),
        bands.get(offer.offer_type, offer.level),
    )


def _move(
    offer: Offer,
    action: str,
    who: str,
    actor: audit.Actor,
    reason: str,
    results: Sequence[checks.CheckResult] = (),
) -> Offer:
    source = offer.state
    try:
        target = transitions.apply(source, action, who, reason)
    except transitions.TransitionError as exc:
        status = 403 if exc.code == "actor-not-allowed" else 409
        if exc.code == "reason-required":
            raise Problem(
                422,
                exc.message,
                code=exc.code,
                invalid_params=[InvalidParam("reason", exc.message, "required")],
            ) from exc
        raise Problem(status, exc.message, code=exc.code) from exc
    offer.state = target
    offer.state_changed_at = now()
    if target == OfferState.REMOVED:
        offer.removal_reason = reason.strip()
    offer.save(update_fields=["state", "state_changed_at", "removal_reason", "checks"])
    ReviewEvent.objects.create(
        offer=offer,
        at=offer.state_changed_at,
        actor=actor.name,
        action=action,
        from_state=source,
        to_state=target,
        reason=reason.strip(),
        checks=[r.as_dict() for r in results],
    )
    audit.record(
        actor=actor,
        action=f"register.offer.{action}",
        subject=offer,
        before={"state": source},
        after={"state": target, "reason": reason.strip()},
    )
    if source == OfferState.PUBLISHED or target == OfferState.PUBLISHED:
        indexer.reindex([offer.pk])
    return offer


def transition(
    *, actor: audit.Actor, offer: Offer, action: str, who: str, reason: str = ""
) -> Offer:
    """Take one step of the review workflow.

    ``submit`` runs the admission checks: a blocking result refuses the step with the
    reasons; a clean result is approved at once by the system; a flag waits in the review
    queue for register staff. ``approve`` by staff also refuses while something blocks. The
    results of the checks are kept on the offer, also when the step is refused, so the edit
    page can show them beside the fields.
    """
    refused: Problem | None = None
    with transaction.atomic():
        offer = Offer.objects.select_for_update().select_related("opleider").get(pk=offer.pk)
        if action not in ("submit", "approve", "publish"):
            return _move(offer, action, who, actor, reason)
        results = run_checks(offer)
        offer.checks = [r.as_dict() for r in results]
        blocking = checks.blocking(results)
        if not blocking:
            _move(offer, action, who, actor, reason, results)
            if action == "submit" and not checks.flags(results):
                _move(offer, "approve", transitions.SYSTEM, audit.Actor.system("admission"), "")
            return offer
        offer.save(update_fields=["checks"])
        refused = Problem(
            422,
            _("The offer does not pass the admission checks yet."),
            code="checks-failed",
            invalid_params=[InvalidParam(r.field or "offer", r.message, r.code) for r in blocking],
        )
    raise refused


def review_queue() -> QuerySet[Offer]:
    """Offers waiting for register staff, oldest first."""
    return (
        Offer.objects.filter(state=OfferState.SUBMITTED)
        .select_related("opleider__organisation")
        .order_by("state_changed_at", "pk")
    )


def price_history(offer: Offer) -> list[dict[str, Any]]:
    """Every version's price, oldest first: what earlier versions cost."""
    return [
        {
            "version": v.number,
            "savedAt": v.created_at,
            "feeCents": v.fee_cents,
            "examCents": v.exam_cents,
            "materialsCents": v.materials_cents,
            "priceCents": v.price_cents,
            "vatExempt": v.vat_exempt,
        }
        for v in offer.versions.order_by("number")
    ]


# --- bulk (import) ------------------------------------------------------------------------


@dataclass
class BulkSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    submitted: int = 0
    approved: int = 0
    published: int = 0
    flagged: int = 0
    blocked: int = 0
    offerings: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


BULK = 2_000


def _fast_update(objs: Sequence[Offer], fields: Sequence[str]) -> None:
    """``UPDATE ... WHERE id = %s`` for many offers with one executemany.

    Django's ``bulk_update`` builds a CASE expression per field and object, which takes about a
    minute for 100,000 offers; executemany (pipelined by psycopg 3) takes seconds.
    """
    if not objs:
        return
    conn = transaction.get_connection()
    meta = Offer._meta
    columns: list[Any] = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{conn.ops.quote_name(f.column)} = %s" for f in columns)
    sql = f"UPDATE {meta.db_table} SET {assignments} WHERE id = %s"  # noqa: S608
    rows = [
        [f.get_db_prep_save(getattr(o, f.attname), conn) for f in columns] + [o.pk] for o in objs
    ]
    with conn.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])


@transaction.atomic
def bulk_upsert(
    *,
    actor: audit.Actor,
    opleider: Opleider,
    items: Sequence[OfferInput],
    submit: bool = False,
    publish: bool = False,
    source: str = "",
) -> BulkSummary:
    """Create or change many offers of one provider at once (the import), all or nothing.

    Offers are matched on the provider's own code. Every created or changed offer gets a
    version. With ``submit`` the admission checks run: clean offers are approved, and with
    ``publish`` published; flagged ones wait for review; blocked ones stay drafts with their
    reasons in ``checks``. The steps of each offer are taken through the transition table and
    kept as one ReviewEvent; one audit record covers the whole import.
    """
    summary = BulkSummary()
    at = now()
    codes = [i.code for i in items]
    existing: dict[str, Offer] = {}
    for start in range(0, len(codes), 5_000):
        # PostgreSQL takes at most 65,535 parameters in one statement.
        existing.update(
            (o.code, o)
            for o in Offer.objects.filter(opleider=opleider, code__in=codes[start : start + 5_000])
        )
    programmes = dict(
        Offer.objects.filter(opleider=opleider, offer_type=OfferType.PROGRAMME).values_list(
            "code", "pk"
        )
    )
    file_programmes = {d.code for d in items if d.offer_type == OfferType.PROGRAMME}
    for data in items:
        if (
            data.part_of_code
            and data.part_of_code not in programmes
            and data.part_of_code not in file_programmes
        ):
            raise Problem(
                400,
                _("The programme %(code)s does not exist.") % {"code": data.part_of_code},
                code="invalid-params",
            )
    to_create: list[Offer] = []
    to_update: list[Offer] = []
    changed: list[tuple[Offer, OfferInput]] = []
    for data in items:
        offer = existing.get(data.code)
        if offer is None:
            offer = Offer(
                opleider=opleider,
                state=OfferState.DRAFT,
                state_changed_at=at,
                version=1,
                created_at=at,
                updated_at=at,
            )
            _apply(offer, data)
            if data.ooapi_id:
                offer.ooapi_id = uuid.UUID(data.ooapi_id)
            to_create.append(offer)
            changed.append((offer, data))
            summary.created += 1
            continue
        if offer.state == OfferState.REMOVED:
            raise Problem(
                409,
                _("The offer with code %(code)s has been removed; it cannot be imported again.")
                % {"code": data.code},
                code="offer-removed",
            )
        old = {name: getattr(offer, name) for name in CONTENT_FIELDS}
        _apply(offer, data)
        new = {name: getattr(offer, name) for name in CONTENT_FIELDS}
        if old == new and data.offerings is None and not data.gemeenten:
            summary.unchanged += 1
            continue
        offer.version += 1
        offer.updated_at = at
        to_update.append(offer)
        changed.append((offer, data))
        summary.updated += 1
    # The workflow runs on the offers in memory, so new offers are written once, in their
    # final state.
    steps: dict[int, list[str]] = {}
    if submit or publish:
        steps = _bulk_workflow(opleider, changed, publish, summary, at)
    bulkio.insert(Offer, to_create, with_ids=True)
    _fast_update(
        to_update,
        [
            *CONTENT_FIELDS,
            "price_cents",
            "version",
            "updated_at",
            "state",
            "state_changed_at",
            "checks",
        ],
    )
    # Stackable units: part_of by programme code, within this provider (also new ones).
    programmes.update((o.code, o.pk) for o in to_create if o.offer_type == OfferType.PROGRAMME)
    parts: list[Offer] = []
    for offer, data in changed:
        wanted = programmes.get(data.part_of_code) if data.part_of_code else None
        if wanted == offer.pk:
            wanted = None
        if offer.part_of_id != wanted:
            offer.part_of_id = wanted
            parts.append(offer)
    _fast_update(parts, ["part_of"])
    # Places.
    through = Offer.gemeenten.through
    updated_ids = [o.pk for o in to_update]
    for start in range(0, len(updated_ids), 10_000):
        through.objects.filter(offer_id__in=updated_ids[start : start + 10_000]).delete()
    bulkio.insert_rows(
        through,
        ("offer_id", "gemeente_id"),
        [(o.pk, code) for o, d in changed for code in sorted(set(d.gemeenten))],
    )
    # Offerings: replaced when given.
    replace = [o.pk for o, d in changed if d.offerings is not None and o in to_update]
    for start in range(0, len(replace), 10_000):
        Offering.objects.filter(offer_id__in=replace[start : start + 10_000]).delete()
    new_offerings = [
        (o.pk, x.code, uuid.uuid4(), x.start_date, x.end_date, x.capacity, x.state)
        for o, d in changed
        if d.offerings
        for x in d.offerings
    ]
    bulkio.insert_rows(
        Offering,
        ("offer_id", "code", "ooapi_id", "start_date", "end_date", "capacity", "state"),
        new_offerings,
    )
    summary.offerings = len(new_offerings)
    # Versions: the price history.
    bulkio.insert_rows(
        OfferVersion,
        (
            "offer_id",
            "number",
            "created_at",
            "actor",
            "fee_cents",
            "exam_cents",
            "materials_cents",
            "price_cents",
            "vat_exempt",
            "snapshot",
        ),
        [
            (
                o.pk,
                o.version,
                at,
                actor.name,
                o.fee_cents,
                o.exam_cents,
                o.materials_cents,
                o.price_cents,
                o.vat_exempt,
                _content(o, d.gemeenten),
            )
            for o, d in changed
        ],
    )
    if steps:
        bulkio.insert_rows(
            ReviewEvent,
            ("offer_id", "at", "actor", "action", "from_state", "to_state", "reason", "checks"),
            [
                (
                    o.pk,
                    at,
                    actor.name,
                    "+".join(steps[id(o)][1:]),
                    steps[id(o)][0],
                    o.state,
                    "",
                    o.checks,
                )
                for o, _ in changed
                if id(o) in steps
            ],
        )
    audit.record(
        actor=actor,
        action="register.offers.imported",
        subject=opleider,
        purpose=source[:200],
        after={**summary.as_dict(), "offers": len(items)},
    )
    _index_after_import(opleider, to_create, changed)
    return summary


def _index_after_import(
    opleider: Opleider, created: Sequence[Offer], changed: Sequence[tuple[Offer, OfferInput]]
) -> None:
    """New published offers are indexed from memory; changed ones the usual way."""
    fresh = {o.pk for o in created}
    admitted = opleider.status == ProviderStatus.ADMITTED
    regions = dict(Gemeente.objects.values_list("code", "region_id"))
    on = today()
    name = opleider.organisation.name
    rows = [
        indexer.make_row(
            offer_id=o.pk,
            opleider_id=opleider.pk,
            offer_type=o.offer_type,
            level=o.level,
            leads_to=o.leads_to,
            provider_kind=opleider.kind,
            formal=o.formal,
            online=o.online,
            price_cents=o.price_cents,
            modes=o.modes,
            description=o.description,
            has_study_load=o.study_load_value is not None,
            skills=o.skills,
            occupations=o.occupations,
            title=o.title,
            provider_name=name,
            places=[(g, regions[g]) for g in set(d.gemeenten)],
            starts=[x.start_date for x in d.offerings or [] if x.state != OfferingState.CANCELLED],
            on=on,
        )
        for o, d in changed
        if o.pk in fresh and admitted and o.state == OfferState.PUBLISHED
    ]
    indexer.index_new(rows)
    indexer.reindex([o.pk for o, _ in changed if o.pk not in fresh])


def _content(o: Offer, gemeenten: Sequence[str]) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(o, name) for name in CONTENT_FIELDS}
    if data["study_load_value"] is not None:
        data["study_load_value"] = str(data["study_load_value"])
    data["price_cents"] = o.price_cents
    data["part_of"] = o.part_of_id
    data["gemeenten"] = sorted(set(gemeenten))
    return data


def _bulk_workflow(
    opleider: Opleider,
    changed: Sequence[tuple[Offer, OfferInput]],
    publish: bool,
    summary: BulkSummary,
    at: dt.datetime,
) -> dict[int, list[str]]:
    """Checks and workflow steps of an import, on the offers in memory.

    Returns, by ``id()`` of each offer that moved, its first state followed by the actions
    taken. Every step goes through :func:`transitions.apply`, so an import can do nothing the
    table forbids.
    """
    bands = PriceBands()
    provider = provider_facts(opleider)
    on = today()
    steps: dict[int, list[str]] = {}

    def step(offer: Offer, action: str, who: str) -> None:
        trail = steps.setdefault(id(offer), [offer.state])
        offer.state = transitions.apply(offer.state, action, who)
        offer.state_changed_at = at
        trail.append(action)

    for offer, data in changed:
        facts = dataclasses.replace(
            offer_facts(offer, gemeente_count=len(set(data.gemeenten))),
            has_programme=bool(data.part_of_code),
        )
        results = checks.run(
            facts,
            provider,
            on,
            bands.get(offer.offer_type, offer.level),
        )
        offer.checks = [r.as_dict() for r in results]
        if checks.blocking(results):
            summary.blocked += 1
            continue
        flagged = bool(checks.flags(results))
        if offer.state == OfferState.APPROVED:
            step(offer, "edit", transitions.SYSTEM)
        if offer.state == OfferState.WITHDRAWN:
            step(offer, "reopen", transitions.PROVIDER)
        if offer.state == OfferState.PUBLISHED:
            if flagged:
                step(offer, "resubmit", transitions.SYSTEM)
                summary.flagged += 1
            else:
                summary.published += 1
            continue
        if offer.state == OfferState.DRAFT:
            step(offer, "submit", transitions.SYSTEM)
            summary.submitted += 1
        if flagged:
            summary.flagged += 1
            continue
        step(offer, "approve", transitions.SYSTEM)
        summary.approved += 1
        if publish:
            step(offer, "publish", transitions.SYSTEM)
            summary.published += 1
    return steps
