# SPDX-License-Identifier: EUPL-1.2
"""The funding plan of every demo persona for every demo offer they could apply for, as plain
data: the yardstick that keeps the personas' plans the same when the rules move (issue 13,
"one source for rules": the plans before and after must agree, except for defects fixed on
purpose, each named in ``tests/demo/test_demo_funding_plans.py``).

An offer a persona "could apply for" is a published offer with an active offering that starts
after the date, given in the persona's labour-market region or online (the apply page lets a
person apply anywhere; the region keeps the set to about 3,000 offers each instead of 20,000).

The demo data depends on the day it is loaded (offerings start from the current month, the
personas' own applications are made "today"), so both the script that writes the fixture
(``scripts/demo_funding_plans.py``) and the test load it at :data:`FROZEN_AT`.

A persona's rights are listed once (``rights``: funder, budget, kind); each plan is
``[price, own, [[amount, reason, failed, unknown], ...]]`` with one entry per right in that
order (``failed``: the right's conditions that are not met; ``unknown``: those that cannot be
decided yet; both sorted), so the fixture is one line per offer and a difference reads as
"this offer, this right". The fixture written before the move has no ``unknown`` (the Python
checker had no such outcome) and its own codes for the conditions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from llo.accounts import selectors
from llo.accounts.models import Right, RightStatus
from llo.demo import personas
from llo.people.models import Person
from llo.register.models import Offer, OfferingState, OfferState

#: The instant the demo is loaded and the plans are made (a Tuesday morning in Amsterdam).
FROZEN_AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
ON = dt.date(2026, 12, 1)


def offer_key(offer: Offer) -> str:
    """Stable over databases and loads: the provider's KvK number and its own offer code."""
    return f"{offer.opleider.organisation.kvk}:{offer.code}"


def reachable_offers(person: Person, on: dt.date) -> QuerySet[Offer]:
    region = person.gemeente.region_id
    return (
        Offer.objects.filter(
            state=OfferState.PUBLISHED,
            offerings__state=OfferingState.ACTIVE,
            offerings__start_date__gt=on,
        )
        .filter(Q(gemeenten__region_id=region) | Q(online=True))
        .select_related("opleider__organisation")
        .prefetch_related("opleider__quality_marks", "gemeenten")
        .distinct()
        .order_by("opleider__organisation__kvk", "code")
    )


def _right_label(right: Right) -> str:
    budget = right.budget.name if right.budget else right.info_text
    return f"{right.funder.organisation.name} | {budget} | {right.kind}"


def persona_rights(person: Person) -> list[Right]:
    rights = (
        selectors.rights_of(person.pk)
        .filter(status=RightStatus.ACTIVE)
        .select_related("funder__organisation", "budget")
        .order_by("pk")
    )
    return sorted(rights, key=lambda r: (_right_label(r), r.valid_from, r.pk))


def plans_of(person: Person, offers: Iterable[Offer], on: dt.date) -> dict[str, list[Any]]:
    """``{offer key: [price, own, [[amount, reason, failed, unknown], ...]]}`` in the order of
    :func:`persona_rights`: the plans of all offers from one run of the rules engine
    (``accounts.plan.funding_plans``)."""
    from llo.accounts.plan import WEIGHED_BY_THE_PLAN, funding_plans
    from llo.schemes.facts_adapter import offer_facts

    order = {right.pk: i for i, right in enumerate(persona_rights(person))}
    chosen = list(offers)
    facts = [(offer_facts(offer, on)[0], offer.title, offer.pk) for offer in chosen]
    result: dict[str, list[Any]] = {}
    for offer, plan in zip(chosen, funding_plans(person, facts, on), strict=True):
        lines: list[list[Any]] = [[0, "", [], []] for _ in order]
        for line in plan.lines:
            # The conditions the allocation weighs itself show as its reasons (empty, nothing
            # left), not as failed conditions.
            decided = [c for c in line.conditions if c.condition not in WEIGHED_BY_THE_PLAN]
            failed = sorted(c.condition for c in decided if not c.passed and not c.unknown)
            unknown = sorted(c.condition for c in decided if c.unknown)
            lines[order[line.right_id]] = [line.amount_cents, line.reason, failed, unknown]
        result[offer_key(offer)] = [plan.price_cents, plan.own_cents, lines]
    return result


def snapshot(on: dt.date = ON) -> dict[str, Any]:
    """The plans of every persona of ``llo.demo.personas`` found in the database."""
    out: dict[str, Any] = {"on": on.isoformat(), "personas": {}}
    for spec in personas.PERSONS:
        person = Person.objects.by_bsn(spec.bsn)
        if person is None:
            continue
        rights = persona_rights(person)
        out["personas"][spec.key] = {
            "rights": [_right_label(r) for r in rights],
            "plans": plans_of(person, reachable_offers(person, on), on),
        }
    return out


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Every difference between two snapshots, one readable line each."""
    found: list[str] = []
    if before.get("on") != after.get("on"):
        found.append(f"date: {before.get('on')} -> {after.get('on')}")
    old_people, new_people = before.get("personas", {}), after.get("personas", {})
    for key in sorted(set(old_people) | set(new_people)):
        old, new = old_people.get(key), new_people.get(key)
        if old is None or new is None:
            found.append(f"{key}: persona {'added' if old is None else 'missing'}")
            continue
        if old["rights"] != new["rights"]:
            found.append(f"{key}: rights {old['rights']} -> {new['rights']}")
            continue
        for offer in sorted(set(old["plans"]) | set(new["plans"])):
            was, now = old["plans"].get(offer), new["plans"].get(offer)
            if was == now:
                continue
            if was is None or now is None:
                found.append(f"{key} {offer}: offer {'added' if was is None else 'missing'}")
                continue
            if was[:2] != now[:2]:
                found.append(f"{key} {offer}: price/own {was[:2]} -> {now[:2]}")
            for right, a, b in zip(old["rights"], was[2], now[2], strict=True):
                if a != b:
                    found.append(f"{key} {offer} [{right}]: {a} -> {b}")
    return found
