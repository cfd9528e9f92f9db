# SPDX-License-Identifier: EUPL-1.2
"""A funder reaches only its own people (issue 14, item 2; decision 010): one table row per
kind of funder, each with a person it reaches, a person llo knows but it does not reach, and a
BSN llo does not know. The two refused ones must look exactly the same to the funder, in
all-or-nothing and in partial mode, by person id and by BSN, and take the same path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from llo.accounts import reach, selectors, services
from llo.accounts.deposit_rows import not_yours
from llo.accounts.models import Budget, Funder
from llo.core import audit
from llo.core.models import AuditEntry
from llo.core.problems import Problem
from llo.people import services as people_services
from llo.people.models import Organisation, Person, User
from tests.accounts.conftest import ACTOR, employ, make_budget, make_org, make_person, valid_bsn

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]

ON = dt.date(2026, 3, 1)
#: A BSN that passes the 11-proef and that no test person has.
UNKNOWN_BSN = valid_bsn(987_654)


@dataclass
class Case:
    """A funder, a person it reaches on ``ON`` and one llo knows that it does not reach."""

    funder: Funder
    budget: Budget
    own: Person
    other: Person


def _employer() -> Case:
    firm, elsewhere = make_org("employer", sector="bakery"), make_org("employer")
    own, other, former = make_person(), make_person(), make_person()
    employ(own, firm)
    employ(other, elsewhere)
    # An employee who left before the date is not reached either.
    job = employ(former, firm, start=dt.date(2019, 1, 1))
    job.end = dt.date(2026, 2, 28)
    job.save()
    funder = services.ensure_funder(firm)
    return Case(funder, make_budget(funder), own, other)


def _fund_by_member_firm() -> Case:
    fund = make_org("oo_fund", sector="metal")
    member, outsider = make_org("employer"), make_org("employer")
    people_services.register_member_firm(
        actor=ACTOR, fund=fund, employer=member, start=dt.date(2020, 1, 1)
    )
    own, other = make_person(), make_person()
    employ(own, member, sector="care")  # a member firm's employee, whatever the job's sector
    employ(other, outsider, sector="care")
    funder = services.ensure_funder(fund)
    return Case(funder, make_budget(funder), own, other)


def _fund_by_sector() -> Case:
    fund = make_org("oo_fund", sector="metal")
    own, other = make_person(), make_person()
    employ(own, make_org("employer"), sector="metal")
    employ(other, make_org("employer"), sector="retail")
    funder = services.ensure_funder(fund)
    return Case(funder, make_budget(funder), own, other)


def _gemeente() -> Case:
    rotterdam = make_org("municipality", gemeente="GM0599")
    own, other = make_person(gemeente="GM0599"), make_person(gemeente="GM0344")
    funder = services.ensure_funder(rotterdam)
    return Case(funder, make_budget(funder), own, other)


def _uwv() -> Case:
    uwv = make_org("uwv")
    own = make_person(position="job_seeker")
    # Says they look for work, but UWV has not registered them as its client.
    other = make_person(position="job_seeker")
    ended = make_person(position="job_seeker")
    people_services.register_clients(
        actor=ACTOR,
        organisation=uwv,
        persons=[
            (own.pk, dt.date(2026, 1, 1), None),
            (ended.pk, dt.date(2025, 1, 1), dt.date(2026, 2, 28)),
        ],
    )
    funder = services.ensure_funder(uwv)
    return Case(funder, make_budget(funder), own, other)


def _state() -> Case:
    ministry = make_org("ministry")
    own = make_person(gemeente="GM0599", position="job_seeker")
    other = make_person(gemeente="GM0599", position="employed")
    funder = services.ensure_funder(ministry)
    budget = make_budget(funder, conditions={"labour_positions": ["job_seeker"]})
    return Case(funder, budget, own, other)


def _state_for_a_region() -> Case:
    ministry = make_org("ministry")
    own = make_person(gemeente="GM0599")  # Rotterdam, in Rijnmond (AM22)
    other = make_person(gemeente="GM0344")  # Utrecht
    funder = services.ensure_funder(ministry)
    return Case(funder, make_budget(funder, conditions={"regions": ["AM22"]}), own, other)


KINDS: dict[str, Callable[[], Case]] = {
    "employer: its employees on the date": _employer,
    "O&O fund: employees of its member firms": _fund_by_member_firm,
    "O&O fund: workers in its sector": _fund_by_sector,
    "gemeente: its residents": _gemeente,
    "UWV: its registered clients": _uwv,
    "state: anyone who fits the scheme (labour position)": _state,
    "state: anyone who fits the scheme (region)": _state_for_a_region,
}


@pytest.fixture(params=list(KINDS))
def case(request: pytest.FixtureRequest) -> Case:
    return KINDS[request.param]()


def client_of(funder: Funder) -> Client:
    org: Organisation = funder.organisation
    role = {
        "employer": "werkgever",
        "sector_fund": "fonds",
        "municipality": "gemeente",
        "uwv": "uwv",
        "state": "beleid",
    }[funder.kind]
    user = User.objects.create_user(username=f"{role}:{org.kvk}", role=role, organisation=org)
    client = Client()
    client.force_login(user)
    return client


def deposit(client: Client, budget: Budget, lines: list[dict[str, Any]], mode: str) -> Any:
    return client.post(
        f"/api/v1/budgets/{budget.pk}/deposits",
        {"deposits": lines, "mode": mode, "date": ON.isoformat()},
        content_type="application/json",
    )


def test_reach_is_exactly_the_own_person(case: Case) -> None:
    reached = set(reach.reach_of_budget(case.budget, ON).values_list("pk", flat=True))
    assert case.own.pk in reached
    assert case.other.pk not in reached


def test_a_deposit_to_the_own_person_is_made(case: Case) -> None:
    client = client_of(case.funder)
    response = deposit(client, case.budget, [{"bsn": case.own.bsn, "amountCents": 100}], "partial")
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 1


@pytest.mark.parametrize("mode", ["all-or-nothing", "partial"])
def test_unknown_and_not_yours_look_the_same(case: Case, mode: str) -> None:
    """Line 0 is someone llo knows who is not the funder's, line 1 a BSN llo does not know,
    line 2 a person id that does not exist: the funder gets one answer for all three."""
    client = client_of(case.funder)
    lines = [
        {"bsn": case.other.bsn, "amountCents": 100},
        {"bsn": UNKNOWN_BSN, "amountCents": 100},
        {"personId": case.other.pk, "amountCents": 100},
        {"personId": 10**9, "amountCents": 100},
        {"bsn": case.own.bsn, "amountCents": 100},
    ]
    response = deposit(client, case.budget, lines, mode)
    if mode == "all-or-nothing":
        assert response.status_code == 400
        reasons = {p["name"]: p["reason"] for p in response.json()["invalidParams"]}
    else:
        assert response.status_code == 201
        assert response.json()["created"] == 1
        reasons = {r["field"]: r["reason"] for r in response.json()["rejected"]}
    assert reasons == {
        "deposits[0].bsn": not_yours(),
        "deposits[1].bsn": not_yours(),
        "deposits[2].personId": not_yours(),
        "deposits[3].personId": not_yours(),
    }
    assert "BSN" not in not_yours()


def test_a_deposit_file_refuses_them_alike(case: Case) -> None:
    client = client_of(case.funder)
    text = f"bsn;amount\n{case.other.bsn};1,00\n{UNKNOWN_BSN};1,00\n"
    response = client.post(
        f"/api/v1/budgets/{case.budget.pk}/deposit-files?mode=partial",
        text,
        content_type="text/csv",
    )
    assert response.status_code == 400  # no line is good: nothing to deposit
    params = response.json()["invalidParams"]
    assert [(p["name"], p["reason"]) for p in params] == [
        ("line 2: bsn", not_yours()),
        ("line 3: bsn", not_yours()),
    ]


def test_known_and_unknown_bsns_take_the_same_path(case: Case) -> None:
    """No oracle by timing: a known BSN outside the reach and an unknown one run the same
    statements (the same SQL, the same number of times)."""

    def statements(bsn: str) -> list[str]:
        with (
            CaptureQueriesContext(connection) as queries,
            pytest.raises(Problem) as refused,
        ):
            services.bulk_deposit(
                actor=ACTOR,
                budget=case.budget,
                rows=[services.DepositRow(100, bsn=bsn, line=1)],
                on=ON,
            )
        assert refused.value.invalid_params[0].reason == not_yours()
        return [q["sql"].replace(bsn, "?") for q in queries.captured_queries]

    known, unknown = statements(case.other.bsn), statements(UNKNOWN_BSN)
    # The keyed hashes differ, so compare the statements without their parameters.
    assert [_shape(q) for q in known] == [_shape(q) for q in unknown]


def _shape(sql: str) -> str:
    import re

    return re.sub(r"'[0-9a-f]{64}'|\b[0-9a-f]{64}\b", "?", sql)


def test_names_only_for_the_own_person(case: Case) -> None:
    """The budget page and the export: the own person by name, the other never (a right the
    funder paid before the person left its reach keeps its number and money, not its name)."""
    services.bulk_deposit(
        actor=ACTOR,
        budget=case.budget,
        rows=[services.DepositRow(100, person_id=case.own.pk, line=1)],
        on=ON,
    )
    funder_actor = audit.Actor("user:1", "werkgever", organisation=case.funder.organisation.kvk)
    page = selectors.budget_page(funder_actor, case.budget, ON)
    assert [s.name for s in page.recent] == [case.own.display_name]
    rows = list(selectors.budget_export(funder_actor, case.budget, ON))
    assert [r.name for r in rows] == [case.own.display_name]
    # Read again when the funder no longer reaches them: the money, not the name.
    later = _out_of_reach(case)
    page = selectors.budget_page(funder_actor, case.budget, later)
    assert [s.name for s in page.recent] == [""]
    assert [r.name for r in selectors.budget_export(funder_actor, case.budget, later)] == [""]


def _out_of_reach(case: Case) -> dt.date:
    """Make the own person leave the funder's reach; the day from which they are out."""
    day = dt.date(2026, 6, 1)
    kind = case.funder.kind
    if kind in ("employer", "sector_fund"):
        case.own.employments.update(end=day - dt.timedelta(days=1))
    elif kind == "uwv":
        case.own.client_of.update(end=day - dt.timedelta(days=1))
    elif kind == "municipality" or case.budget.conditions.get("regions"):
        Person.objects.filter(pk=case.own.pk).update(gemeente_id="GM0344")
    else:
        Person.objects.filter(pk=case.own.pk).update(labour_position="employed")
    return day


def test_the_deposit_form_lists_only_own_people(case: Case) -> None:
    page = selectors.deposit_page(ACTOR, case.budget, ON)
    listed = {pid for pid, _name in page.choices}
    assert case.own.pk in listed
    assert case.other.pk not in listed


def test_every_funder_read_is_logged_per_person(case: Case) -> None:
    services.bulk_deposit(
        actor=ACTOR,
        budget=case.budget,
        rows=[services.DepositRow(100, person_id=case.own.pk, line=1)],
        on=ON,
    )
    kvk = case.funder.organisation.kvk
    funder_actor = audit.Actor("user:7", "werkgever", organisation=kvk)
    selectors.budget_page(funder_actor, case.budget, ON)
    list(selectors.budget_export(funder_actor, case.budget, ON))
    rows = AuditEntry.objects.filter(action=audit.PERSON_READ, actor="user:7")
    assert [(r.subject_type, r.subject_id, r.organisation) for r in rows] == [
        ("people.Person", str(case.own.pk), kvk)
    ] * 2
    assert all(r.purpose for r in rows)


def test_a_large_deposit_on_the_fast_path_checks_the_reach(
    settings: Any, case: Case, db_vendor: str
) -> None:
    """PostgreSQL loads a large deposit as given and lets the database check it: that check
    is against the funder's reach too (here every deposit takes the fast path)."""
    settings.LLO_DEPOSIT_PARTITION_MIN = 1
    with pytest.raises(Problem) as refused:
        services.bulk_deposit(
            actor=ACTOR,
            budget=case.budget,
            rows=[
                services.DepositRow(100, person_id=case.own.pk, line=1),
                services.DepositRow(100, person_id=case.other.pk, line=2),
            ],
            on=ON,
        )
    params = refused.value.invalid_params
    assert [(p.name, p.reason) for p in params] == [("line 2: person", not_yours())]
    result = services.bulk_deposit(
        actor=ACTOR,
        budget=case.budget,
        rows=[services.DepositRow(100, person_id=case.own.pk, line=1)],
        on=ON,
    )
    assert result.created == 1


def test_the_employer_reach_follows_the_date() -> None:
    case = _employer()
    job = case.own.employments.get()
    job.start = dt.date(2026, 4, 1)
    job.save()
    assert case.own not in reach.reach_of_budget(case.budget, ON)
    assert case.own in reach.reach_of_budget(case.budget, dt.date(2026, 4, 1))


def test_a_person_on_a_page_for_a_citizen_is_not_logged(person: Any) -> None:
    """A person's read of their own data is not someone else's read."""
    own = audit.Actor("user:9", "burger", person_id=person.pk)
    assert audit.log_reads(own, [person.pk], "own overview") == 0
    assert audit.log_reads(own, [person.pk, make_person().pk], "x") == 1
