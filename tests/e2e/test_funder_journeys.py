# SPDX-License-Identifier: EUPL-1.2
"""The public and sector funders' journeys (JOURNEYS.md) in chromium, as each would click:

* O&O-fonds Techniek makes a sector budget with its own conditions (occupations on its
  sector list, the metal sector, 20 % co-payment above NLQF 4), deposits € 1.500 to the
  workers of its member firms (a retail worker, outside its member firms and its sector, is
  not offered: decision 010), and sees its money used: Jan applies for a welding course, the
  fund pays it, his plan for a level-5 course shows his 20 %, and the budget page shows what
  is reserved and the use per member firm;
* Gemeente Rotterdam pays basic-skills (NT1) courses in full for residents who need them:
  a voucher budget for Rijnmond, deposited to its residents (someone in Enschede is not
  offered); Fatima applies for an NT1 course and pays € 0; the gemeente sees how many
  residents have money and what is reserved.

Each funder's own money is the only money of the person in these worlds, so the assertions
do not depend on the order in which several funders' money is used (that order is policy:
issue 15, the closing note on Fatima). Every page: axe-core WCAG 2.2 AA and the Dutch checker.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from llo.accounts import selectors as account_selectors
from llo.accounts.models import Budget, Right
from llo.core.timeutil import today
from llo.demo import accounts as demo_accounts
from tests.accounts.conftest import employ, make_org, make_person
from tests.e2e.journey_world import (
    apply_from_offer_page,
    check,
    offering,
    org,
    person,
    provider,
)
from tests.e2e.test_browser import log_in_as, nl

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NewContext = Callable[..., BrowserContext]


def _make_budget(page: Page, name: str, total: str, per_person: str) -> None:
    """The first fields of the budget form: name, money and the days it runs."""
    page.get_by_label(nl("Name of the budget")).fill(name)
    page.get_by_label(nl("Total amount")).fill(total)
    page.get_by_label(nl("From"), exact=True).fill(today().isoformat())
    page.get_by_label(nl("Until"), exact=True).fill(f"{today().year + 1}-12-31")
    page.get_by_label(nl("Amount per person")).fill(per_person)


def the_sector_fund_deposits_under_its_conditions_and_sees_its_money_used(
    app: str, new_context: NewContext
) -> None:
    fund_page = new_context(bypass_csp=True).new_page()
    log_in_as(fund_page, app, "ootechniek")  # makes the personas
    demo_accounts._persona_employments()  # Jan at Metaalbedrijf Twente Precisie
    demo_accounts._reach_relations()  # its member firms: Twente Precisie and Hengelo
    jan = person("jan")
    colleague = make_person(name="Monteur Hengelo", gemeente="GM0164", level="eqf_3")
    employ(colleague, org("hengelo"), cao="CAO Metaal en Techniek", sector="metal")
    outsider = make_person(name="Verkoper Elders", gemeente="GM0153", level="eqf_3")
    employ(outsider, make_org(name="Winkel Elders", sector="retail"), sector="retail")
    vakwerk = provider("vakwerk")
    welding = offering(
        vakwerk, "F-LAS", "Lassen MIG/MAG", kind="microcredential", level="eqf_3",
        cents=90_000, occupation="lasser",
    )  # fmt: skip
    planning = offering(
        vakwerk, "F-WVB", "Werkvoorbereiding metaal", kind="course", level="eqf_5",
        cents=50_000, occupation="lasser",
    )  # fmt: skip
    fund_page.reload()
    check(fund_page)

    # A sector budget with the fund's own conditions.
    fund_page.locator("main").get_by_role("link", name=nl("Make a sector budget")).click()
    check(fund_page)
    name = f"Scholingsbudget techniek {today().year + 1}"
    _make_budget(fund_page, name, "15.000,00", "1.500,00")
    fund_page.get_by_label(nl("Occupations the training must lead to")).fill("lasser\n7233")
    fund_page.get_by_label("Metaal en techniek").check()
    fund_page.get_by_label(nl("Own contribution of the person (%)")).fill("20")
    fund_page.get_by_label(nl("Own contribution only for training above")).select_option("eqf_4")
    fund_page.get_by_role("button", name=nl("Make the budget")).click()
    fund_page.wait_for_url(re.compile(r"/financier/budgetten/\d+$"))
    check(fund_page)
    budget = Budget.objects.get(name=name)
    assert budget.total_cents == 1_500_000
    assert set(budget.conditions["occupations"]) == {"7212", "7233"}
    assert budget.conditions["sectors"] == ["metal"]
    assert (budget.conditions["co_payment_pct"], budget.conditions["co_payment_above_level"]) == (
        20,
        "eqf_4",
    )
    conditions = fund_page.locator("main")
    expect(conditions).to_contain_text("lasser")
    expect(conditions).to_contain_text("Metaal en techniek")
    expect(conditions).to_contain_text("Niveau 4 (mbo 4, havo)")

    # Deposits reach the workers of member firms only.
    fund_page.get_by_role("link", name=nl("Put money in learning accounts")).click()
    check(fund_page)
    main = fund_page.locator("main")
    expect(main).to_contain_text(jan.display_name)
    expect(main).to_contain_text(colleague.display_name)
    expect(main).not_to_contain_text(outsider.display_name)
    expect(fund_page.get_by_label(nl("Amount per person"))).to_have_value("1.500,00")
    fund_page.get_by_label(jan.display_name).check()
    fund_page.get_by_label(colleague.display_name).check()
    fund_page.get_by_role("button", name=nl("Deposit")).click()
    fund_page.wait_for_url(f"{app}/financier/budgetten/{budget.pk}")
    check(fund_page)
    expect(fund_page.locator("[role=alert]")).to_have_count(0)
    for someone in (jan, colleague):
        list(account_selectors.rights_of(someone.pk))  # a deposit line becomes a right
    deposited = Right.objects.filter(budget=budget).values_list("deposited_cents", flat=True)
    assert sorted(deposited) == [150_000, 150_000]

    # Jan uses it: the fund pays his welding course in full; above NLQF 4 he pays 20 %.
    jan_page = new_context(bypass_csp=True).new_page()
    log_in_as(jan_page, app, "jan")
    check(jan_page)
    expect(jan_page.locator("main")).to_contain_text("O&O-fonds Techniek")
    expect(jan_page.locator("main")).to_contain_text("€ 1.500,00")
    application = apply_from_offer_page(jan_page, app, welding)
    assert (application.amount_cents, application.own_cents) == (90_000, 0)
    assert [f.right.budget_id for f in application.fundings.all()] == [budget.pk]
    jan_page.goto(f"{app}/aanvragen/nieuw/{planning.pk}")
    check(jan_page)
    expect(jan_page.locator("#own-pay")).to_have_text(
        nl("You pay %(amount)s yourself.") % {"amount": "€ 100,00"}
    )
    expect(jan_page.locator("main")).to_contain_text("€ 400,00")

    # The fund sees its money used: reserved for Jan, and the use per member firm.
    fund_page.reload()
    check(fund_page)
    expect(fund_page.locator("main")).to_contain_text(nl("Reserved for a training"))
    reserved = fund_page.locator('[aria-labelledby="reserved"] tr', has_text=jan.display_name)
    expect(reserved).to_contain_text("€ 900,00")
    firms = fund_page.locator('[aria-labelledby="member-firms"]')
    expect(firms.locator("tr", has_text="Machinefabriek Hengelo")).to_contain_text("€ 1.500,00")
    twente = firms.locator("tr", has_text="Metaalbedrijf Twente Precisie")
    expect(twente).to_contain_text("€ 1.500,00")
    # Use, not only deposits: Jan's welding course is reserved, nothing paid yet.
    expect(twente.locator("[data-reserved]")).to_have_text("€ 900,00")
    expect(twente.locator("[data-paid]")).to_have_text("€ 0,00")
    expect(
        firms.locator("tr", has_text="Machinefabriek Hengelo").locator("[data-reserved]")
    ).to_have_text("€ 0,00")
    expect(fund_page.locator("main")).not_to_contain_text(outsider.display_name)


def the_gemeente_pays_basic_skills_courses_in_full_for_its_residents(
    app: str, new_context: NewContext
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "rotterdam")  # makes the personas
    fatima, jan = person("fatima"), person("jan")
    neighbour = make_person(name="Bewoner Charlois", gemeente="GM0599", level="eqf_1")
    maasstad = provider("maasstad")
    nt1 = offering(
        maasstad, "G-NT1", "Beter lezen en schrijven (NT1)", kind="basic_skills",
        level="eqf_1", cents=35_000, gemeente="GM0599",
    )  # fmt: skip
    page.reload()
    check(page)

    # A voucher for basic-skills courses, for people who live in Rijnmond.
    page.locator("main").get_by_role("link", name=nl("Pay for basic skills")).click()
    check(page)
    name = f"Basisvaardigheden Rotterdam {today().year + 1}"
    _make_budget(page, name, "12.000,00", "1.200,00")
    page.get_by_label(nl("Voucher for a kind of training")).check()
    page.get_by_label(nl("Basic skills course")).check()
    page.get_by_label("Rijnmond").check()
    page.get_by_role("button", name=nl("Make the budget")).click()
    page.wait_for_url(re.compile(r"/financier/budgetten/\d+$"))
    check(page)
    budget = Budget.objects.get(name=name)
    assert budget.conditions["offer_types"] == ["basic_skills"]
    assert budget.conditions["regions"] == ["AM22"]

    # Its residents are offered; someone in Enschede is not.
    page.get_by_role("link", name=nl("Put money in learning accounts")).click()
    check(page)
    main = page.locator("main")
    expect(main).to_contain_text(fatima.display_name)
    expect(main).to_contain_text(neighbour.display_name)
    expect(main).not_to_contain_text(jan.display_name)
    page.get_by_label(fatima.display_name).check()
    page.get_by_label(neighbour.display_name).check()
    page.get_by_role("button", name=nl("Deposit")).click()
    page.wait_for_url(f"{app}/financier/budgetten/{budget.pk}")
    check(page)

    # Fatima applies for the NT1 course: the gemeente pays all of it.
    fatima_page = new_context(bypass_csp=True).new_page()
    log_in_as(fatima_page, app, "fatima")
    check(fatima_page)
    expect(fatima_page.locator("main")).to_contain_text("Gemeente Rotterdam")
    application = apply_from_offer_page(fatima_page, app, nt1)
    assert (application.amount_cents, application.own_cents) == (35_000, 0)
    assert [(f.right.budget_id, f.amount_cents) for f in application.fundings.all()] == [
        (budget.pk, 35_000)
    ]
    expect(fatima_page.locator("main")).to_contain_text("Gemeente Rotterdam")

    # The gemeente sees how many residents have its money, and what is reserved.
    page.reload()
    check(page)
    expect(page.locator("main")).to_contain_text("€ 350,00")
    expect(page.locator("main")).to_contain_text(fatima.display_name)
    people = page.locator("dt", has_text=nl("Persons with money from this budget"))
    expect(people.locator("xpath=following-sibling::dd[1]")).to_have_text("2")


def test_the_sector_fund_and_the_gemeente_walk_their_journeys(
    app: str, new_context: NewContext
) -> None:
    """Both journeys in one test: one database set-up for the two (the serialized rollback of
    a browser test costs more than either journey's pages), each funder in its own world."""
    the_sector_fund_deposits_under_its_conditions_and_sees_its_money_used(app, new_context)
    the_gemeente_pays_basic_skills_courses_in_full_for_its_residents(app, new_context)
