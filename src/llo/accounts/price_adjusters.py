# SPDX-License-Identifier: EUPL-1.2
"""Price adjusters: what a higher layer knows about one person's price for one offer.

The funding plan sits below ``credentials`` in the layers (DESIGN.md section 2,
``pyproject.toml`` import-linter), yet an exemption (vrijstelling) the provider accepted means
that the person does not pay for that unit of the programme (issue 16: "the funding plan and
price follow"). So a higher app registers an adjuster here, in its ``AppConfig.ready()``, and
:func:`llo.accounts.plan.funding_plan` asks for the adjusted price before it decides who pays.
The plan never imports the app that knows why the price is lower.

An adjuster takes a person, an offer of the register and the price per component in cents,
and returns the reductions it grants; :func:`adjust` applies them in registration order and
never lets a component go below zero: what an adjuster asks beyond what is left is not taken.
So the adjusted price plus the reductions is always the full price (tests/accounts:
Hypothesis).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Reduction:
    """Part of one price component that this person does not pay, with the reason in B1."""

    #: What kind of reduction: ``exemption`` (a vrijstelling of a unit).
    code: str
    #: The price component it lowers (``tuition``, ``exam``, ``materials``).
    component: str
    cents: int
    text: str
    #: What it is about (for an exemption: the unit's title).
    subject: str = ""


@dataclass(frozen=True)
class AdjustedPrice:
    components: dict[str, int]
    reductions: tuple[Reduction, ...] = ()

    @property
    def price_cents(self) -> int:
        return sum(self.components.values())

    @property
    def reduction_cents(self) -> int:
        return sum(r.cents for r in self.reductions)

    @property
    def full_price_cents(self) -> int:
        return self.price_cents + self.reduction_cents


#: ``(person_id, {offer_id: components}) -> {offer_id: reductions}``: one call for all the
#: offers of a page (a search page plans dozens at once; one query per adjuster, not per offer).
Adjuster = Callable[[int, Mapping[int, Mapping[str, int]]], Mapping[int, Sequence[Reduction]]]

_ADJUSTERS: list[Adjuster] = []


def register(adjuster: Adjuster) -> None:
    """Register once (``ready()`` may run more than once in tests)."""
    if adjuster not in _ADJUSTERS:
        _ADJUSTERS.append(adjuster)


def registered() -> tuple[Adjuster, ...]:
    return tuple(_ADJUSTERS)


def apply(components: Mapping[str, int], asked: Sequence[Reduction]) -> AdjustedPrice:
    """Take each reduction off its component, at most what is left of it (pure)."""
    left = {name: int(cents) for name, cents in components.items()}
    taken = []
    for reduction in asked:
        cents = min(max(0, reduction.cents), max(0, left.get(reduction.component, 0)))
        if cents <= 0:
            continue
        left[reduction.component] -= cents
        taken.append(
            reduction
            if cents == reduction.cents
            else Reduction(
                reduction.code, reduction.component, cents, reduction.text, reduction.subject
            )
        )
    return AdjustedPrice(left, tuple(taken))


def adjust_many(
    person_id: int, offers: Mapping[int, Mapping[str, int]]
) -> dict[int, AdjustedPrice]:
    """The price of each offer (by offer id) for this person after every registered adjuster:
    the one source of "this person's price" for a single plan and for a page of plans."""
    asked: dict[int, list[Reduction]] = {offer_id: [] for offer_id in offers}
    if offers:
        for adjuster in _ADJUSTERS:
            for offer_id, reductions in adjuster(person_id, offers).items():
                if offer_id in asked:
                    asked[offer_id].extend(reductions)
    return {offer_id: apply(components, asked[offer_id]) for offer_id, components in offers.items()}


def adjust(person_id: int, offer_id: int | None, components: Mapping[str, int]) -> AdjustedPrice:
    """The price of ``offer_id`` for this person after every registered adjuster."""
    if offer_id is None:
        return AdjustedPrice(dict(components))
    return adjust_many(person_id, {offer_id: components})[offer_id]
