# SPDX-License-Identifier: EUPL-1.2
"""The learning overview's journeys in chromium (issue 15, JOURNEYS.md):

* Mohammed (23, no startkwalificatie, agency worker) is shown the new LLO scheme unasked on
  his overview, with the rules' reasons and a next step; its first round has not opened, so he
  pre-registers, reads it in his notifications, and is told when the round opens; then (time
  travel past the opening) he applies for a forklift course in Almere, says why he wants it,
  and after the round closes sees it granted;
* Jan changes employer within the same CAO and takes his O&O-fund right with him; it is
  visible on his overview after the move, with its conditions in words;
* a person downloads everything llo holds about them and sees who looked at their data.

Every page: axe-core finds no WCAG 2.2 AA violation and the Dutch checker finds no English or
raw code; the overview also at 320 px.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import BrowserContext, Page, expect

from llo.accounts import services as accounts
from llo.accounts.models import Right, RightStatus
from llo.core import audit
from llo.core.models import AuditEntry
from llo.core.money import Money
from llo.core.roles import Role
from llo.core.timeutil import now, today
from llo.demo import personas
from llo.demo.offers import load_offers
from llo.demo.windows import LLO_ROUND, _llo_round
from llo.enrolment import services
from llo.enrolment.models import Application, IntakeEntry, Window, WindowInterest
from llo.notifications.models import Notification
from llo.people.models import Employment, FundMembership, Organisation, Person
from llo.register.models import Offering
from tests.e2e.conftest import assert_no_axe_violations
from tests.e2e.dutch import assert_dutch
from tests.e2e.test_browser import log_in_as, nl
from tests.e2e.windows_world import fits_width

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ACTOR = audit.Actor.system("tests")
STUDY_SUPPORT = (
    "Do you get student finance or other money for your studies from the government now?"
)
CAO = "CAO Metaal en Techniek"


def check(page: Page) -> None:
    assert_no_axe_violations(page)
    assert_dutch(page)


def _person(key: str) -> Person:
    found = Person.objects.by_bsn(next(p.bsn for p in personas.PERSONS if p.key == key))
    assert found is not None
    return found


def _org(key: str) -> Organisation:
    return Organisation.objects.get(kvk=next(o.kvk for o in personas.ORGANISATIONS if o.key == key))


def test_mohammed_is_shown_the_new_scheme_and_pre_registers(
    app: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "mohammed")  # makes the personas
    assert _llo_round(seed=1, on=today()) == 1  # the ministry's first round, not open yet
    window = Window.objects.get(name=LLO_ROUND)
    page.reload()
    check(page)

    # Unasked, on his overview: what he may qualify for, with the rules' reasons.
    prospects = page.locator("[data-prospects]")
    expect(prospects).to_contain_text(nl("You may qualify for"))
    card = page.locator(f'[data-window="{window.pk}"]')
    expect(card).to_contain_text(LLO_ROUND)
    expect(card).to_contain_text("Geld van Ministerie van OCW.")
    reasons = card.locator("[data-reasons]")
    expect(reasons).to_contain_text("U hoort bij de groep mensen voor wie de regeling is.")
    expect(reasons).to_contain_text("U bent op de dag van uw aanvraag 18 jaar of ouder.")
    depends = "The rest depends on the course you choose: its level, the work it leads to and "
    expect(reasons).to_contain_text(nl(depends + "the school."))
    step = card.locator('[data-next-step="pre_register"]')
    expect(step).to_contain_text(window.opens_at.strftime("%Y")[-4:])
    fits_width(page, 320)
    check(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # He pre-registers from his overview and lands on the round's page.
    card.get_by_role("button", name=nl("Pre-register")).click()
    page.wait_for_url(f"{app}/aanvraagrondes/{window.pk}")
    check(page)
    expect(page.locator("[data-pre-registered]")).to_be_visible()
    mohammed = _person("mohammed")
    assert WindowInterest.objects.filter(window=window, person=mohammed).count() == 1

    # His overview now says he is pre-registered; his notifications say it too.
    page.goto(f"{app}/home")
    check(page)
    expect(card.locator('[data-next-step="pre_registered"]')).to_be_visible()
    page.goto(f"{app}/meldingen")
    check(page)
    expect(page.locator("main")).to_contain_text(f"U bent vooraangemeld voor {LLO_ROUND}.")

    # The round opens: llo tells him once (llo notify_due).
    opened = window.opens_at + dt.timedelta(minutes=5)
    assert services.tell_opened(at=opened) == 1
    assert services.tell_opened(at=opened) == 0
    page.reload()
    check(page)
    expect(page.locator("main")).to_contain_text(f"{LLO_ROUND} is nu open.")
    assert Notification.objects.filter(person=mohammed, topic="enrolment.window_open").count() == 1

    # After the opening: the demo's training in Almere toward an occupation on a sector's list
    # (llo.demo.offers). The rules engine, not this test, says the round may pay for it.
    load_offers(seed=1, providers=0, offers=0)
    forklift = Offering.objects.filter(offer__code="AV-HEFTRUCK").order_by("start_date").first()
    assert forklift is not None
    with time_machine.travel(opened, tick=True):
        log_in_as(page, app, "mohammed")  # weeks later: his session has ended
        page.goto(f"{app}/aanvraagrondes/{window.pk}")
        check(page)
        # Before he said why he wants a training, the round may pay: not known yet.
        row = page.locator(f'tr[data-offering="{forklift.pk}"]')
        expect(row).to_have_attribute("data-eligible", "unknown")
        row.get_by_role("link", name=re.compile(nl("Apply in this round"))).click()
        page.wait_for_url(re.compile(r"/aanvragen/nieuw/\d+\?venster=\d+"))
        check(page)
        expect(page.locator('[data-passed="no"]')).to_have_count(0)
        page.get_by_label(nl("To move to other work")).check()
        page.get_by_role("group", name=nl(STUDY_SUPPORT)).get_by_label(nl("No")).check()
        page.get_by_role("button", name=nl("Save my answers and check again")).click()
        page.wait_for_url(re.compile(r"/aanvragen/nieuw/\d+\?venster=\d+"))
        check(page)
        expect(page.locator('[data-passed="no"]')).to_have_count(0)
        expect(page.locator('[data-passed="unknown"]')).to_have_count(0)
        expect(page.locator("#own-pay")).to_have_text(nl("You pay € 0,00 yourself."))
        page.get_by_label(nl("I checked this. I want to apply.")).check()
        page.get_by_role("button", name=nl("Apply"), exact=True).click()
        page.wait_for_url(re.compile(r"/aanvragen/ontvangen/\d+"))
        check(page)
        # Priority, then a lottery: his group goes first, his place follows after closing.
        place = page.locator("[data-place]")
        expect(place).to_contain_text(nl("Your place is not known yet."))
        expect(page.locator("main")).to_contain_text("Mensen zonder startkwalificatie")
    entry = IntakeEntry.objects.get(person=mohammed, window=window)
    assert entry.amount_cents == forklift.offer.price_cents == 79_000

    # The round closes; the job decides it (priority for people without a startkwalificatie,
    # then a lottery): he gets the money, and sees it with the rules' reasons.
    decided = window.closes_at + dt.timedelta(hours=1)
    with time_machine.travel(decided, tick=True):
        services.allocate_window(window, actor=ACTOR, at=decided)
        log_in_as(page, app, "mohammed")
        check(page)
        mine = page.locator('[data-applications] [data-status="granted"]')
        expect(mine).to_contain_text("Heftruck en reachtruck rijden")
        expect(mine.locator("[data-reasons]")).to_contain_text(
            "De opleiding leidt naar een beroep dat een sector graag wil."
        )
        mine.get_by_role("link").click()
        check(page)
        expect(page.locator("[data-status]")).to_contain_text(nl("Granted: the money is reserved"))
        expect(page.locator("main")).to_contain_text("Ministerie van OCW")
        expect(page.locator("main")).to_contain_text(nl("You pay € 0,00 yourself."))
    assert Application.objects.get(person=mohammed, window=window).status == "granted"


def _jan_with_his_fund_right() -> tuple[Person, Right]:
    """Jan at his metal firm under the CAO, with O&O-fonds Techniek's money that moves within
    the CAO (the demo's plan 'ootechniek-2026'), deposited to him as a member firm's worker."""
    jan, metaal, fund = _person("jan"), _org("metaal"), _org("ootechniek")
    on = today()
    Employment.objects.create(
        person=jan, employer=metaal, sector="metal", cao=CAO, start=dt.date(2003, 2, 1)
    )
    FundMembership.objects.create(fund=fund, employer=metaal, start=dt.date(2010, 1, 1))
    budget = accounts.create_budget(
        actor=ACTOR,
        funder=accounts.ensure_funder(fund, actor=ACTOR),
        name="Scholingsbudget techniek",
        total=Money(10_000_000),
        period_start=on - dt.timedelta(days=30),
        period_end=on + dt.timedelta(days=300),
        conditions={
            "occupations": ["7212", "7233"],
            "sectors": ["metal"],
            "co_payment_pct": 20,
            "co_payment_above_level": "eqf_4",
        },
        portability="cao",
        right_validity_months=24,
    )
    right = accounts.deposit(
        actor=ACTOR, budget=budget, person=jan, amount=Money(150_000), on=on - dt.timedelta(days=7)
    )
    return jan, right


def test_jan_takes_his_right_to_a_new_employer_under_the_same_cao(
    app: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(bypass_csp=True).new_page()
    log_in_as(page, app, "jan")
    jan, right = _jan_with_his_fund_right()
    page.reload()
    check(page)
    expect(page.locator("[data-conditions]").first).to_contain_text(
        "Alleen voor opleidingen naar een beroep op de lijst van O&O-fonds Techniek."
    )

    # Nothing to move while he has no new job in llo.
    page.get_by_role("link", name=nl("I have a new employer")).click()
    page.wait_for_url(f"{app}/mijn-rechten/nieuwe-werkgever")
    check(page)
    expect(page.locator("[data-no-moves]")).to_be_visible()

    # He changes employer; Machinefabriek Hengelo (same CAO) puts his job in llo.
    Employment.objects.filter(person=jan).update(end=today() - dt.timedelta(days=2))
    Employment.objects.create(
        person=jan,
        employer=_org("hengelo"),
        sector="metal",
        cao=CAO,
        start=today() - dt.timedelta(days=1),
    )
    page.reload()
    check(page)
    move = page.locator(f'[data-move="{right.pk}"]')
    expect(move).to_have_attribute("data-outcome", "same_cao")
    expect(move).to_contain_text(nl("It moves with you: your new employer has the same CAO."))
    move.get_by_role("button").click()
    page.wait_for_url(f"{app}/mijn-rechten/*")
    check(page)
    expect(page.locator("main")).to_contain_text("€ 1.500,00")
    right.refresh_from_db()
    assert right.status == RightStatus.TRANSFERRED
    moved = Right.objects.get(transferred_from=right)
    assert moved.employment is not None
    assert moved.employment.employer.name == "Machinefabriek Hengelo"
    assert moved.funder.organisation.name == "O&O-fonds Techniek"  # a sector fund stays

    # Visible on his overview after the change, with its conditions.
    page.goto(f"{app}/home")
    check(page)
    row = page.locator(f'a[href="/mijn-rechten/{moved.pk}"]')
    expect(row).to_have_text("O&O-fonds Techniek")
    expect(page.locator("main")).to_contain_text("€ 1.500,00")


def test_a_person_downloads_their_data_and_sees_who_looked(
    app: str, new_context: Callable[..., BrowserContext]
) -> None:
    page = new_context(bypass_csp=True, accept_downloads=True).new_page()
    log_in_as(page, app, "jan")
    jan, right = _jan_with_his_fund_right()
    fund = _org("ootechniek")
    # The fund opened its budget page that lists Jan (accounts.selectors logs it so).
    audit.log_reads(
        audit.Actor("user:900", role=Role.FONDS, organisation=fund.kvk),
        [jan.pk],
        f"funder: page of budget {right.budget_id}",
    )
    page.get_by_role("link", name=nl("My data"), exact=True).click()
    page.wait_for_url(f"{app}/mijn-gegevens")
    check(page)
    with page.expect_download() as download_info:
        page.locator("[data-download]").click()
    data = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert data["person"]["display_name"] == jan.display_name
    assert [r["id"] for r in data["rights"]] == [right.pk]
    assert data["readsByOthers"][0]["organisation"] == "O&O-fonds Techniek"
    assert AuditEntry.objects.filter(
        action="person.export", subject_id=str(jan.pk), at__lte=now()
    ).exists()

    page.get_by_role("link", name=nl("See everyone who looked at your data")).click()
    page.wait_for_url(f"{app}/mijn-gegevens/bekeken")
    check(page)
    read = page.locator("[data-read]")
    expect(read).to_have_count(1)
    expect(read).to_contain_text("O&O-fonds Techniek")
    expect(read).to_contain_text(nl("To see who uses its budget"))
    fits_width(page, 320)
