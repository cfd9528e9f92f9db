# SPDX-License-Identifier: EUPL-1.2
"""Applying, windows, the lifecycle and payment through the service layer, on both databases."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bench.windows.conditional import submit_conditional

from llo.accounts import services as accounts
from llo.accounts.models import Reservation
from llo.core.problems import Problem
from llo.enrolment import selectors, services
from llo.enrolment.models import Application, IntakeEntry, MisuseFlag, Payment, Window
from llo.register.models import OfferState
from tests.accounts.conftest import make_org
from tests.enrolment.conftest import (
    ACTOR,
    CLOSES,
    DURING,
    OPENS,
    World,
    enrol_start_and_drop_out,
    make_offer,
    make_provider,
    make_window,
    person,
)

pytestmark = pytest.mark.django_db
ON = DURING.date()


def _submit(world: World, p, key: str = "k1", at: dt.datetime = DURING, amount: int | None = None):
    shown = services.preview(
        actor=ACTOR, person=p, offering=world.offering, window=world.window, on=at.date()
    )
    return shown, services.submit(
        actor=ACTOR,
        window=world.window,
        shown=shown,
        amount_cents=shown.amount_cents if amount is None else amount,
        idempotency_key=key,
        at=at,
    )


def test_receipt_numbers_have_80_bits_and_never_repeat_a_stored_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 18: 40 bits made a collision likely in a 250,000-entry window, and one stopped
    the whole allocation on the unique receipt. Now 80 bits (16 Crockford base-32 characters)
    and the allocator draws again for a number already stored."""
    from llo.enrolment.services import allocating, common

    drawn = {common.new_receipt() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(
        re.fullmatch(r"LLO-([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}", r) for r in drawn
    )
    _submit(world, person(), key="a")
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    stored = Application.objects.get().receipt
    draws = iter([stored, "LLO-NEW1"])
    monkeypatch.setattr(allocating, "new_receipt", lambda: next(draws))
    _submit(world, person(), key="b")
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=10))
    assert sorted(Application.objects.values_list("receipt", flat=True)) == sorted(
        [stored, "LLO-NEW1"]
    )


def test_preview_shows_decision_and_plan(world: World) -> None:
    shown = services.preview(
        actor=ACTOR, person=person(), offering=world.offering, window=world.window, on=ON
    )
    assert shown.eligible
    assert shown.amount_cents == 90_000
    assert shown.own_cents == 0
    assert all(r["passed"] for r in shown.reasons)
    assert shown.reasons[0]["text"]
    assert shown.decision is not None


def test_submit_allocate_and_full_lifecycle(world: World) -> None:
    shown, sub = _submit(world, person())
    again = services.submit(
        actor=ACTOR,
        window=world.window,
        shown=shown,
        amount_cents=shown.amount_cents,
        idempotency_key="k1",
        at=DURING,
    )
    assert again.replayed
    assert again.entry.pk == sub.entry.pk
    report = services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    assert report.granted == 1
    app = Application.objects.get()
    assert app.status == "granted"
    assert app.receipt.startswith("LLO-")
    reservation = Reservation.objects.get()
    assert reservation.amount_cents == 90_000
    world.window.refresh_from_db()
    assert world.window.granted_cents == 90_000
    services.enrol(actor=ACTOR, provider=world.provider, application=app, sessions_planned=10)
    with pytest.raises(Problem) as early:
        services.start(
            actor=ACTOR, provider=world.provider, application=app, on=dt.date(2023, 7, 1)
        )
    assert early.value.code == "too-early"
    assert (
        services.start(
            actor=ACTOR, provider=world.provider, application=app, on=dt.date(2023, 7, 15)
        )
        == 45_000
    )
    services.report_attendance(
        actor=ACTOR,
        provider=world.provider,
        application=app,
        attended=7,
        excused=2,
        excused_reason="ziek",
    )
    services.complete(
        actor=ACTOR, provider=world.provider, application=app, credential="", on=dt.date(2023, 9, 1)
    )
    app.refresh_from_db()
    assert app.status == "paid"
    assert accounts.paid_for(reservation) == 90_000
    lines = selectors.statement(world.provider, world.offer)
    assert [line.amount_cents for line in lines] == [45_000, 45_000]
    assert accounts.verify_ledger() == []


def test_drop_out_claws_back_advance(world: World) -> None:
    _submit(world, person())
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    app = Application.objects.get()
    enrol_start_and_drop_out(world, app, dropped_on=dt.date(2023, 8, 10))
    app.refresh_from_db()
    assert app.status == "dropped_out"
    assert accounts.paid_for(Reservation.objects.get()) == 0
    kinds = sorted(Payment.objects.values_list("kind", "amount_cents"))
    assert kinds == [("advance", 45_000), ("claw_back", 45_000), ("release", 45_000)]


def test_provider_cannot_enrol_someone_who_did_not_apply(world: World) -> None:
    _submit(world, person())
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    app = Application.objects.get()
    stranger = make_provider("ROC Maasstad").organisation
    with pytest.raises(Problem) as exc:
        services.enrol(actor=ACTOR, provider=stranger, application=app, sessions_planned=10)
    assert exc.value.status == 404
    Application.objects.filter(pk=app.pk).update(status="waiting")
    with pytest.raises(Problem) as exc:
        services.enrol(actor=ACTOR, provider=world.provider, application=app, sessions_planned=10)
    assert exc.value.code == "invalid-transition"


def test_bad_input_refused_and_nothing_reserved(world: World) -> None:
    p = person()
    with pytest.raises(Problem) as tampered:
        _submit(world, p, amount=100_000)
    assert tampered.value.status == 400
    assert tampered.value.invalid_params[0].name == "amountCents"
    with pytest.raises(Problem) as outside:
        _submit(world, p, key="k2", at=CLOSES + dt.timedelta(minutes=1))
    assert outside.value.code in ("outside-window", "preview-stale")
    # a training that starts too soon: the STAP rule wants 4 weeks
    soon = make_offer(world.opleider, start=ON + dt.timedelta(days=10))[1]
    shown = services.preview(actor=ACTOR, person=p, offering=soon, window=world.window, on=ON)
    assert not shown.eligible
    failed = [r["condition"] for r in shown.reasons if not r["passed"]]
    assert "stap_applied_in_time" in failed
    with pytest.raises(Problem) as too_soon:
        services.submit(
            actor=ACTOR,
            window=world.window,
            shown=shown,
            amount_cents=0,
            idempotency_key="k3",
            at=DURING,
        )
    assert too_soon.value.code == "not-eligible"
    # a withdrawn offer
    _offer, offering = make_offer(world.opleider, state=OfferState.WITHDRAWN)
    with pytest.raises(Problem) as withdrawn:
        services.preview(actor=ACTOR, person=p, offering=offering, window=world.window, on=ON)
    assert withdrawn.value.code == "offer-withdrawn"
    assert IntakeEntry.objects.count() == 0
    assert Reservation.objects.count() == 0


def test_twice_in_a_window_and_twice_in_a_year(world: World) -> None:
    p = person()
    _submit(world, p, key="a")
    with pytest.raises(Problem) as twice:
        _submit(world, p, key="b")
    assert twice.value.code == "already-applied"
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    second = Window.objects.create(
        budget=world.window.budget,
        name="Juli",
        opens_at=OPENS + dt.timedelta(days=70),
        closes_at=CLOSES + dt.timedelta(days=70),
        budget_cents=100_000,
        policy="fcfs",
    )
    shown = services.preview(
        actor=ACTOR,
        person=p,
        offering=make_offer(world.opleider, start=dt.date(2023, 10, 1))[1],
        window=second,
        on=dt.date(2023, 7, 11),
    )
    with pytest.raises(Problem) as year:
        services.submit(
            actor=ACTOR,
            window=second,
            shown=shown,
            amount_cents=shown.amount_cents,
            idempotency_key="c",
            at=second.opens_at + dt.timedelta(hours=1),
        )
    # The rules know the grant of May (the enrolment counts it for them): STAP refuses a
    # second grant in one calendar year, with its reason, before the window's own guard.
    assert year.value.code == "not-eligible"
    failed = [r["condition"] for r in shown.reasons if not r["passed"]]
    assert failed == ["stap_first_grant_this_year"]
    assert shown.decision is not None
    assert shown.decision.record["sources"]["person"]["stap_grants_received_this_year"] == {
        "source": "applications"
    }


def test_lottery_and_waiting_list(world: World) -> None:
    window = world.window
    window.policy = "lottery"
    window.save()
    for i in range(6):
        _submit(world, person(), key=f"l{i}")
    with pytest.raises(Problem):
        services.allocate_window(window, at=DURING)
    report = services.allocate_window(window, at=CLOSES + dt.timedelta(minutes=1))
    assert report.granted == 3
    assert report.waiting == 3
    assert report.seed
    window.refresh_from_db()
    assert window.granted_cents == 270_000 <= window.budget_cents


def test_conditional_design_same_guarantees(world: World) -> None:
    apps = []
    for i in range(5):
        p = person()
        shown = services.preview(
            actor=ACTOR, person=p, offering=world.offering, window=world.window, on=ON
        )
        apps.append(
            submit_conditional(
                actor=ACTOR,
                window=world.window,
                shown=shown,
                amount_cents=shown.amount_cents,
                idempotency_key=f"c{i}",
                at=DURING,
            )
        )
    assert [a.status for a in apps] == ["granted"] * 3 + ["waiting"] * 2
    world.window.refresh_from_db()
    assert world.window.granted_cents == 270_000


def test_misuse_scan_opens_a_case_and_payment_goes_on(world: World) -> None:
    _submit(world, person())
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    services.report_gift(
        actor=ACTOR,
        provider=world.provider,
        offer=world.offer,
        text="een gratis tablet",
        declared=False,
    )
    flags = services.scan_misuse(year=2023)
    rules = sorted(f.rule for f in flags)
    assert rules == ["gift", "no_pre_registration"]
    assert MisuseFlag.objects.filter(case__isnull=False).count() == 2
    app = Application.objects.get()
    services.enrol(actor=ACTOR, provider=world.provider, application=app, sessions_planned=4)
    services.start(actor=ACTOR, provider=world.provider, application=app, on=dt.date(2023, 7, 20))
    assert Payment.objects.get().under_review


def test_spending_register_suppresses_small_cells(world: World) -> None:
    world.window.budget_cents = 2_000_000
    world.window.save()
    for i in range(12):
        _submit(world, person(), key=f"s{i}")
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    rows = selectors.spending(2023)
    assert rows == [
        selectors.SpendingRow(
            provider=world.provider.name,
            provider_id=world.provider.pk,
            offer=world.offer.title,
            offer_id=world.offer.pk,
            grants=12,
            amount_cents=1_080_000,
            suppressed=False,
        )
    ]


def test_adviser_needs_consent(world: World) -> None:
    p = person()
    work_centre = make_org("work_centre", name="RWC Rijnmond")
    shown = services.preview(
        actor=ACTOR, person=p, offering=world.offering, window=world.window, on=ON
    )
    with pytest.raises(Problem) as exc:
        services.submit(
            actor=ACTOR,
            window=world.window,
            shown=shown,
            amount_cents=shown.amount_cents,
            idempotency_key="x",
            at=DURING,
            acting_org=work_centre,
        )
    assert exc.value.code == "no-consent"
    consent = services.give_consent(person=p, organisation=work_centre, at=OPENS)
    assert services.submit(
        actor=ACTOR,
        window=world.window,
        shown=shown,
        amount_cents=shown.amount_cents,
        idempotency_key="x",
        at=DURING,
        acting_org=work_centre,
    ).entry
    services.revoke_consent(consent)


def test_allocator_reads_and_writes_in_batches_and_marks_pre_registrations(world: World) -> None:
    """The allocator's statements do not grow with the entries it does not grant (no query per
    entry; no single update with a branch per row), and a provider's pre-registration is on
    the application."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from llo.enrolment.models import PreRegistration

    def allocate_with(n: int) -> tuple[int, list[Application]]:
        window = make_window()
        entries = []
        for i in range(n):
            p = person()
            if i == 0:
                PreRegistration.objects.create(person=p, offer=world.offer, created_at=DURING)
            shown = services.preview(
                actor=ACTOR, person=p, offering=world.offering, window=window, on=ON
            )
            entries.append(
                services.submit(
                    actor=ACTOR, window=window, shown=shown, amount_cents=shown.amount_cents,
                    idempotency_key=f"n{n}-{i}", at=DURING,
                )
            )  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            report = services.allocate_window(window, at=DURING + dt.timedelta(minutes=5))
        assert (report.granted, report.waiting) == (3, n - 3)  # the window pays 3 x 90,000
        apps = list(Application.objects.filter(window=window).order_by("intake__position"))
        return len(queries.captured_queries), apps, window

    allocate_with(4)  # the training's grant counter for the year is made once, here
    few, few_apps, few_window = allocate_with(5)
    many, many_apps, many_window = allocate_with(40)
    assert many == few
    for apps, n, window in ((few_apps, 5, few_window), (many_apps, 40, many_window)):
        # An application for each grant; the waiting outcomes on their entries (decision 013).
        assert [a.status for a in apps] == ["granted"] * 3
        entries = window.intake.order_by("position")
        assert list(entries.values_list("outcome", flat=True)) == ["granted"] * 3 + ["waiting"] * (
            n - 3
        )
        assert list(entries.values_list("position", flat=True)) == list(range(1, n + 1))
        assert [a.intake.position for a in apps] == [1, 2, 3]
        assert [a.pre_registered for a in apps] == [True, False, False]
        assert {a.provider_id for a in apps} == {world.provider.pk}
        assert all(a.receipt.startswith("LLO-") for a in apps)


def test_completion_before_the_start_is_refused_and_pays_nothing(world: World) -> None:
    """Completion was accepted before a course started (issue 15, "also seen"): the advance
    may be paid in the three weeks before the start, the completion only from the start."""
    _submit(world, person())
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    app = Application.objects.get()
    services.enrol(actor=ACTOR, provider=world.provider, application=app, sessions_planned=10)
    services.start(actor=ACTOR, provider=world.provider, application=app, on=dt.date(2023, 7, 15))
    with pytest.raises(Problem) as early:
        services.complete(
            actor=ACTOR,
            provider=world.provider,
            application=app,
            credential="DIPL-1",
            on=world.offering.start_date - dt.timedelta(days=1),
        )
    assert early.value.code == "not-started-yet"
    app.refresh_from_db()
    assert app.status == "started"
    assert [line.amount_cents for line in selectors.statement(world.provider, world.offer)] == [
        45_000
    ]
    services.complete(
        actor=ACTOR,
        provider=world.provider,
        application=app,
        credential="DIPL-1",
        on=world.offering.start_date,
    )
    app.refresh_from_db()
    assert app.status == "paid"
