# SPDX-License-Identifier: EUPL-1.2
"""Rights shown for information only: room to borrow (levenlanglerenkrediet) or the remaining
right to publicly funded education (seed 002: the overview shows "onbenutte rechten op
bekostigd onderwijs" and loans beside the budgets). No money in the ledger."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from llo.accounts.models import Funder, Portability, Right, RightKind
from llo.accounts.services.common import cents_to_move
from llo.core import audit
from llo.core.money import Money
from llo.core.problems import InvalidParam, invalid
from llo.people.models import Person


def register_information_right(
    *,
    actor: audit.Actor,
    person: Person,
    funder: Funder,
    kind: str,
    text: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    amount: Money | None = None,
) -> Right:
    """A drawing right or loan room of a person, shown beside their money. Locks nothing."""
    if kind not in {RightKind.DRAWING_RIGHT, RightKind.LOAN_CAPACITY}:
        raise invalid(
            _("Only drawing rights and loan room are for information."),
            [InvalidParam("kind", _("drawing_right or loan_capacity"), "enum")],
        )
    amount_cents = None if amount is None else cents_to_move(amount, "infoAmountCents")
    with transaction.atomic():
        right = Right.objects.create(
            person=person,
            funder=funder,
            kind=kind,
            info_amount_cents=amount_cents,
            info_text=text[:300],
            valid_from=valid_from,
            valid_until=valid_until,
            portability=Portability.PERSON,
        )
        audit.record(
            actor=actor, action="right.registered", subject=right, after=audit.snapshot(right)
        )
    return right
