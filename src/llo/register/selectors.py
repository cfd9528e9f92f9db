# SPDX-License-Identifier: EUPL-1.2
"""Reads of the register: which provider a user acts for, which offers a user may see, the
review queue, the price history, providers and their offers with counts. Nothing here writes.

A read refused to a user raises :class:`~llo.core.problems.Problem` (404 where even the
existence of a draft must not leak, 403 where the thing is public but the act is not); the
API renders it as problem+json, a page as its error page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.roles import Role
from llo.core.timeutil import now
from llo.people.models import Organisation, User
from llo.register import transitions
from llo.register.models import (
    Offer,
    Offering,
    OfferState,
    OfferVersion,
    Opleider,
    ProviderStatus,
    QualityMark,
)

# --- who acts for which provider ------------------------------------------------------------


def provider_of(user: Any) -> Opleider | None:
    """The register provider a logged-in training provider acts for."""
    if getattr(user, "role", None) != Role.OPLEIDER or not getattr(user, "organisation_id", None):
        return None
    return Opleider.objects.filter(organisation_id=user.organisation_id).first()


def is_staff(user: Any) -> bool:
    """Register staff (beheer) see and judge every offer."""
    return getattr(user, "role", None) == Role.BEHEER


def require_staff(user: Any) -> None:
    if not is_staff(user):
        raise Problem(403, _("Only register staff may do this."), code="forbidden")


def provider_by_kvk(kvk: str) -> Opleider:
    opleider = Opleider.objects.select_related("organisation").filter(organisation__kvk=kvk).first()
    if opleider is None:
        raise Problem(
            404, _("There is no training provider with KvK number %(kvk)s.") % {"kvk": kvk}
        )
    return opleider


def organisation_by_kvk(kvk: str) -> Organisation:
    """The organisation to admit to the register (a 400 naming the field when unknown)."""
    organisation = Organisation.objects.filter(kvk=kvk).first()
    if organisation is None:
        raise invalid(
            _("Unknown organisation."),
            [InvalidParam("kvk", _("No organisation with this KvK number."), "unknown")],
        )
    return organisation


def provider_for(user: Any, kvk: str, *, staff_too: bool = False) -> Opleider:
    """The provider with this KvK number, when the user acts for it (or, with ``staff_too``,
    is register staff).

    The role is checked before anything is looked up (issue 14: a wrong role learned which
    KvK numbers are providers from 404 against 403); a provider asking for another
    provider's number gets 404, as for any object of another owner."""
    if staff_too and is_staff(user):
        return provider_by_kvk(kvk)
    own = provider_of(user)
    if own is None:
        raise Problem(
            403, _("Only a training provider in the register may do this."), code="forbidden"
        )
    if own.organisation.kvk != kvk:
        raise Problem(
            404,
            _("Your organisation has no offers at KvK number %(kvk)s.") % {"kvk": kvk[:20]},
            code="not-found",
        )
    return own


# --- offers a user may see -------------------------------------------------------------------


def _not_found(own: bool = False) -> Problem:
    if own:
        return Problem(404, _("You have no offer with this number."), code="not-found")
    return Problem(404, _("There is no offer with this number."), code="not-found")


def own_offer(opleider: Opleider | None, offer_id: int) -> Offer:
    """An offer this provider owns. Another provider's offer is 'not found', so ids of other
    providers' drafts do not leak."""
    offer = Offer.objects.filter(pk=offer_id, opleider=opleider).first() if opleider else None
    if offer is None:
        raise _not_found(own=True)
    return offer


def offer_for_provider(user: Any, offer_id: int) -> Offer:
    """An offer the user's provider owns (see :func:`own_offer`); another role is refused
    before any lookup (issue 14)."""
    opleider = provider_of(user)
    if opleider is None:
        raise Problem(
            403, _("Only a training provider in the register may do this."), code="forbidden"
        )
    return own_offer(opleider, offer_id)


def offer_for(user: Any, offer_id: int, who: str) -> Offer:
    """The offer a workflow step is asked on: any offer for register staff, an own offer for
    a provider; other roles change no offers."""
    if who == transitions.STAFF:
        offer = Offer.objects.filter(pk=offer_id).first()
        if offer is None:
            raise _not_found()
        return offer
    if who == transitions.PROVIDER:
        return offer_for_provider(user, offer_id)
    raise Problem(403, _("Your role may not change offers."), code="forbidden")


def offer(offer_id: int) -> Offer:
    """One offer with its provider, places and start moments loaded, in any state (for its
    provider and register staff, after :func:`offer_for` or :func:`own_offer`)."""
    found = (
        Offer.objects.select_related("opleider__organisation")
        .prefetch_related("gemeenten", "offerings")
        .filter(pk=offer_id)
        .first()
    )
    if found is None:
        raise _not_found()
    return found


def visible_offer(user: Any, offer_id: int) -> Offer:
    """Published offers for everyone; the own provider and register staff see every state."""
    found = (
        Offer.objects.select_related("opleider__organisation", "part_of")
        .prefetch_related("gemeenten__region", "offerings")
        .filter(pk=offer_id)
        .first()
    )
    if found is None:
        raise _not_found()
    if found.state in (OfferState.PUBLISHED, OfferState.REMOVED) or is_staff(user):
        return found
    provider = provider_of(user)
    if provider is not None and provider.pk == found.opleider_id:
        return found
    raise _not_found()


def published_parts(offer: Offer) -> QuerySet[Offer]:
    """The published parts of a programme (modules that stack to it), by title."""
    return offer.parts.filter(state=OfferState.PUBLISHED).order_by("title")


def offering_of(offer: Offer, offering_id: int) -> Offering | None:
    """A start moment of this offer (none: it has no start moment with this number)."""
    return offer.offerings.filter(pk=offering_id).first()


def may_manage(user: Any, offer: Offer) -> bool:
    """Whether the user sees an offer's checks and workflow: its provider and register staff."""
    if is_staff(user):
        return True
    own = provider_of(user)
    return own is not None and own.pk == offer.opleider_id


# --- the workflow ------------------------------------------------------------------------------


def review_queue() -> QuerySet[Offer]:
    """Offers waiting for register staff, oldest first."""
    return (
        Offer.objects.filter(state=OfferState.SUBMITTED)
        .select_related("opleider__organisation")
        .order_by("state_changed_at", "pk")
    )


def review_trail(offer: Offer, last: int = 20) -> list[ReviewStep]:
    """The last workflow steps of an offer, newest first, each with who took it in words
    (issue 15 item 10: the history showed "(system:admission)" and "(user:10)")."""
    events = list(offer.review_events.order_by("-at", "-pk")[:last])
    ids = {
        int(e.actor[5:]) for e in events if e.actor.startswith("user:") and e.actor[5:].isdigit()
    }
    users = {u.pk: u for u in User.objects.filter(pk__in=ids).select_related("organisation")}
    return [
        ReviewStep(
            at=e.at,
            action=e.action,
            from_state=e.get_from_state_display(),
            to_state=e.get_to_state_display(),
            who=_who(e.actor, users),
            reason=e.reason,
        )
        for e in events
    ]


@dataclass(frozen=True)
class ReviewStep:
    at: dt.datetime
    action: str
    from_state: str
    to_state: str
    who: str
    reason: str


def _who(actor: str, users: dict[int, Any]) -> str:
    if actor == "system:admission":
        return _("the automatic admission checks")
    if actor.startswith("system:"):
        return _("llo itself")
    user = users.get(int(actor[5:])) if actor[5:].isdigit() else None
    if user is None:
        return _("someone who is no longer known")
    if user.role == Role.BEHEER:
        return _("the register team")
    if user.organisation is not None:
        return str(user.organisation.name)
    return str(user.display_name)


@dataclass(frozen=True)
class PriceVersion:
    """The price of one version of an offer (VAT included; cents)."""

    version: int
    saved_at: dt.datetime
    fee_cents: int
    exam_cents: int
    materials_cents: int
    price_cents: int
    vat_exempt: bool


def price_history(offer: Offer) -> list[PriceVersion]:
    """Every version's price, oldest first: what earlier versions cost."""
    return [
        PriceVersion(
            version=v.number,
            saved_at=v.created_at,
            fee_cents=v.fee_cents,
            exam_cents=v.exam_cents,
            materials_cents=v.materials_cents,
            price_cents=v.price_cents,
            vat_exempt=v.vat_exempt,
        )
        for v in offer.versions.order_by("number")
    ]


def reference_prices(offer_ids: list[int], before_version: int | None = None) -> dict[int, int]:
    """The lowest price of each offer in the last year, over its versions before
    ``before_version`` (all stored versions when ``None``): what a price rise is measured
    against, so a price raised in small steps is still seen (checks.price_jump)."""
    since = now() - dt.timedelta(days=365)
    rows = OfferVersion.objects.filter(offer_id__in=offer_ids, created_at__gte=since)
    if before_version is not None:
        rows = rows.filter(number__lt=before_version)
    lowest: dict[int, int] = {}
    for offer_id, price in rows.values_list("offer_id", "price_cents"):
        lowest[offer_id] = min(price, lowest.get(offer_id, price))
    return lowest


# --- providers and their offers ---------------------------------------------------------------


def providers(status: str = "") -> QuerySet[Opleider]:
    """Providers by name, with their quality marks; ``status`` narrows to one status."""
    found = (
        Opleider.objects.select_related("organisation")
        .prefetch_related("quality_marks")
        .order_by("organisation__name", "pk")
    )
    return found.filter(status=status) if status else found


def provider_counts() -> dict[str, int]:
    """How many providers have each status (every status, also when none has it)."""
    counts = dict.fromkeys(ProviderStatus.values, 0)
    for status in Opleider.objects.values_list("status", flat=True):
        counts[status] += 1
    return counts


def provider_offers(opleider: Opleider, state: str = "") -> QuerySet[Offer]:
    """A provider's offers in every state (or in ``state``), by title."""
    offers = (
        Offer.objects.filter(opleider=opleider)
        .select_related("opleider__organisation")
        .prefetch_related("gemeenten", "offerings")
        .order_by("title", "pk")
    )
    return offers.filter(state=state) if state else offers


def offer_counts(opleider: Opleider) -> dict[str, int]:
    """How many offers a provider has in each state (every state, also when it has none)."""
    counts = dict.fromkeys(OfferState.values, 0)
    for state in Offer.objects.filter(opleider=opleider).values_list("state", flat=True):
        counts[state] += 1
    return counts


def published_offer_count(opleider: Opleider) -> int:
    return opleider.offers.filter(state=OfferState.PUBLISHED).count()


def quality_marks(opleider: Opleider, on: dt.date) -> list[tuple[QualityMark, bool]]:
    """A provider's quality marks, each with whether it is valid on ``on``."""
    return [(m, m.is_valid_on(on)) for m in opleider.quality_marks.all()]
