# SPDX-License-Identifier: EUPL-1.2
"""The read model of a person's learning overview (Leeroverzicht): rights and applications.

One query per kind of thing, so the home page stays fast however many rights a person has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llo.accounts.models import Right, RightStatus
from llo.core.money import Money
from llo.core.timeutil import today
from llo.enrolment.models import Application
from llo.people.models import Person


@dataclass(frozen=True)
class RightLine:
    funder: str
    kind: str
    balance: Money | None  # None: shown for information only (drawing right, loan room)
    info: str
    valid_until: dt.date | None
    expires_soon: bool


@dataclass(frozen=True)
class Overview:
    rights: list[RightLine]
    total: Money
    applications: int


def overview_for(person: Person, on: dt.date | None = None) -> Overview:
    on = on or today()
    rights = (
        Right.objects.filter(person=person, status=RightStatus.ACTIVE)
        .select_related("funder__organisation", "account")
        .order_by("valid_until", "pk")
    )
    lines: list[RightLine] = []
    total = Money(0)
    for right in rights:
        if not right.is_valid_on(on):
            continue
        cents = right.balance_cents
        balance = Money(cents) if cents is not None else None
        if balance is not None:
            total = total + balance
        lines.append(
            RightLine(
                funder=right.funder.organisation.name,
                kind=right.get_kind_display(),
                balance=balance,
                info=right.info_text,
                valid_until=right.valid_until,
                expires_soon=right.valid_until is not None and (right.valid_until - on).days <= 90,
            )
        )
    return Overview(
        rights=lines,
        total=total,
        applications=Application.objects.filter(person=person).count(),
    )
