# SPDX-License-Identifier: EUPL-1.2
"""Builders for learning-account tests: organisations, persons, funders and budgets."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from llo.accounts import services
from llo.accounts.models import Budget, Funder
from llo.core import audit, crypto
from llo.core.money import Money
from llo.people.models import Employment, Organisation, Person

ACTOR = audit.Actor("test:accounts", "beheer")
TODAY = dt.date(2026, 3, 1)

_counter = itertools.count(1)


def deposited() -> int:
    """Rights and deposit lines together: what deposits have written per person (a line
    becomes a right when first read, lines.claim)."""
    from llo.accounts.models import DepositLine, Right

    return Right.objects.count() + DepositLine.objects.count()


def valid_bsn(n: int) -> str:
    """The n-th test BSN that passes the 11-proef (9 digits, starting with 9)."""
    for candidate in itertools.count(900_000_000 + n * 100):
        digits = [int(d) for d in f"{candidate:09d}"]
        total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
        if total % 11 == 0:
            return f"{candidate:09d}"
    raise AssertionError("unreachable")


def make_person(
    *,
    name: str = "",
    gemeente: str = "GM0599",
    level: str = "eqf_2",
    position: str = "flex",
    employer: Organisation | None = None,
) -> Person:
    """A person without the cost of Fernet: tests of money do not need a real BSN cipher.
    With ``employer``: employed there since 2020, so that employer reaches them (a funder
    deposits only to its own people, llo.accounts.reach)."""
    n = next(_counter)
    bsn = valid_bsn(n)
    person = Person.objects.create(
        bsn_encrypted=crypto.encrypt(bsn),
        bsn_hash=crypto.keyed_hash(bsn),
        display_name=name or f"Persoon {n}",
        birth_date=dt.date(1980, 1, 1),
        highest_level=level,
        labour_position=position,
        gemeente_id=gemeente,
    )
    if employer is not None:
        employ(person, employer)
    return person


def make_org(
    kind: str = "employer", *, name: str = "", sector: str = "", gemeente: str = "GM0599"
) -> Organisation:
    n = next(_counter)
    return Organisation.objects.create(
        kvk=f"{80_000_000 + n:08d}",
        name=name or f"Organisatie {n}",
        kind=kind,
        sector=sector,
        employees=18 if kind == "employer" else None,
        gemeente_id=gemeente,
    )


def employ(
    person: Person,
    employer: Organisation,
    cao: str = "CAO Bakkers",
    sector: str = "bakery",
    start: dt.date = dt.date(2020, 1, 1),
) -> Employment:
    return Employment.objects.create(
        person=person, employer=employer, cao=cao, sector=sector, start=start
    )


def make_budget(
    funder: Funder,
    total_cents: int = 1_000_000,
    *,
    name: str = "Leerbudget 2026",
    conditions: dict[str, Any] | None = None,
    start: dt.date = dt.date(2026, 1, 1),
    end: dt.date = dt.date(2026, 12, 31),
    portability: str = "person",
    months: int = 24,
    key: str | None = None,
) -> Budget:
    return services.create_budget(
        actor=ACTOR,
        funder=funder,
        name=name,
        total=Money(total_cents),
        period_start=start,
        period_end=end,
        conditions=conditions,
        portability=portability,
        right_validity_months=months,
        idempotency_key=key,
    )


@pytest.fixture
def actor() -> audit.Actor:
    return ACTOR


@pytest.fixture
def person(employer: Organisation) -> Person:
    """A person the ``funder`` fixture (their employer) reaches."""
    return make_person(name="Fatima El Amrani", employer=employer)


@pytest.fixture
def employer(db: None) -> Organisation:
    return make_org("employer", name="Bakkerij de Korenaar", sector="bakery")


@pytest.fixture
def funder(employer: Organisation) -> Funder:
    return services.ensure_funder(employer)


@pytest.fixture
def budget(funder: Funder) -> Budget:
    return make_budget(funder)


@pytest.fixture
def provider(db: None) -> Organisation:
    return make_org("provider", name="Academie Vakwerk")


@pytest.fixture
def persons(employer: Organisation) -> Callable[[int], list[Person]]:
    """Persons the ``funder`` fixture (their employer) reaches."""
    return lambda n: [make_person(employer=employer) for _ in range(n)]
