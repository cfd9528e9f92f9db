# SPDX-License-Identifier: EUPL-1.2
"""What several enrolment use cases share: the system actor, a new receipt number, and the
checks that an offering can still be applied for and that the amount confirmed is the amount
shown."""

from __future__ import annotations

import datetime as dt
import secrets

from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import InvalidParam, Problem, invalid
from llo.register.models import Offer, Offering, OfferingState, OfferState

SYSTEM = audit.Actor.system("enrolment")


def already_applied() -> Problem:
    """One active application per person and start date (the unique index
    ``enrolment_application_one_active`` holds it also for requests at the same moment)."""
    return Problem(409, _("You already applied for this training."), code="already-applied")


#: Crockford's base 32 (https://www.crockford.com/base32.html): no I, L, O or U, so a number
#: read aloud or typed over is not mistaken.
_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Random bits of a receipt number. 40 bits (until issue 18) made a collision likely in one
#: 250,000-entry window (about 250,000² / 2⁴¹: 3 %), and a collision with the unique
#: ``Application.receipt`` stopped the whole allocation. With 80 bits ten million
#: applications collide with a chance of about 10¹⁴ / 2⁸¹, 4 in 10¹¹; the unique constraint
#: still refuses one, and the allocator draws again for any already stored
#: (:func:`llo.enrolment.services.allocating._receipts`).
RECEIPT_BITS = 80


def new_receipt() -> str:
    """A receipt number: ``LLO-`` and 16 characters in groups of four
    (``LLO-7KQ2-M9XD-4HTA-PZ3C``), 80 random bits."""
    n = secrets.randbits(RECEIPT_BITS)
    chars = "".join(_BASE32[(n >> (5 * i)) & 31] for i in range(RECEIPT_BITS // 5))
    return "LLO-" + "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


def check_amount_shown(claimed: object, shown: int) -> None:
    """The amount a person confirms must be the amount the preview showed (a page or client
    that changed it is refused, and nothing is reserved)."""
    if isinstance(claimed, bool) or not isinstance(claimed, int) or claimed != shown:
        raise invalid(
            _(
                "The amount does not match what we showed you. Nothing was reserved. "
                "Look at the plan again."
            ),
            [
                InvalidParam(
                    "amountCents",
                    _("must be the amount shown: %(amount)s cents") % {"amount": shown},
                    "tampered",
                )
            ],
        )


def check_offering_usable(offer: Offer, offering: Offering, on: dt.date) -> None:
    if offer.state != OfferState.PUBLISHED:
        raise Problem(
            422,
            _("This training is no longer in the register. Choose another training."),
            code="offer-withdrawn",
        )
    if offering.offer_id != offer.pk or offering.state != OfferingState.ACTIVE:
        raise Problem(
            422, _("This start date is not open. Choose another date."), code="offering-closed"
        )
    if offering.start_date <= on:
        raise Problem(
            422,
            _("This training has already started. Choose a later start date."),
            code="starts-too-soon",
        )
