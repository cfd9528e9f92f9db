# SPDX-License-Identifier: EUPL-1.2
"""The funding plan: which of a person's rights pay how much for one training, and why.

DESIGN.md section 3: ``accounts.funding_plan`` combines several funders, checks each right's
conditions with the rules engine, uses the money that expires soonest first, and private or
sector money before public money where a public scheme says so; what is left the person pays.
Every line is explained in B1 (Fatima needs a clear "you pay €0", JOURNEYS.md).

:func:`allocate` is the whole decision, as a pure function over plain data, so it can be
property-tested (tests/accounts/test_plan.py): never more than the price, never more than a
right's balance, each co-payment respected, the remainder is the price minus the rest.
:func:`funding_plan` gathers the data from the database and explains the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from llo.accounts import lines as deposit_lines
from llo.accounts.conditions import (
    ConditionsChecker,
    OfferFacts,
    PersonFacts,
    Reason,
    Verdict,
    default_checker,
)
from llo.core.identifiers import Level
from llo.core.money import Money
from llo.people.models import Person

# --- the pure part ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRight:
    """One right as the allocation sees it."""

    right_id: int
    balance_cents: int
    valid_until: dt.date | None
    funder_kind: str
    eligible: bool
    co_payment_pct: int = 0
    #: A public scheme that wants other money used first.
    subsidiary: bool = False
    #: Price components this right may pay; ``None``: all.
    components: frozenset[str] | None = None
    #: The most this right pays for one training.
    max_cents: int | None = None
    #: All funding together may not exceed this when this right is used.
    accumulation_cap_cents: int | None = None
    #: False for rights shown for information only (loan room, drawing rights).
    spendable: bool = True
    valid_from: dt.date | None = None


class LineReason:
    PAYS = "pays"
    NOT_ELIGIBLE = "not_eligible"
    NOT_VALID = "not_valid"
    EMPTY = "empty"
    NOTHING_LEFT = "nothing_left"
    CAPPED = "capped"
    COMPONENTS = "components"
    INFORMATION = "information"


@dataclass(frozen=True)
class Line:
    right_id: int
    amount_cents: int
    reason: str
    #: The total all rights together may pay, after this right's co-payment or cap.
    limit_cents: int | None = None


@dataclass(frozen=True)
class Allocation:
    price_cents: int
    lines: tuple[Line, ...]

    @property
    def funded_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def own_cents(self) -> int:
        """What the person pays: the price minus what the rights pay."""
        return self.price_cents - self.funded_cents


def co_payment_cents(price_cents: int, pct: int) -> int:
    """The person's own part: at least ``pct`` % of the price, so rounded up to the cent; the
    funder pays the rest, rounded down (the same rounding as the rules engine's funder rule,
    ``llo.schemes.funder``)."""
    return -(-price_cents * pct // 100) if pct else 0


def order_key(right: PlanRight) -> tuple[int, dt.date, int]:
    """Subsidiary (public, "use other money first") rights last; then the money that expires
    soonest; then the oldest right."""
    return (1 if right.subsidiary else 0, right.valid_until or dt.date.max, right.right_id)


def allocate(
    price_components: Mapping[str, int], rights: Sequence[PlanRight], on: dt.date
) -> Allocation:
    """Decide how much each right pays for a training with this price.

    Greedy in :func:`order_key` order. A right pays at most: its balance; its ``max_cents``;
    the unpaid part of the price components it may pay; and what is left under the lowest
    limit of every right used so far and itself (price minus its co-payment, its accumulation
    cap). A right that would pay nothing is not used, so its co-payment does not bind others.
    """
    remaining = {name: cents for name, cents in price_components.items() if cents > 0}
    price = sum(remaining.values())
    limit = price
    paid = 0
    lines: list[Line] = []
    for right in sorted(rights, key=order_key):
        if not right.spendable:
            lines.append(Line(right.right_id, 0, LineReason.INFORMATION))
            continue
        if (right.valid_until is not None and right.valid_until < on) or (
            right.valid_from is not None and on < right.valid_from
        ):
            lines.append(Line(right.right_id, 0, LineReason.NOT_VALID))
            continue
        if not right.eligible:
            lines.append(Line(right.right_id, 0, LineReason.NOT_ELIGIBLE))
            continue
        if right.balance_cents <= 0:
            lines.append(Line(right.right_id, 0, LineReason.EMPTY))
            continue
        own_limit = price - co_payment_cents(price, right.co_payment_pct)
        if right.accumulation_cap_cents is not None:
            own_limit = min(own_limit, right.accumulation_cap_cents)
        new_limit = min(limit, own_limit)
        parts = [c for c in remaining if right.components is None or c in right.components]
        coverable = sum(remaining[c] for c in parts)
        amount = min(right.balance_cents, coverable, max(0, new_limit - paid))
        if right.max_cents is not None:
            amount = min(amount, right.max_cents)
        if amount <= 0:
            if sum(remaining.values()) == 0:
                reason = LineReason.NOTHING_LEFT
            elif coverable == 0:
                reason = LineReason.COMPONENTS
            else:
                reason = LineReason.CAPPED
            lines.append(Line(right.right_id, 0, reason, new_limit))
            continue
        # Take the amount from the components this right may pay, in a fixed order.
        left = amount
        for name in sorted(parts):
            take = min(left, remaining[name])
            remaining[name] -= take
            left -= take
        paid += amount
        limit = new_limit
        capped = new_limit < price
        lines.append(Line(right.right_id, amount, LineReason.PAYS, new_limit if capped else None))
    return Allocation(price, tuple(lines))


# --- gathering and explaining ------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    right_id: int
    funder: str
    budget: str
    kind: str
    amount_cents: int
    balance_cents: int
    valid_until: dt.date | None
    reason: str
    text: str
    conditions: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class FundingPlan:
    price_cents: int
    lines: tuple[PlanLine, ...]
    own_cents: int
    own_text: str
    on: dt.date
    offer_title: str = ""
    summary: list[str] = field(default_factory=list)

    @property
    def funded_cents(self) -> int:
        return self.price_cents - self.own_cents


def _date(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def explain(line: Line, right: PlanRight, funder: str, budget: str, verdict: Verdict | None) -> str:
    """One sentence or two in B1 for one line of the plan."""
    amount = Money(line.amount_cents).format()
    if line.reason == LineReason.PAYS:
        text = _("%(funder)s pays %(amount)s.") % {"funder": funder, "amount": amount}
        if right.valid_until:
            text += " " + _("This money can be used until %(date)s.") % {
                "date": _date(right.valid_until)
            }
        if right.co_payment_pct and line.limit_cents is not None:
            text += " " + _("%(funder)s pays at most %(pct)s %% of the price.") % {
                "funder": funder,
                "pct": 100 - right.co_payment_pct,
            }
        if right.balance_cents > line.amount_cents:
            text += " " + _("After this, %(left)s is left.") % {
                "left": Money(right.balance_cents - line.amount_cents).format()
            }
        return text
    if line.reason == LineReason.INFORMATION:
        return _("For your information. This is not money in your account.")
    if line.reason == LineReason.NOT_VALID:
        return _("%(funder)s: this money cannot be used on this date.") % {"funder": funder}
    if line.reason == LineReason.NOT_ELIGIBLE:
        failed = [r.text for r in (verdict.failed if verdict else ())]
        return " ".join(
            [_("%(funder)s does not pay for this training.") % {"funder": funder}, *failed]
        )
    if line.reason == LineReason.EMPTY:
        return _("%(funder)s: there is no money left in this budget.") % {"funder": funder}
    if line.reason == LineReason.NOTHING_LEFT:
        return _("%(funder)s is not needed: the other money already pays everything.") % {
            "funder": funder
        }
    if line.reason == LineReason.COMPONENTS:
        return _("%(funder)s does not pay for the costs that are left.") % {"funder": funder}
    return _(
        "%(funder)s is not used: together the funders may pay at most %(limit)s, "
        "and that is reached."
    ) % {"funder": funder, "limit": Money(line.limit_cents or 0).format()}


def own_text(own_cents: int) -> str:
    if own_cents == 0:
        return _("You pay € 0,00 yourself.")
    return _("You pay %(amount)s yourself.") % {"amount": Money(own_cents).format()}


def person_facts(person: Person, on: dt.date) -> PersonFacts:
    """What the conditions may use about a person (AVG: no more)."""
    jobs = person.employments.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
    return PersonFacts(
        level=Level(person.highest_level) if person.highest_level else None,
        region=person.gemeente.region_id,
        gemeente=person.gemeente_id,
        labour_position=person.labour_position,
        sectors=frozenset(s for s in jobs.values_list("sector", flat=True) if s),
        birth_date=person.birth_date,
    )


def funding_plan(
    person: Person,
    offer: OfferFacts,
    on: dt.date,
    *,
    checker: ConditionsChecker | None = None,
) -> FundingPlan:
    """Which rights of ``person`` pay how much for ``offer`` on date ``on``, explained.

    Moves no money (it only makes rights of deposits not read before, ``lines.claim``); the
    plan is turned into reservations by the enrolment (``services.reserve``).
    """
    from llo.accounts.models import PUBLIC_FUNDER_KINDS, RightStatus

    checker = checker or default_checker()
    facts = person_facts(person, on)
    rights = list(
        deposit_lines.rights_of(person.pk)
        .filter(status=RightStatus.ACTIVE)
        .select_related("funder__organisation", "budget", "account")
        .order_by("pk")
    )
    plan_rights: list[PlanRight] = []
    verdicts: dict[int, Verdict] = {}
    for right in rights:
        spendable = right.spendable
        verdict = checker.check(right.conditions or {}, facts, offer, on) if spendable else None
        if verdict is not None:
            verdicts[right.pk] = verdict
        # A public scheme may say "other money first" (subsidiary); the funder kind is kept
        # so a scheme can be public without saying so.
        plan_rights.append(
            PlanRight(
                right_id=right.pk,
                balance_cents=right.balance_cents or 0,
                valid_until=right.valid_until,
                valid_from=right.valid_from,
                funder_kind=right.funder.kind,
                eligible=bool(verdict and verdict.eligible),
                co_payment_pct=verdict.co_payment_pct if verdict else 0,
                subsidiary=bool(verdict and verdict.subsidiary)
                and right.funder.kind in PUBLIC_FUNDER_KINDS,
                components=verdict.components if verdict else None,
                max_cents=verdict.max_cents if verdict else None,
                accumulation_cap_cents=verdict.accumulation_cap_cents if verdict else None,
                spendable=spendable,
            )
        )
    allocation = allocate(offer.price_components, plan_rights, on)
    by_id = {r.pk: r for r in rights}
    facts_by_id = {r.right_id: r for r in plan_rights}
    lines = []
    for line in allocation.lines:
        right = by_id[line.right_id]
        funder = right.funder.organisation.name
        budget = right.budget.name if right.budget else right.info_text
        lines.append(
            PlanLine(
                right_id=right.pk,
                funder=funder,
                budget=budget,
                kind=right.kind,
                amount_cents=line.amount_cents,
                balance_cents=facts_by_id[right.pk].balance_cents,
                valid_until=right.valid_until,
                reason=line.reason,
                text=explain(line, facts_by_id[right.pk], funder, budget, verdicts.get(right.pk)),
                conditions=verdicts[right.pk].reasons if right.pk in verdicts else (),
            )
        )
    return FundingPlan(
        price_cents=allocation.price_cents,
        lines=tuple(lines),
        own_cents=allocation.own_cents,
        own_text=own_text(allocation.own_cents),
        on=on,
        offer_title=offer.title,
    )
