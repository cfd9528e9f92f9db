# SPDX-License-Identifier: EUPL-1.2
"""A funder opens a window on rules valid on its days; a window that cannot decide is offered
nowhere, and an application outside its rules is a refusal with a B1 reason, never the
engine's English (issue 15, finding 2). Both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.utils import translation

from llo.core.models import AuditEntry
from llo.core.problems import Problem
from llo.enrolment import deciding, selectors, services
from llo.enrolment.models import Application, Window
from tests.enrolment.conftest import ACTOR
from tests.enrolment.rounds import (
    NOW,
    TODAY,
    at,
    job_seeker,
    open_round,
    request,
    training,
    uwv_budget,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False), translation.override("nl"):
        yield


def refused(budget: object, **fields: object) -> dict[str, str]:
    with pytest.raises(Problem) as caught:
        open_round(budget, **fields)  # type: ignore[arg-type]
    assert caught.value.status == 400
    return {p.name: p.reason for p in caught.value.invalid_params}


def test_a_window_on_stap_cannot_open_in_2026_and_says_why_beside_the_rules() -> None:
    budget = uwv_budget()
    errors = refused(budget, scheme="stap")
    assert set(errors) == {"scheme"}
    assert "31 december 2023" in errors["scheme"]
    assert "stap" not in errors["scheme"].split()  # the title, not the code
    assert not Window.objects.exists()


def test_a_budget_tied_to_stap_has_no_other_rules() -> None:
    errors = refused(uwv_budget(scheme="stap"), scheme="funder")
    assert set(errors) == {"scheme"}


def test_the_llo_scheme_opens_only_from_2027() -> None:
    budget = uwv_budget()
    assert set(refused(budget, scheme="llo_regeling")) == {"scheme"}
    window = open_round(
        budget,
        scheme="llo_regeling",
        opens_at=at(dt.date(2027, 1, 4)),
        closes_at=at(dt.date(2027, 1, 29), 17),
    )
    assert window.scheme == "llo_regeling"
    assert deciding.rules_of(window).valid_from == dt.date(2027, 1, 1)


def test_every_problem_of_a_window_is_reported_on_its_field_at_once() -> None:
    budget = uwv_budget(total=1_000_000)
    errors = refused(
        budget,
        name=" ",
        opens_at=at(TODAY - dt.timedelta(days=2)),
        closes_at=at(dt.date(2027, 10, 31)),
        budget_cents=2_000_000,
        max_per_person_cents=0,
        policy="priority",
        training_cap=0,
    )
    assert set(errors) == {
        "name",
        "opensAt",
        "closesAt",
        "budgetCents",
        "maxPerPersonCents",
        "priorityGroups",
        "trainingCap",
    }
    assert "30 september 2027" in errors["closesAt"]
    assert "€ 10.000,00" in errors["budgetCents"]


def test_money_set_aside_for_another_window_is_not_free() -> None:
    budget = uwv_budget(total=6_000_000)
    open_round(budget, budget_cents=5_000_000)
    assert services.free_cents(budget, at=NOW) == 1_000_000
    assert set(refused(budget, name="Ronde 3", budget_cents=2_000_000)) == {"budgetCents"}


def test_groups_once_each_and_known() -> None:
    budget = uwv_budget()
    assert set(refused(budget, policy="priority", priority_groups=("flex", "flex"))) == {
        "priorityGroups"
    }
    assert set(refused(budget, policy="priority", priority_groups=("rich",))) == {"priorityGroups"}


def test_opening_is_audited_and_the_same_form_sent_twice_opens_once() -> None:
    budget = uwv_budget()
    first = services.open_window(actor=ACTOR, budget=budget, request=request(), key="k1", at=NOW)
    again = services.open_window(actor=ACTOR, budget=budget, request=request(), key="k1", at=NOW)
    assert first.pk == again.pk
    assert Window.objects.count() == 1
    entry = AuditEntry.objects.get(action="window.opened")
    assert entry.after["scheme"] == "funder"


def test_a_window_on_the_budgets_conditions_decides_for_a_job_seeker() -> None:
    window = open_round(uwv_budget())
    _offer, offering = training()
    shown = services.preview(
        actor=ACTOR, person=job_seeker(), offering=offering, window=window, on=TODAY
    )
    assert shown.eligible
    assert shown.amount_cents == 250_000  # the window's most per person
    assert shown.own_cents == 618_000 - 250_000
    assert all(r["passed"] for r in shown.reasons)


def test_someone_in_work_is_refused_with_the_funders_reason_in_dutch() -> None:
    window = open_round(uwv_budget())
    _offer, offering = training()
    from tests.accounts.conftest import make_person

    worker = make_person(position="employed")
    shown = services.preview(actor=ACTOR, person=worker, offering=offering, window=window, on=TODAY)
    assert not shown.eligible
    failed = [r["text"] for r in shown.reasons if not r["passed"]]
    assert failed
    assert "UWV" in failed[0]


def _stap_window_open_today() -> Window:
    """A window made before windows chose their rules: on a STAP budget, open now."""
    budget = uwv_budget(scheme="stap", conditions={})
    return Window.objects.create(
        budget=budget,
        name="Scholingsvenster UWV 2026",
        opens_at=at(dt.date(2026, 9, 1)),
        closes_at=at(dt.date(2026, 12, 31), 17),
        budget_cents=1_000_000,
        policy="fcfs",
    )


def test_an_application_outside_the_rules_is_a_b1_refusal_and_reserves_nothing() -> None:
    window = _stap_window_open_today()
    _offer, offering = training()
    shown = services.preview(
        actor=ACTOR, person=job_seeker(), offering=offering, window=window, on=TODAY
    )
    assert not shown.eligible
    assert shown.amount_cents == 0
    [reason] = shown.reasons
    assert reason["condition"] == "rules_apply"
    assert "STAP-budget" in reason["text"]
    assert "31 december 2023" in reason["text"]
    assert "outside that period" not in reason["text"]
    with pytest.raises(Problem) as caught:
        services.submit(
            actor=ACTOR, window=window, shown=shown, amount_cents=0, idempotency_key="x"
        )
    assert caught.value.code == "not-eligible"
    assert not Application.objects.exists()


def test_only_open_windows_that_can_decide_are_offered_for_a_training() -> None:
    stap = _stap_window_open_today()
    good = open_round(uwv_budget())
    later = open_round(
        uwv_budget(),
        name="Later",
        opens_at=at(TODAY + dt.timedelta(days=30)),
        closes_at=at(TODAY + dt.timedelta(days=60)),
    )  # not open yet
    _offer, offering = training()
    fits = selectors.windows_for_offering(job_seeker(), offering, TODAY)
    assert [f.window.pk for f in fits] == [good.pk]
    assert fits[0].eligible
    assert fits[0].amount_cents == 250_000
    assert stap.pk not in [r.window.pk for r in selectors.windows_for_persons(TODAY)]
    assert later.pk in [r.window.pk for r in selectors.windows_for_persons(TODAY)]


def test_the_comparison_decides_many_trainings_in_one_run_as_one_by_one() -> None:
    window = open_round(uwv_budget())
    person = job_seeker()
    offerings = [training(fee=fee)[1] for fee in (90_000, 618_000, 1_200_000)]
    many = deciding.fits(window, person, offerings, TODAY)
    one_by_one = [deciding.fit(window, person, o, TODAY)[0] for o in offerings]
    assert [(f.eligible, f.amount_cents, f.own_cents) for f in many] == [
        (f.eligible, f.amount_cents, f.own_cents) for f in one_by_one
    ]
    assert [f.own_cents for f in many] == [0, 368_000, 950_000]
    # Someone in work: refused by both, with the same reasons.
    from tests.accounts.conftest import make_person

    worker = make_person(position="employed")
    refused = deciding.fits(window, worker, offerings, TODAY)
    alone = [deciding.fit(window, worker, o, TODAY)[0] for o in offerings]
    assert not any(f.eligible for f in refused)
    assert [[r["text"] for r in f.failed] for f in refused] == [
        [r["text"] for r in f.failed] for f in alone
    ]


def test_a_granted_window_application_keeps_what_the_person_pays() -> None:
    window = open_round(uwv_budget())
    _offer, offering = training()
    person = job_seeker()
    shown = services.preview(actor=ACTOR, person=person, offering=offering, window=window, on=TODAY)
    entry = services.submit(
        actor=ACTOR, window=window, shown=shown, amount_cents=shown.amount_cents,
        idempotency_key="a", at=NOW,
    ).entry  # fmt: skip
    services.allocate_window(window, at=NOW + dt.timedelta(minutes=1))
    app = Application.objects.get(intake=entry)
    assert (app.status, app.amount_cents, app.own_cents) == ("granted", 250_000, 368_000)


def test_the_place_in_the_line_before_the_decision_and_on_the_waiting_list() -> None:
    window = open_round(uwv_budget(), budget_cents=500_000)
    _offer, offering = training()
    entries = []
    for n in range(4):
        p = job_seeker()
        shown = services.preview(actor=ACTOR, person=p, offering=offering, window=window, on=TODAY)
        entries.append(
            services.submit(
                actor=ACTOR, window=window, shown=shown, amount_cents=shown.amount_cents,
                idempotency_key=f"k{n}", at=NOW + dt.timedelta(seconds=n),
            ).entry
        )  # fmt: skip
    place = selectors.place_of(entries[2])
    assert (place.line, place.ahead_cents, place.left_cents) == (3, 500_000, 500_000)
    assert place.enough is False
    assert selectors.place_of(entries[1]).enough is True
    services.allocate_window(window, at=NOW + dt.timedelta(minutes=1))
    entries[3].refresh_from_db()
    last = selectors.place_of(entries[3])
    # The waiting outcome is kept on the entry (decision 013), with its reason.
    assert last.application is None
    assert (last.status, last.waiting_ahead) == ("waiting", 1)
    assert "wachtlijst" in last.reason  # in the active language (Dutch)
    window.refresh_from_db()
    report = selectors.window_report(window)
    assert (report.granted.count, report.waiting.count, report.undecided.count) == (2, 2, 0)
    assert report.left_cents == 0


def test_a_lottery_window_has_no_place_before_the_draw() -> None:
    window = open_round(uwv_budget(), policy="lottery")
    _offer, offering = training()
    p = job_seeker()
    shown = services.preview(actor=ACTOR, person=p, offering=offering, window=window, on=TODAY)
    entry = services.submit(
        actor=ACTOR, window=window, shown=shown, amount_cents=shown.amount_cents,
        idempotency_key="l", at=NOW,
    ).entry  # fmt: skip
    place = selectors.place_of(entry)
    assert place.line is None
    assert place.enough is None


def test_a_fact_llo_does_not_hold_is_not_yet_known_in_a_window_never_assumed() -> None:
    """The window decides on the facts adapter's facts (decision 008): the purpose of a
    training is not known for someone in work (llo tells it only for a job seeker), so a round
    that pays only toward work is not granted on a guess; the rules' B1 sentence says it is
    not known yet, the same in the comparison as for one training, and the preview names the
    missing fact for the apply page."""
    from tests.accounts.conftest import make_person

    window = open_round(uwv_budget(conditions={"purposes": ["work", "switch"]}))
    worker = make_person(position="employed")
    _offer, offering = training()
    one, _record = deciding.fit(window, worker, offering, TODAY)
    assert one.can_decide
    assert not one.eligible
    assert one.amount_cents == 0
    assert one.not_known
    assert one.missing == ("purpose",)
    [reason] = one.failed
    assert reason["unknown"]
    assert not reason["passed"]
    assert reason["text"].startswith("We weten nog niet waarom")
    [many] = deciding.fits(window, worker, [offering], TODAY)
    assert (many.eligible, many.missing, many.failed) == (one.eligible, one.missing, one.failed)
    shown = services.preview(actor=ACTOR, person=worker, offering=offering, window=window, on=TODAY)
    assert not shown.eligible
    assert shown.plan[0]["missing"] == ["purpose"]
    # A job seeker learns toward work (seed 004): the same round decides and pays.
    paid, _record = deciding.fit(window, job_seeker(), offering, TODAY)
    assert paid.eligible
    assert not paid.missing
