# SPDX-License-Identifier: EUPL-1.2
"""The funding plan: which of a person's rights pay how much for one training, and why.

DESIGN.md section 3: ``accounts.funding_plan`` combines several funders, checks each right's
conditions with the rules engine, uses money earmarked for a kind of training first (decision
015), then the money that expires soonest, and private or sector money before public money
where a public scheme says so; what is left the person pays.
Every line is explained in B1 (Fatima needs a clear "you pay €0", JOURNEYS.md).

Whether a right's conditions are met, and what its funder pays for (the price parts, the
co-payment), is decided only by the rules engine: one vectorised run over all of a person's
rights for the offer (``llo.schemes.decision.decide_funders``; issue 13). A condition the data
cannot decide yet (the purpose of the training, the offer's occupation codes) makes the line
"not yet known" with the facts that are missing, never a guess.

:func:`allocate` then combines the rights, as a pure function over plain data, so it can be
property-tested (tests/accounts/test_plan.py): never more than the price, never more than a
right's balance, each co-payment respected, the remainder is the price minus the rest.
:func:`funding_plan` gathers the data and explains the result; :func:`funding_plans` does the
same for many offers in one run (a list of offers that each show what the person pays).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from llo.accounts import price_adjusters, selectors
from llo.core.money import Money
from llo.people.models import Person
from llo.register.models import Offer, OfferState
from llo.schemes import facts_adapter
from llo.schemes.decision import Decision, Reason, decide_funders, decide_funders_for_offers
from llo.schemes.facts import OfferFacts
from llo.schemes.funder_conditions import parse_conditions

# --- the pure part ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRight:
    """One right as the allocation sees it."""

    right_id: int
    balance_cents: int
    valid_until: dt.date | None
    funder_kind: str
    eligible: bool
    #: The share of the price the person pays when this right is used (the rules engine's
    #: ``funder_co_payment_cents``); ``co_payment_pct`` is the funder's percentage, for the text.
    co_payment_cents: int = 0
    co_payment_pct: int = 0
    #: A public scheme that wants other money used first.
    subsidiary: bool = False
    #: Money set aside for a kind of training (only basic-skills courses, say): used before
    #: money that pays for any training, so the latter is kept for what only it can pay.
    earmarked: bool = False
    #: Price components this right may pay; ``None``: all.
    components: frozenset[str] | None = None
    #: The most this right pays for one training.
    max_cents: int | None = None
    #: All funding together may not exceed this when this right is used.
    accumulation_cap_cents: int | None = None
    #: False for rights shown for information only (loan room, drawing rights).
    spendable: bool = True
    valid_from: dt.date | None = None
    #: No condition failed, but one needs a fact that is not known yet: pays nothing for now.
    unknown: bool = False


class LineReason:
    PAYS = "pays"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"
    NOT_VALID = "not_valid"
    #: The right ends before the training starts (a voucher valid until 5 July cannot pay
    #: for a course that starts on 4 September: issue 15, "also seen").
    ENDS_BEFORE_START = "ends_before_start"
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


def order_key(right: PlanRight) -> tuple[int, int, dt.date, int]:
    """Subsidiary (public, "use other money first") rights last; before the rest, money
    earmarked for a kind of training (the gemeente's NT1 voucher pays a basic-skills course
    before the employer's budget that could pay any course: docs/decisions/015); then the
    money that expires soonest; then the oldest right.

    A subsidiary right stays last even when it is earmarked: "other money first" is what its
    scheme says, earmarking only what its conditions imply."""
    return (
        1 if right.subsidiary else 0,
        0 if right.earmarked else 1,
        right.valid_until or dt.date.max,
        right.right_id,
    )


def allocate(
    price_components: Mapping[str, int],
    rights: Sequence[PlanRight],
    on: dt.date,
    starts: dt.date | None = None,
) -> Allocation:
    """Decide how much each right pays for a training with this price.

    Greedy in :func:`order_key` order. A right pays at most: its balance; its ``max_cents``;
    the unpaid part of the price components it may pay; and what is left under the lowest
    limit of every right used so far and itself (price minus its co-payment, its accumulation
    cap). A right that would pay nothing is not used, so its co-payment does not bind others.
    A right must be valid on ``on`` and, when the start of the training is known
    (``starts``), still on its first day: money that ends before a course starts pays nothing.
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
        if starts is not None and right.valid_until is not None and right.valid_until < starts:
            lines.append(Line(right.right_id, 0, LineReason.ENDS_BEFORE_START))
            continue
        if not right.eligible and not right.unknown:
            lines.append(Line(right.right_id, 0, LineReason.NOT_ELIGIBLE))
            continue
        if right.unknown:
            lines.append(Line(right.right_id, 0, LineReason.UNKNOWN))
            continue
        if right.balance_cents <= 0:
            lines.append(Line(right.right_id, 0, LineReason.EMPTY))
            continue
        own_limit = price - right.co_payment_cents
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

#: Conditions of the funder rule that the allocation itself weighs: an empty right pays nothing
#: ("no money left"), and a right whose price parts are paid already, or absent, is not needed.
WEIGHED_BY_THE_PLAN = ("funder_balance_left", "funder_has_eligible_costs")
#: The rules engine's price parts per component of the price (``funder_pays_*`` outputs).
PARTS = {
    "tuition": "funder_pays_fee",
    "exam": "funder_pays_exam",
    "materials": "funder_pays_materials",
}


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
    #: Every condition of the right with the engine's B1 sentence (passed, failed, not known).
    conditions: tuple[Reason, ...] = ()
    #: Facts the right's decision still needs (``facts_adapter.questions`` asks for them).
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class FundingPlan:
    price_cents: int
    lines: tuple[PlanLine, ...]
    own_cents: int
    own_text: str
    on: dt.date
    offer_title: str = ""
    summary: list[str] = field(default_factory=list)
    #: The decisions' shared record (rule version, facts and their sources, parameters...).
    record: dict[str, Any] = field(default_factory=dict)
    #: The rules engine's decision of each right that was checked, by right id.
    decisions: dict[int, Decision] = field(default_factory=dict)
    #: What this person does not pay of the offer's price (exemptions; ``price_adjusters``).
    reductions: tuple[price_adjusters.Reduction, ...] = ()

    @property
    def funded_cents(self) -> int:
        return self.price_cents - self.own_cents

    @property
    def full_price_cents(self) -> int:
        return self.price_cents + sum(r.cents for r in self.reductions)

    @property
    def missing(self) -> tuple[str, ...]:
        """Facts still needed by rights that could pay (their lines are "not yet known")."""
        found: dict[str, None] = {}
        for line in self.lines:
            if line.reason == LineReason.UNKNOWN:
                found.update(dict.fromkeys(line.missing))
        return tuple(found)


def _date(day: dt.date | None) -> str:
    """Dutch pages use one date format: "7 december 2028" (issue 15, finding 10)."""
    return date_format(day, "j F Y") if day else ""


def explain(
    line: Line, right: PlanRight, funder: str, budget: str, decision: Decision | None
) -> str:
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
    if line.reason == LineReason.ENDS_BEFORE_START:
        return _(
            "%(funder)s does not pay: this money can be used until %(date)s, "
            "and the training starts later."
        ) % {
            "funder": funder,
            "date": _date(right.valid_until),
        }
    if line.reason == LineReason.NOT_ELIGIBLE:
        failed = [r.text for r in (decision.failed if decision else ())]
        return " ".join(
            [_("%(funder)s does not pay for this training.") % {"funder": funder}, *failed]
        )
    if line.reason == LineReason.UNKNOWN:
        open_ = [r.text for r in (decision.not_known if decision else ())]
        return " ".join(
            [
                _("%(funder)s may pay for this training, but we do not know everything yet.")
                % {"funder": funder},
                *open_,
            ]
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


def price_parts(offer: OfferFacts) -> dict[str, int]:
    """The price of a training per component (the register's prices include VAT)."""
    return {
        "tuition": offer.fee_cents,
        "exam": offer.exam_cents,
        "materials": offer.materials_cents,
    }


def _priced(offer: OfferFacts, price: price_adjusters.AdjustedPrice) -> OfferFacts:
    if not price.reductions:
        return offer
    return replace(
        offer,
        fee_cents=price.components["tuition"],
        exam_cents=price.components["exam"],
        materials_cents=price.components["materials"],
    )


def priced_for(
    person_id: int, offer_id: int | None, offer: OfferFacts
) -> tuple[OfferFacts, price_adjusters.AdjustedPrice]:
    """The offer at this person's price (:mod:`llo.accounts.price_adjusters`: an exemption
    the provider accepted lowers it), for the rules engine and the allocation alike."""
    price = price_adjusters.adjust(person_id, offer_id, price_parts(offer))
    return _priced(offer, price), price


def priced_for_many(
    person_id: int, offers: Sequence[tuple[OfferFacts, int | None]]
) -> list[tuple[OfferFacts, price_adjusters.AdjustedPrice]]:
    """:func:`priced_for` for a page of offers: one call of every adjuster for all of them."""
    known = {oid: price_parts(o) for o, oid in offers if oid is not None}
    prices = price_adjusters.adjust_many(person_id, known)
    out = []
    for offer, offer_id in offers:
        price = prices.get(offer_id) if offer_id is not None else None
        if price is None:
            price = price_adjusters.AdjustedPrice(price_parts(offer))
        out.append((_priced(offer, price), price))
    return out


def _rights(person: Person) -> list[Any]:
    from llo.accounts.models import RightStatus

    return list(
        selectors.rights_of(person.pk)
        .filter(status=RightStatus.ACTIVE)
        .select_related("funder__organisation", "budget", "account")
        .order_by("pk")
    )


def _plan_right(right: Any, decision: Decision | None) -> PlanRight:
    """A right as the allocation sees it, with what the rules engine decided about it."""
    from llo.accounts.models import PUBLIC_FUNDER_KINDS

    common = {
        "right_id": right.pk,
        "balance_cents": right.balance_cents or 0,
        "valid_until": right.valid_until,
        "valid_from": right.valid_from,
        "funder_kind": right.funder.kind,
        "spendable": right.spendable,
    }
    if decision is None:
        return PlanRight(eligible=False, **common)
    conditions = parse_conditions(right.conditions or {})
    decided = [r for r in decision.reasons if r.condition not in WEIGHED_BY_THE_PLAN]
    failed = any(not r.passed and not r.unknown for r in decided)
    # Not known: a condition, or what the funder pays (its co-payment, its price parts).
    unknown = not failed and (any(r.unknown for r in decided) or bool(decision.missing))
    outputs = decision.record.get("outputs", {})
    co_payment = int(outputs.get("funder_co_payment_cents", 0))
    parts = frozenset(part for part, name in PARTS.items() if outputs.get(name, True))
    return PlanRight(
        eligible=not failed and not unknown,
        unknown=unknown,
        co_payment_cents=co_payment,
        co_payment_pct=conditions.co_payment_pct if co_payment else 0,
        # A public scheme may say "other money first"; the funder kind is kept so a scheme
        # can be public without saying so.
        subsidiary=conditions.subsidiary and right.funder.kind in PUBLIC_FUNDER_KINDS,
        earmarked=conditions.earmarked,
        components=None if len(parts) == len(PARTS) else parts,
        max_cents=conditions.max_per_offer_cents,
        accumulation_cap_cents=conditions.accumulation_cap_cents,
        **common,
    )


def _explained(
    rights: list[Any],
    decisions: dict[int, Decision],
    offer: OfferFacts,
    on: dt.date,
    title: str,
    record: dict[str, Any],
    reductions: tuple[price_adjusters.Reduction, ...] = (),
) -> FundingPlan:
    plan_rights = [_plan_right(r, decisions.get(r.pk)) for r in rights]
    allocation = allocate(price_parts(offer), plan_rights, on, offer.start_date)
    by_id = {r.pk: r for r in rights}
    facts_by_id = {r.right_id: r for r in plan_rights}
    lines = []
    for line in allocation.lines:
        right = by_id[line.right_id]
        funder = right.funder.organisation.name
        budget = right.budget.name if right.budget else right.info_text
        decision = decisions.get(right.pk)
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
                text=explain(line, facts_by_id[right.pk], funder, budget, decision),
                conditions=decision.reasons if decision else (),
                missing=decision.missing if decision else (),
            )
        )
    return FundingPlan(
        price_cents=allocation.price_cents,
        lines=tuple(lines),
        own_cents=allocation.own_cents,
        own_text=own_text(allocation.own_cents),
        on=on,
        offer_title=title,
        record=record,
        decisions=decisions,
        reductions=reductions,
    )


def funding_plan(
    person: Person,
    offer: OfferFacts,
    on: dt.date,
    *,
    title: str = "",
    offer_sources: dict[str, Any] | None = None,
    offer_id: int | None = None,
) -> FundingPlan:
    """Which rights of ``person`` pay how much for ``offer`` on date ``on``, explained.

    ``offer_id``: the register's offer, so the price is this person's price (an exemption
    the provider accepted lowers it, :mod:`llo.accounts.price_adjusters`) before the rules
    engine and the allocation see it.

    One run of the rules engine decides every spendable right's conditions at once. Moves no
    money (it only makes rights of deposits not read before, ``lines.claim``); the plan is
    turned into reservations by the enrolment (``services.reserve``).
    """
    offer, price = priced_for(person.pk, offer_id, offer)
    rights = _rights(person)
    spendable = [r for r in rights if r.spendable]
    facts, sources = facts_adapter.person_facts(person, on)
    funders = [facts_adapter.right_funder_facts(r) for r in spendable]
    decided = decide_funders(
        facts, offer, funders, on, sources={"person": sources, "offer": offer_sources or {}}
    )
    decisions = {r.pk: d for r, d in zip(spendable, decided.decisions, strict=True)}
    return _explained(rights, decisions, offer, on, title, decided.record, price.reductions)


def published_offer(offer_id: int) -> Offer | None:
    """An offer of the register anyone may plan for (published), or None."""
    return (
        Offer.objects.filter(pk=offer_id, state=OfferState.PUBLISHED)
        .select_related("opleider__organisation")
        .prefetch_related("opleider__quality_marks", "gemeenten")
        .first()
    )


def register_offer_plan(person: Person, offer: Offer, on: dt.date) -> FundingPlan:
    """The plan for an offer of the register as the register holds it on ``on`` (without an
    application's own facts), at this person's price: what a search page shows for it."""
    facts, sources = facts_adapter.offer_facts(offer, on)
    return funding_plan(
        person, facts, on, title=offer.title, offer_sources=sources, offer_id=offer.pk
    )


def funding_plans(
    person: Person,
    offers: Sequence[tuple[OfferFacts, str] | tuple[OfferFacts, str, int | None]],
    on: dt.date,
) -> list[FundingPlan]:
    """:func:`funding_plan` for many offers (with their titles and, for an offer of the
    register, its id) in one run of the rules engine (offers x rights rows, without the full
    trace of a single plan). With the offer id each offer is priced for this person first, as
    :func:`funding_plan` does (accepted exemptions lower it), so a search page and the
    exemptions page show the same price."""
    asked = [(item[0], item[2] if len(item) > 2 else None) for item in offers]
    priced = priced_for_many(person.pk, asked)
    rights = _rights(person)
    spendable = [r for r in rights if r.spendable]
    facts, _sources = facts_adapter.person_facts(person, on)
    funders = [facts_adapter.right_funder_facts(r) for r in spendable]
    per_offer = decide_funders_for_offers(facts, [o for o, _ in priced], funders, on)
    plans = []
    for item, (offer, price), decided in zip(offers, priced, per_offer, strict=True):
        decisions = {r.pk: d for r, d in zip(spendable, decided, strict=True)}
        plans.append(_explained(rights, decisions, offer, on, item[1], {}, price.reductions))
    return plans
