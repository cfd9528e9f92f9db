# SPDX-License-Identifier: EUPL-1.2
"""The demo learning accounts: the personas' money as JOURNEYS.md tells it; idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from llo.accounts import services
from llo.accounts.models import Budget, LedgerTransaction, Right, RightKind
from llo.accounts.plan import funding_plan
from llo.core.identifiers import Level
from llo.demo import loader, personas
from llo.demo.accounts import load_accounts
from llo.people.models import Person
from llo.schemes.facts import OfferFacts


def _offer(fee: int, level: Level, kind: str, **facts: Any) -> OfferFacts:
    return OfferFacts(
        level=level, offer_type=kind, fee_cents=fee, exam_cents=0, materials_cents=0,
        prices_include_vat=True, in_register=True, quality_mark_valid=True,
        start_date=None, **{"purpose": None, **facts},
    )  # fmt: skip


pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _people_and_register_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """loader.load() also loads the accounts, enrolment and windows demos; these tests load the
    accounts themselves and check them before any application uses the money."""
    monkeypatch.setattr(loader, "load_accounts", lambda *, seed: {})
    monkeypatch.setattr(loader, "load_enrolment", lambda *, seed: {})
    monkeypatch.setattr(loader, "load_windows", lambda *, seed: {})


def persona(key: str) -> Person:
    spec = next(p for p in personas.PERSONS if p.key == key)
    person = Person.objects.by_bsn(spec.bsn)
    assert person is not None
    return person


def test_demo_accounts_are_deterministic_and_idempotent() -> None:
    loader.load(persons=400)
    first = load_accounts(seed=7)
    assert first["budgets"] == 9  # O&O-fonds Techniek 2025 too (Jan saved it: issue 16)
    assert first["rights"] > 10
    assert first["reservations"] > 0
    counts = (Budget.objects.count(), Right.objects.count(), LedgerTransaction.objects.count())
    second = load_accounts(seed=7)
    assert second["budgets"] == second["rights"] == second["information_rights"] == 0
    assert (
        Budget.objects.count(),
        Right.objects.count(),
        LedgerTransaction.objects.count(),
    ) == counts
    assert services.verify_ledger() == []

    fatima = persona("fatima")
    money = Right.objects.filter(person=fatima, kind__in=["money", "voucher"])
    by_budget = sorted((r.budget.name, r.balance_cents) for r in money)
    assert by_budget == [
        ("Basisvaardigheden Rotterdam 2026", 120_000),
        ("Ontwikkelbudget 2025", 50_000),
        ("Ontwikkelbudget 2026", 50_000),
        ("Scholingsbudget retail 2026", 15_000),
    ]
    with translation.override("en"):
        nt1 = funding_plan(fatima, _offer(90_000, Level.EQF_0, "basic_skills", purpose="work"), ON)
    assert nt1.own_cents == 0
    assert nt1.own_text == "You pay € 0,00 yourself."

    jan = persona("jan")
    weld = _offer(180_000, Level.EQF_5, "microcredential", occupations=(7212,), purpose="grow")
    plan = funding_plan(jan, weld, ON)
    assert plan.own_cents == 36_000  # 20 % co-payment above NLQF 4
    assert Right.objects.filter(person=persona("sanne"), kind=RightKind.LOAN_CAPACITY).exists()
    assert Right.objects.filter(person=persona("mohammed"), kind=RightKind.DRAWING_RIGHT).exists()
