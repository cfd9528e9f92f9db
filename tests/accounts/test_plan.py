# SPDX-License-Identifier: EUPL-1.2
"""The funding plan: the allocation as properties, and the personas' plans explained in B1."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from llo.accounts import services
from llo.accounts.models import Right, RightKind
from llo.accounts.plan import LineReason, PlanRight, allocate, funding_plan, funding_plans
from llo.core.identifiers import Level
from llo.core.money import Money
from llo.schemes.facts import OfferFacts
from tests.accounts.conftest import ACTOR, employ, make_budget, make_org, make_person

ON = dt.date(2026, 3, 1)
COMPONENTS = ("tuition", "exam", "materials")


def co_payment_cents(price_cents: int, pct: int) -> int:
    """The person's part as the rules engine computes it (funder_co_payment_cents): at least
    ``pct`` % of the price, rounded up."""
    return -(-price_cents * pct // 100) if pct else 0


def training(fee: int, exam: int = 0, **facts: object) -> OfferFacts:
    values: dict[str, object] = {
        "level": Level.EQF_3, "offer_type": "course", "fee_cents": fee, "exam_cents": exam,
        "materials_cents": 0, "prices_include_vat": True, "in_register": True,
        "quality_mark_valid": True, "purpose": "grow", "start_date": None,
    }  # fmt: skip
    values.update(facts)
    return OfferFacts(**values)  # type: ignore[arg-type]


prices = st.dictionaries(
    st.sampled_from(COMPONENTS), st.integers(0, 300_000), min_size=1, max_size=3
)


@st.composite
def plan_rights(draw: st.DrawFn, simple: bool = False) -> list[PlanRight]:
    n = draw(st.integers(0, 6))
    rights = []
    for i in range(n):
        pct = 0 if simple else draw(st.sampled_from([0, 0, 10, 20, 33, 100]))
        # The rules engine gives the co-payment in cents of the whole price; the allocation
        # is tested over prices drawn separately, so the property reads the percentage.
        rights.append(
            PlanRight(
                right_id=i + 1,
                balance_cents=draw(st.integers(0, 200_000)),
                valid_until=draw(st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2029, 12, 31))),
                funder_kind=draw(
                    st.sampled_from(["employer", "sector_fund", "municipality", "uwv"])
                ),
                eligible=True if simple else draw(st.booleans()),
                co_payment_pct=pct,
                subsidiary=draw(st.booleans()),
                earmarked=draw(st.booleans()),
                components=None
                if simple
                else draw(st.none() | st.frozensets(st.sampled_from(COMPONENTS), min_size=1)),
                max_cents=None if simple else draw(st.none() | st.integers(1, 150_000)),
                accumulation_cap_cents=None
                if simple
                else draw(st.none() | st.integers(1, 300_000)),
                spendable=True if simple else draw(st.booleans() | st.just(True)),
            )
        )
    return rights


def _with_co_payments(price: dict[str, int], rights: list[PlanRight]) -> list[PlanRight]:
    total = sum(c for c in price.values() if c > 0)
    return [
        dataclasses.replace(r, co_payment_cents=co_payment_cents(total, r.co_payment_pct))
        for r in rights
    ]


@given(prices, plan_rights())
def test_allocation_never_pays_too_much(price: dict[str, int], rights: list[PlanRight]) -> None:
    rights = _with_co_payments(price, rights)
    result = allocate(price, rights, ON)
    total = sum(price.values())
    by_id = {r.right_id: r for r in rights}
    assert sorted(line.right_id for line in result.lines) == sorted(by_id)  # each right once
    assert 0 <= result.funded_cents <= total
    assert result.own_cents == total - result.funded_cents
    for line in result.lines:
        right = by_id[line.right_id]
        assert 0 <= line.amount_cents <= max(0, right.balance_cents)
        if right.max_cents is not None:
            assert line.amount_cents <= right.max_cents
        if right.components is not None:
            assert line.amount_cents <= sum(price.get(c, 0) for c in right.components)
        usable = (
            right.spendable
            and right.eligible
            and (right.valid_until is None or right.valid_until >= ON)
        )
        if not usable:
            assert line.amount_cents == 0
        if line.amount_cents > 0:
            assert line.reason == LineReason.PAYS
            # the co-payment of every right that pays is respected
            assert result.own_cents >= co_payment_cents(total, right.co_payment_pct)
            if right.accumulation_cap_cents is not None:
                assert result.funded_cents <= right.accumulation_cap_cents


@given(prices, plan_rights(simple=True))
def test_without_caps_the_rights_pay_as_much_as_they_can_soonest_expiring_first(
    price: dict[str, int], rights: list[PlanRight]
) -> None:
    result = allocate(price, rights, ON)
    total = sum(price.values())
    valid = [r for r in rights if r.valid_until is None or r.valid_until >= ON]
    assert result.funded_cents == min(total, sum(r.balance_cents for r in valid))
    # order: a right later in line only pays when every earlier one is empty
    paid = {line.right_id: line.amount_cents for line in result.lines}
    ordered = sorted(
        valid,
        key=lambda r: (r.subsidiary, not r.earmarked, r.valid_until or dt.date.max, r.right_id),
    )
    for i, later in enumerate(ordered):
        if paid[later.right_id] > 0:
            for earlier in ordered[:i]:
                assert paid[earlier.right_id] == earlier.balance_cents


def test_co_payment_binds_only_when_the_right_is_used() -> None:
    rights = [
        PlanRight(
            1,
            100_000,
            dt.date(2026, 6, 1),
            "sector_fund",
            True,
            co_payment_cents=20_000,
            co_payment_pct=20,
        ),
        PlanRight(2, 100_000, dt.date(2027, 6, 1), "employer", True),
    ]
    result = allocate({"tuition": 100_000}, rights, ON)
    assert [line.amount_cents for line in result.lines] == [80_000, 0]
    assert result.own_cents == 20_000
    assert result.lines[1].reason == LineReason.CAPPED


def test_subsidiary_public_money_comes_last() -> None:
    rights = [
        PlanRight(1, 100_000, dt.date(2026, 4, 1), "municipality", True, subsidiary=True),
        PlanRight(2, 30_000, dt.date(2028, 1, 1), "employer", True),
    ]
    result = allocate({"tuition": 50_000}, rights, ON)
    assert [(line.right_id, line.amount_cents) for line in result.lines] == [
        (2, 30_000),
        (1, 20_000),
    ]


def test_earmarked_money_comes_before_money_for_any_training() -> None:
    """Decision 015: the gemeente's NT1 voucher (only basic-skills courses) pays a basic-skills
    course before the employer's budget that expires sooner but could pay any training; a
    subsidiary right stays last even when it is earmarked."""
    rights = [
        PlanRight(1, 50_000, dt.date(2027, 3, 1), "employer", True),
        PlanRight(2, 120_000, dt.date(2028, 6, 1), "municipality", True, earmarked=True),
    ]
    result = allocate({"tuition": 90_000}, rights, ON)
    assert [(line.right_id, line.amount_cents) for line in result.lines] == [(2, 90_000), (1, 0)]
    assert result.lines[1].reason == LineReason.NOTHING_LEFT
    subsidiary = [rights[0], dataclasses.replace(rights[1], subsidiary=True)]
    result = allocate({"tuition": 90_000}, subsidiary, ON)
    assert [(line.right_id, line.amount_cents) for line in result.lines] == [
        (1, 50_000),
        (2, 40_000),
    ]


# --- from the database, explained ---------------------------------------------------------------


@pytest.mark.django_db
@translation.override("en")
def test_fatimas_plan_combines_her_funders_and_says_she_pays_nothing() -> None:
    fatima = make_person(name="Fatima", gemeente="GM0599", level="eqf_2")
    retailflex = make_org("employer", name="RetailFlex", sector="retail")
    employ(fatima, retailflex, cao="CAO Retail", sector="retail")
    employer = services.ensure_funder(retailflex)
    fund = services.ensure_funder(make_org("oo_fund", name="O&O-fonds Retail", sector="retail"))
    rotterdam = services.ensure_funder(make_org("municipality", name="Gemeente Rotterdam"))
    y2025 = make_budget(
        employer, name="Ontwikkelbudget 2025", start=dt.date(2025, 1, 1), end=dt.date(2026, 12, 31)
    )
    y2026 = make_budget(
        employer, name="Ontwikkelbudget 2026", conditions={"purposes": ["grow", "switch"]}
    )
    retail = make_budget(fund, name="Scholingsbudget retail", conditions={"sectors": ["retail"]})
    nt1 = make_budget(
        rotterdam,
        name="Basisvaardigheden",
        conditions={"offer_types": ["basic_skills"], "regions": ["AM22"], "subsidiary": True},
    )
    services.deposit(
        actor=ACTOR, budget=y2025, person=fatima, amount=Money(50_000), on=dt.date(2025, 3, 1)
    )
    services.deposit(actor=ACTOR, budget=y2026, person=fatima, amount=Money(50_000), on=ON)
    services.deposit(actor=ACTOR, budget=retail, person=fatima, amount=Money(15_000), on=ON)
    services.deposit(actor=ACTOR, budget=nt1, person=fatima, amount=Money(120_000), on=ON)
    Right.objects.create(
        person=fatima,
        funder=rotterdam,
        kind=RightKind.LOAN_CAPACITY,
        info_amount_cents=1_500_000,
        info_text="Levenlanglerenkrediet",
        valid_from=ON,
    )

    care = training(140_000, 10_000, offer_type="programme", purpose="switch")
    plan = funding_plan(fatima, care, ON, title="Helpende zorg en welzijn")
    paying = [(line.budget, line.amount_cents) for line in plan.lines if line.amount_cents]
    # soonest expiring first: 2025's money (until 2027-03-01), then 2026's, then the fund's
    assert paying == [
        ("Ontwikkelbudget 2025", 50_000),
        ("Ontwikkelbudget 2026", 50_000),
        ("Scholingsbudget retail", 15_000),
    ]
    assert plan.own_cents == 150_000 - 115_000
    nt1_line = next(line for line in plan.lines if line.budget == "Basisvaardigheden")
    assert nt1_line.reason == LineReason.NOT_ELIGIBLE
    assert nt1_line.text == (
        "Gemeente Rotterdam does not pay for this training. "
        "Gemeente Rotterdam betaalt alleen een cursus basisvaardigheden."
    )
    assert [r.condition for r in nt1_line.conditions if not r.passed] == ["funder_offer_type_ok"]
    info = next(line for line in plan.lines if line.kind == RightKind.LOAN_CAPACITY)
    assert info.reason == LineReason.INFORMATION

    basic = training(90_000, level=Level.EQF_0, offer_type="basic_skills", purpose="work")
    plan = funding_plan(fatima, basic, ON)
    assert plan.own_cents == 0
    assert plan.own_text == "You pay € 0,00 yourself."
    # the employer's 2025 money has no conditions, so it pays first; the municipality said
    # "other money first" and pays the rest
    assert [(line.budget, line.amount_cents) for line in plan.lines if line.amount_cents] == [
        ("Ontwikkelbudget 2025", 50_000),
        ("Scholingsbudget retail", 15_000),
        ("Basisvaardigheden", 25_000),
    ]
    assert all(line.text for line in plan.lines)
    # The demo's gemeente does not say "other money first" (decision 015): its money is
    # earmarked for basic skills, so it pays the course in full and the employer's is kept.
    Right.objects.filter(budget=nt1).update(
        conditions={"offer_types": ["basic_skills"], "regions": ["AM22"]}
    )
    earmarked = funding_plan(fatima, basic, ON)
    assert [(ln.budget, ln.amount_cents) for ln in earmarked.lines if ln.amount_cents] == [
        ("Basisvaardigheden", 90_000)
    ]
    assert earmarked.own_cents == 0
    Right.objects.filter(budget=nt1).update(
        conditions={"offer_types": ["basic_skills"], "regions": ["AM22"], "subsidiary": True}
    )

    # The same plans for several offers from one run of the rules engine (offers x rights).
    offers = [(care, "Helpende zorg en welzijn"), (basic, "Taal"), (training(1, 0), "Bijna gratis")]
    many = funding_plans(fatima, offers, ON)
    for (offer, title), batch in zip(offers, many, strict=True):
        one = funding_plan(fatima, offer, ON, title=title)
        assert [(x.right_id, x.amount_cents, x.reason, x.text) for x in batch.lines] == [
            (x.right_id, x.amount_cents, x.reason, x.text) for x in one.lines
        ]
        assert batch.own_cents == one.own_cents


def test_money_that_ends_before_the_course_starts_pays_nothing() -> None:
    """A € 1.200 voucher valid until 5 July 2027 was reserved for a course that starts on
    4 September 2027 (issue 15, "also seen"): valid on the day of applying is not enough, it
    must still be valid on the first day of the course. The employer's money pays instead."""
    voucher = PlanRight(1, 120_000, dt.date(2027, 7, 5), "municipality", True)
    employer = PlanRight(2, 50_000, dt.date(2028, 1, 1), "employer", True)
    applied, starts = dt.date(2027, 6, 1), dt.date(2027, 9, 4)
    result = allocate({"tuition": 120_000}, [voucher, employer], applied, starts)
    assert [(line.right_id, line.amount_cents, line.reason) for line in result.lines] == [
        (1, 0, LineReason.ENDS_BEFORE_START),
        (2, 50_000, LineReason.PAYS),
    ]
    assert result.own_cents == 70_000
    # Without a known start (a search result) and for a course within its dates it pays.
    assert allocate({"tuition": 120_000}, [voucher], applied).lines[0].amount_cents == 120_000
    within = allocate({"tuition": 120_000}, [voucher], applied, dt.date(2027, 7, 5))
    assert within.lines[0].amount_cents == 120_000
