# SPDX-License-Identifier: EUPL-1.2
"""The review workflow: admission checks on an offer and the steps of the transition table.

Every step goes through :func:`llo.register.transitions.apply` (who may take it, and whether
it needs a reason), is kept as a :class:`~llo.register.models.ReviewEvent` and an audit
record, and keeps the search index in step when an offer enters or leaves publication.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import InvalidParam, Problem
from llo.core.timeutil import now, today
from llo.register import checks, selectors, transitions
from llo.register.models import Offer, OfferState, Opleider, ReviewEvent
from llo.register.search import indexer

# --- the facts the checks judge ----------------------------------------------------------------


def provider_facts(opleider: Opleider) -> checks.ProviderFacts:
    return checks.ProviderFacts(
        published_offers=selectors.published_offer_count(opleider),
        kind=opleider.kind,
        status=opleider.status,
        institution_code=opleider.institution_code,
        marks=tuple(
            checks.Mark(m.kind, m.valid_from, m.valid_until) for m in opleider.quality_marks.all()
        ),
    )


def offer_facts(
    offer: Offer,
    gemeente_count: int | None = None,
    *,
    reference_price_cents: int | None = None,
    read_reference: bool = True,
) -> checks.OfferFacts:
    """The facts of one offer. Its reference price is read here unless the caller (an import,
    for many offers at once) gives it (``read_reference=False``)."""
    if read_reference and offer.pk is not None:
        reference_price_cents = selectors.reference_prices([offer.pk], offer.version).get(offer.pk)
    return checks.OfferFacts(
        reference_price_cents=reference_price_cents,
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


def refusal(detail: str, blocking: Sequence[checks.CheckResult]) -> Problem:
    """A 422 with the reason of every blocking check, by field."""
    return Problem(
        422,
        detail,
        code="checks-failed",
        invalid_params=[InvalidParam(r.field or "offer", r.message, r.code) for r in blocking],
    )


# --- steps -----------------------------------------------------------------------------------


def move(
    offer: Offer,
    action: str,
    who: str,
    actor: audit.Actor,
    reason: str,
    results: Sequence[checks.CheckResult] = (),
) -> Offer:
    """Take one step of the table on a locked offer, with its review event and audit record."""
    source = offer.state
    try:
        target = transitions.apply(source, action, who, reason)
    except transitions.TransitionError as exc:
        raise _problem(exc) from exc
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


def _problem(exc: transitions.TransitionError) -> Problem:
    if exc.code == "reason-required":
        return Problem(
            422,
            exc.message,
            code=exc.code,
            invalid_params=[InvalidParam("reason", exc.message, "required")],
        )
    status = 403 if exc.code == "actor-not-allowed" else 409
    return Problem(status, exc.message, code=exc.code)


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
    with transaction.atomic():
        offer = Offer.objects.select_for_update().select_related("opleider").get(pk=offer.pk)
        if action not in ("submit", "approve", "publish"):
            return move(offer, action, who, actor, reason)
        results = run_checks(offer)
        offer.checks = [r.as_dict() for r in results]
        blocking = checks.blocking(results)
        if not blocking:
            move(offer, action, who, actor, reason, results)
            if action == "submit" and not checks.flags(results):
                move(offer, "approve", transitions.SYSTEM, audit.Actor.system("admission"), "")
            return offer
        # The refusal is raised after the commit: the results are kept for the edit page.
        offer.save(update_fields=["checks"])
    raise refusal(_("The offer does not pass the admission checks yet."), blocking)


def after_edit(offer: Offer, actor: audit.Actor) -> None:
    """The workflow after a provider changed an offer (in the use case's transaction): an
    approved offer goes back to draft; a published one stays published when the checks pass
    cleanly, goes back to review on a flag, and the change is refused on a block."""
    if offer.state == OfferState.APPROVED:
        move(offer, "edit", transitions.SYSTEM, actor, "")
    elif offer.state == OfferState.PUBLISHED:
        results = run_checks(offer)
        offer.checks = [r.as_dict() for r in results]
        offer.save(update_fields=["checks"])
        if checks.blocking(results):
            raise refusal(
                _("This change does not pass the admission checks."), checks.blocking(results)
            )
        if checks.flags(results):
            move(offer, "resubmit", transitions.SYSTEM, actor, "", results)
        else:
            indexer.reindex([offer.pk])


# --- titles admitted before the title check ---------------------------------------------------


def formula_titled(states: Sequence[str] = (OfferState.PUBLISHED,)) -> list[Offer]:
    """Offers in ``states`` whose title starts like a spreadsheet formula: admitted before the
    ``title-formula`` check existed (issue 14). The database narrows to titles that start with
    one of the characters (after spaces or quote marks); the one rule decides."""
    from llo.core.csvio import starts_like_formula

    candidates = (
        Offer.objects.filter(state__in=list(states), title__regex=r"^[\s'\"]*[-=+@]|[,;\t\r\n]")
        .select_related("opleider__organisation")
        .order_by("pk")
    )
    return [o for o in candidates if starts_like_formula(o.title)]


def flag_formula_titles(*, actor: audit.Actor) -> list[Offer]:
    """Send every published offer with a formula-like title back to review (``resubmit`` by
    the system, with the blocking check on record): it leaves the public register until its
    provider changes the title and staff approve it. Each offer is its own transaction with
    its review event and audit record."""
    flagged = []
    for offer in formula_titled():
        with transaction.atomic():
            locked = Offer.objects.select_for_update().get(pk=offer.pk)
            if locked.state != OfferState.PUBLISHED:
                continue
            results = run_checks(locked)
            locked.checks = [r.as_dict() for r in results]
            move(locked, "resubmit", transitions.SYSTEM, actor, "", results)
            flagged.append(locked)
    return flagged
