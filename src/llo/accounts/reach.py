# SPDX-License-Identifier: EUPL-1.2
"""Who a funder reaches: the only persons it may deposit to, and the only persons whose name
it sees (issue 14, item 2; docs/decisions/010-funder-reach.md).

* an employer: its employees on the date (an employment with it that runs on that day);
* an O&O fund: the employees on the date of its member firms
  (:class:`~llo.people.models.FundMembership`) or of any firm, in its sector;
* a gemeente: its residents;
* UWV: its clients on the date (:class:`~llo.people.models.ClientRelation`, registered by
  UWV itself: llo does not guess them from what people say about their work);
* the state's schemes: anyone who fits the budget's conditions about persons (labour
  position, region, gemeente, sector); without a budget, anyone.

One rule, used by every deposit (form, file, API, command: :mod:`llo.accounts.services
.deposits`), by the funder's pages and export (names) and by the deposit form's list. A person
outside the reach and a BSN llo does not know are the same to a funder: both are refused with
one message, along one path (one query that finds only reached persons), so a funder cannot
learn which BSNs llo knows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from llo.accounts.models import Budget, Funder, FunderKind
from llo.people.models import ClientRelation, Employment, FundMembership, Person


def _running(on: dt.date) -> Q:
    """A relation with ``start`` and ``end`` (inclusive, open-ended) that runs on ``on``."""
    return Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on))


def _jobs(on: dt.date) -> QuerySet[Employment]:
    return Employment.objects.filter(_running(on), person=OuterRef("pk"))


def reach(funder: Funder, on: dt.date, budget: Budget | None = None) -> QuerySet[Person]:
    """The persons ``funder`` reaches on ``on`` (for a state budget: who fits ``budget``'s
    conditions about persons). Unordered, each person once."""
    org = funder.organisation
    persons = Person.objects.all()
    if funder.kind == FunderKind.EMPLOYER:
        return persons.filter(Exists(_jobs(on).filter(employer_id=org.pk)))
    if funder.kind == FunderKind.SECTOR_FUND:
        members = FundMembership.objects.filter(_running(on), fund_id=org.pk).values("employer_id")
        of_fund = Q(employer_id__in=members)
        if org.sector:
            of_fund |= Q(sector=org.sector)
        return persons.filter(Exists(_jobs(on).filter(of_fund)))
    if funder.kind == FunderKind.MUNICIPALITY:
        if not org.gemeente_id:
            return persons.none()
        return persons.filter(gemeente_id=org.gemeente_id)
    if funder.kind == FunderKind.UWV:
        clients = ClientRelation.objects.filter(
            _running(on), organisation_id=org.pk, person=OuterRef("pk")
        )
        return persons.filter(Exists(clients))
    if funder.kind == FunderKind.STATE:
        return _eligible(persons, budget.conditions if budget else {}, on)
    return persons.none()


def _eligible(
    persons: QuerySet[Person], conditions: dict[str, Any], on: dt.date
) -> QuerySet[Person]:
    """The persons who fit a state budget's conditions about persons (the stored keys of
    :class:`llo.accounts.conditions.Conditions` and the engine's ``gemeenten``); the
    conditions about a training are checked when the money is used."""
    positions = conditions.get("labour_positions") or []
    if positions:
        persons = persons.filter(labour_position__in=list(positions))
    regions = conditions.get("regions") or []
    if regions:
        persons = persons.filter(gemeente__region_id__in=list(regions))
    gemeenten = conditions.get("gemeenten") or []
    if gemeenten:
        persons = persons.filter(gemeente_id__in=list(gemeenten))
    sectors = conditions.get("sectors") or []
    if sectors:
        persons = persons.filter(Exists(_jobs(on).filter(sector__in=list(sectors))))
    return persons


def reach_of_budget(budget: Budget, on: dt.date) -> QuerySet[Person]:
    """Whom a deposit from ``budget`` on ``on`` may go to, and whose names its pages show."""
    return reach(budget.funder, on, budget)


def names(budget: Budget, on: dt.date, person_ids: Iterable[int]) -> dict[int, str]:
    """Person id → name, for the persons among ``person_ids`` that ``budget``'s funder reaches
    on ``on``; the others are left out (a funder sees a name only for its own people)."""
    ids = sorted({int(p) for p in person_ids})
    found: dict[int, str] = {}
    for start in range(0, len(ids), 2000):
        found.update(
            reach_of_budget(budget, on)
            .filter(pk__in=ids[start : start + 2000])
            .values_list("pk", "display_name")
        )
    return found
