# SPDX-License-Identifier: EUPL-1.2
"""Deciding in a window: the rules it runs on as the rules engine takes them, and what it
would decide for one person and one training (the apply page, the preview) or for many
trainings at once (the comparison on a window's page).

Changes nothing: the preview (:mod:`.services.applying`) stores its decision with
``decide_and_record``, through the ``decide_with`` hook of :func:`fit`; everything else here
only reads.

Before the engine runs, the window's rules must apply on the decision day (the day of the
application, or the opening day for a look before it opens; :func:`decision_day`): a day
outside them is a refusal with a B1 reason (:func:`llo.enrolment.refusals.outside_rules`),
never the engine's English error (issue 15, finding 2). Any other error of the engine is a
Problem with a B1 text (:func:`llo.enrolment.refusals.problem_of`).

The facts come from the one facts adapter next to the rules (:mod:`llo.schemes.facts_adapter`,
through :mod:`llo.enrolment.selectors.facts`, decision 008). A fact llo does not hold is not
assumed: the rules say the condition that needs it is *not yet known* (its B1 sentence is
among the reasons), nothing is granted on a guess, and ``Fit.missing`` names the facts the
apply page asks for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from llo.accounts import price_adjusters
from llo.accounts.models import Budget, FunderKind
from llo.accounts.plan import priced_for
from llo.core.problems import Problem
from llo.core.timeutil import AMSTERDAM
from llo.enrolment import refusals, window_rules
from llo.enrolment.models import Window
from llo.enrolment.selectors import facts
from llo.enrolment.store.counters import grants_by_offer
from llo.enrolment.window_rules import FUNDER, RulesChoice
from llo.people.models import FactName, Person
from llo.register.models import Offering
from llo.schemes import facts_adapter
from llo.schemes.decision import Decision, decide, decide_offers
from llo.schemes.errors import RulesError
from llo.schemes.facts import OfferFacts, PersonFacts
from llo.schemes.models import DecisionRecord

#: The funder kinds of the funder rule (``llo.schemes.funders.KINDS``) per accounts kind.
_RULE_KIND = {
    FunderKind.EMPLOYER: "employer",
    FunderKind.SECTOR_FUND: "oo_fund",
    FunderKind.MUNICIPALITY: "municipality",
    FunderKind.UWV: "uwv",
    FunderKind.STATE: "other",
}
#: What the engine may return for one person (``llo.schemes.facts``: cents up to 2 * 10^9).
_MOST_CENTS = 2_000_000_000


def local_day(at: dt.datetime) -> dt.date:
    """The Dutch calendar day of a moment (windows open and close in Dutch time)."""
    return at.astimezone(AMSTERDAM).date()


def budget_choices(budget: Budget) -> list[RulesChoice]:
    """The rules a window on ``budget`` may run on (:func:`window_rules.choices_for`)."""
    return window_rules.choices_for(
        budget_scheme=budget.scheme,
        public_funder=budget.funder.is_public,
        period_start=budget.period_start,
        period_end=budget.period_end,
        conditions=budget.conditions or {},
        schemes=window_rules.engine_schemes(),
    )


def rules_key(window: Window) -> str:
    """The rules of a window: its own choice; for a window made before windows chose, the
    budget's scheme, else the budget's conditions."""
    return window.scheme or window.budget.scheme or FUNDER


def rules_of(window: Window) -> RulesChoice:
    """The rules a window runs on, with the days on which they decide."""
    key = rules_key(window)
    budget = window.budget
    if key == FUNDER:
        return window_rules.own_conditions(
            budget.period_start, budget.period_end, budget.conditions or {}
        )
    info = window_rules.engine_schemes().get(key)
    if info is None:
        return RulesChoice(key, key, "", dt.date.max, dt.date.min)  # decides on no day
    return RulesChoice(info.key, info.title, info.status, info.valid_from, info.valid_until)


def decision_day(window: Window, on: dt.date) -> dt.date:
    """The day a decision in this window is made for: ``on``, or the opening day when one
    looks before it opens (Sanne wants to know first, JOURNEYS.md)."""
    return max(on, local_day(window.opens_at))


def per_person_cents(window: Window) -> int | None:
    """The most one person gets in this window: the window's own limit, else the budget's
    amount per person; None when only the rules limit it."""
    return window.max_per_person_cents or window.budget.amount_per_person_cents or None


def engine_rules(window: Window) -> str | dict[str, Any]:
    """The window's rules as ``llo.schemes.decision.decide`` takes them: a scheme key, or the
    budget's conditions with the funder's name and kind (they name the funder in reasons)."""
    key = rules_key(window)
    if key != FUNDER:
        return key
    budget = window.budget
    funder = budget.funder
    return {
        **(budget.conditions or {}),
        "key": f"budget_{budget.pk}",
        "name": funder.organisation.name,
        "kind": _RULE_KIND.get(FunderKind(funder.kind), "other"),
    }


def purpose_of(person: Person, day: dt.date) -> str | None:
    """The purpose of a training, as far as llo can tell it on ``day``: a job seeker learns to
    find work (seed 004: "om aan het werk te komen"). Anyone else states it on the apply page
    (issue 15, finding 1: ``FactName.TRAINING_PURPOSE``, the newest statement counts); until
    then it is not known, and rules that read it say "not yet known"."""
    if person.labour_position == "job_seeker":
        return "work"
    stated = facts_adapter.statements(person, day).get(FactName.TRAINING_PURPOSE)
    return str(stated.value) if stated is not None and stated.value else None


def person_facts_for(
    window: Window, person: Person, day: dt.date
) -> tuple[PersonFacts, dict[str, Any]]:
    """The person as the rules' facts on ``day``, from the facts adapter: what llo does not
    hold (insured months, study support) stays not known unless the person stated it; with
    the source of every fact."""
    balance = None
    if rules_key(window) == FUNDER:
        # In a window the person has no balance yet: what they may get is the window's limit.
        balance = min(per_person_cents(window) or window.budget_cents, _MOST_CENTS)
    return facts.person_facts(person, rules_key(window), day, funder_balance_cents=balance)


def offer_facts_for(
    person: Person,
    offering: Offering,
    day: dt.date,
    grants_this_year: int | None = None,
    purpose: str | None = None,
) -> tuple[OfferFacts, dict[str, Any], price_adjusters.AdjustedPrice]:
    """The training as the rules' facts on ``day``, with the purpose llo can tell (``purpose``
    when the caller read it for many trainings at once), the source of every fact, and this
    person's price: an exemption the provider accepted lowers it (issue 16,
    ``accounts.plan.priced_for``) and the rules decide on that price."""
    found, sources = facts.offer_facts(
        offering.offer,
        offering,
        day,
        purpose=purpose or purpose_of(person, day),
        grants=grants_this_year,
    )
    priced, adjusted = priced_for(person.pk, offering.offer_id, found)
    return priced, sources, adjusted


@dataclass(frozen=True)
class Fit:
    """What a window decides, or would decide, for one person and one training."""

    window: Window
    offering: Offering
    day: dt.date
    #: The rules apply on the day and the engine decided.
    can_decide: bool
    eligible: bool
    amount_cents: int
    price_cents: int
    reasons: tuple[dict[str, Any], ...]
    #: Facts the decision needs and llo does not hold (``facts_adapter.questions`` asks them).
    missing: tuple[str, ...] = ()
    #: Exemptions the provider accepted that lower this person's price (issue 16); the
    #: price above is already the lowered one, and the rules decided on it.
    reductions: tuple[price_adjusters.Reduction, ...] = ()

    @property
    def own_cents(self) -> int:
        return self.price_cents - self.amount_cents

    @property
    def failed(self) -> list[dict[str, Any]]:
        """The conditions not met, then those not yet known (each with its B1 sentence)."""
        reasons = [r for r in self.reasons if not r.get("passed")]
        return sorted(reasons, key=lambda r: bool(r.get("unknown")))

    @property
    def not_known(self) -> bool:
        """Nothing failed, but a fact the rules need is missing: not granted on a guess."""
        return self.can_decide and bool(self.missing)


#: Decides one application: the facts, the day, the rules and the facts' sources (for the
#: record, ``{"person": ..., "offer": ...}``).
Decider = Callable[
    [PersonFacts, OfferFacts, dt.date, "str | dict[str, Any]", dict[str, Any]],
    "tuple[Decision, DecisionRecord | None]",
]


def _decide_only(
    person: PersonFacts,
    offer: OfferFacts,
    day: dt.date,
    rules: str | dict[str, Any],
    sources: dict[str, Any],
) -> tuple[Decision, DecisionRecord | None]:
    return decide(person, offer, day, rules, sources=sources), None


def _amount(window: Window, engine_amount: int, price: int) -> int:
    limit = per_person_cents(window)
    amount = min(engine_amount, price)
    return min(amount, limit) if limit is not None else amount


def fit(
    window: Window,
    person: Person,
    offering: Offering,
    on: dt.date,
    *,
    decide_with: Decider | None = None,
) -> tuple[Fit, DecisionRecord | None]:
    """What ``window`` decides for ``person`` and ``offering`` on ``on``.

    Outside the rules' days: a refusal with a B1 reason (nothing asked of the engine). An
    error of the engine: a Problem with a B1 text (:mod:`.refusals`)."""
    day = decision_day(window, on)
    rules = rules_of(window)
    price = offering.offer.price_cents
    if not rules.applies_on(day):
        reason = refusals.outside_rules(rules, day)
        return Fit(window, offering, day, False, False, 0, price, (reason,)), None
    try:
        person_facts, person_sources = person_facts_for(window, person, day)
        offer_facts, offer_sources, adjusted = offer_facts_for(person, offering, day)
        price, reductions = adjusted.price_cents, tuple(adjusted.reductions)
        decision, record = (decide_with or _decide_only)(
            person_facts,
            offer_facts,
            day,
            engine_rules(window),
            {"person": person_sources, "offer": offer_sources},
        )
    except RulesError as exc:
        raise refusals.problem_of(exc, rules=rules) from None
    amount = _amount(window, decision.amount_cents, price) if decision.eligible else 0
    found = tuple(decision.reasons_json())
    missing = tuple(decision.missing)
    fitted = Fit(window, offering, day, True, amount > 0, amount, price, found, missing, reductions)
    return fitted, record


@dataclass(frozen=True)
class RowDecision:
    """What the rules decided for one row of a vectorised run: eligible, the engine's amount,
    the conditions not met or not yet known (condition, passed=False, B1 text; ``unknown``
    True for the latter) and the facts missing."""

    eligible: bool
    amount_cents: int
    failed: tuple[dict[str, Any], ...]
    missing: tuple[str, ...] = ()


def decide_rows(
    rules: str | dict[str, Any],
    person: PersonFacts,
    offers: Sequence[OfferFacts],
    day: dt.date,
) -> list[RowDecision]:
    """One person and many trainings under one set of rules, in one run of the engine
    (:func:`llo.schemes.decision.decide_offers`): the same eligibility, amounts, reasons and
    missing facts as ``decide`` for each training (tests/enrolment/test_opening.py compares
    them; bench/compare measures both)."""
    return [
        RowDecision(
            d.eligible,
            d.amount_cents,
            tuple(r.as_json() for r in (*d.failed, *d.not_known)),
            tuple(d.missing),
        )
        for d in decide_offers(person, offers, day, rules)
    ]


def fits(window: Window, person: Person, offerings: Sequence[Offering], on: dt.date) -> list[Fit]:
    """What ``window`` would decide for ``person`` and each of ``offerings``, in one run of
    the engine (:func:`decide_rows`: a page compares trainings without one run each). The
    reasons hold the failed conditions only; a training whose facts the engine refuses
    cannot be decided (``can_decide`` False, with a B1 reason)."""
    if not offerings:
        return []
    day = decision_day(window, on)
    rules = rules_of(window)
    if not rules.applies_on(day):
        reason = refusals.outside_rules(rules, day)
        return [
            Fit(window, o, day, False, False, 0, o.offer.price_cents, (reason,)) for o in offerings
        ]
    out: list[Fit | None] = [None] * len(offerings)
    try:
        person_facts, _sources = person_facts_for(window, person, day)
    except RulesError as exc:
        raise refusals.problem_of(exc, rules=rules) from None
    grants = grants_by_offer({o.offer_id for o in offerings}, day.year)
    purpose = purpose_of(person, day)
    offer_facts: list[OfferFacts] = []
    usable: list[int] = []
    prices: dict[int, tuple[int, tuple[price_adjusters.Reduction, ...]]] = {}
    for index, offering in enumerate(offerings):
        try:
            found_offer, _sources, adjusted = offer_facts_for(
                person, offering, day, grants.get(offering.offer_id, 0), purpose
            )
            offer_facts.append(found_offer)
            prices[index] = (adjusted.price_cents, tuple(adjusted.reductions))
        except RulesError as exc:
            problem: Problem = refusals.problem_of(exc, rules=rules)
            reason = {"condition": "facts", "passed": False, "text": problem.detail}
            price = offering.offer.price_cents
            out[index] = Fit(window, offering, day, False, False, 0, price, (reason,))
            continue
        usable.append(index)
    if offer_facts:
        try:
            decided = decide_rows(engine_rules(window), person_facts, offer_facts, day)
        except RulesError as exc:
            raise refusals.problem_of(exc, rules=rules) from None
        for found, index in zip(decided, usable, strict=True):
            offering = offerings[index]
            price, reductions = prices[index]
            amount = _amount(window, found.amount_cents, price) if found.eligible else 0
            out[index] = Fit(
                window,
                offering,
                day,
                True,
                amount > 0,
                amount,
                price,
                found.failed,
                found.missing,
                reductions,
            )
    return [f for f in out if f is not None]
