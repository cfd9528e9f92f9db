# SPDX-License-Identifier: EUPL-1.2
"""Builders for the tests of windows as pages: a day in December 2026 (STAP ended in 2023,
the LLO scheme starts in 2027), UWV's budget for job seekers, an offer, a job seeker."""

from __future__ import annotations

import datetime as dt
from typing import Any

from llo.accounts import services as accounts
from llo.accounts.models import Budget
from llo.core.money import Money
from llo.core.timeutil import AMSTERDAM
from llo.enrolment import services
from llo.enrolment.models import Window
from llo.people.models import Person
from llo.register.models import Offer, Offering
from tests.accounts.conftest import make_org, make_person
from tests.enrolment.conftest import ACTOR, make_offer, make_provider

#: "Today" in these tests.
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=AMSTERDAM)
TODAY = NOW.date()
CONDITIONS = {"labour_positions": ["job_seeker"], "purposes": ["work", "switch"]}


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=AMSTERDAM)


def uwv_budget(
    *, scheme: str = "", total: int = 100_000_000, conditions: dict[str, Any] | None = None
) -> Budget:
    funder = accounts.ensure_funder(make_org("uwv", name="UWV"))
    return accounts.create_budget(
        actor=ACTOR,
        funder=funder,
        name="Scholing naar werk",
        total=Money(total),
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2027, 9, 30),
        conditions=CONDITIONS if conditions is None else conditions,
        scheme=scheme,
    )


def request(**fields: Any) -> services.WindowRequest:
    values: dict[str, Any] = {
        "name": "Scholing naar werk, ronde 2",
        "opens_at": at(TODAY),
        "closes_at": at(TODAY + dt.timedelta(days=21), 17),
        "budget_cents": 5_000_000,
        "scheme": "funder",
        "policy": "fcfs",
        "max_per_person_cents": 250_000,
    }
    values.update(fields)
    return services.WindowRequest(**values)


def open_round(budget: Budget, **fields: Any) -> Window:
    return services.open_window(actor=ACTOR, budget=budget, request=request(**fields), at=NOW)


def training(fee: int = 618_000, start: dt.date = dt.date(2027, 2, 11)) -> tuple[Offer, Offering]:
    """A published course that can be followed online (so near anyone)."""
    offer, offering = make_offer(make_provider("ROC Stap"), fee=fee, start=start)
    Offer.objects.filter(pk=offer.pk).update(online=True)
    offer.online = True
    return offer, offering


def job_seeker(level: str = "eqf_6") -> Person:
    return make_person(level=level, position="job_seeker", gemeente="GM0344")
