# SPDX-License-Identifier: EUPL-1.2
"""``llo allocate_windows``, the scheduled job that decides every window that is due: a
first-come window while open, a lottery or priority window once after it closed. Running it
twice, or twice at the same moment, decides nothing twice; a window that fails is reported
and the others are still decided. Both databases (the race on PostgreSQL only)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Sum

from llo.accounts import services as accounts
from llo.accounts.models import Reservation
from llo.core.models import AuditEntry
from llo.core.problems import Problem
from llo.enrolment import selectors, services
from llo.enrolment.models import Application, IntakeEntry, Window
from tests.enrolment.conftest import (
    ACTOR,
    CLOSES,
    DURING,
    make_offer,
    make_provider,
    make_window,
    person,
)
from tests.enrolment.rounds import NOW, TODAY, job_seeker, open_round, training, uwv_budget

pytestmark = pytest.mark.django_db
#: The job runs an hour after the May 2023 windows closed, while their budget is still open.
AFTER = CLOSES + dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def after_closing() -> Iterator[None]:
    with time_machine.travel(AFTER, tick=True):
        yield


def run(*args: str) -> str:
    out = StringIO()
    call_command("allocate_windows", *args, stdout=out, stderr=out)
    return out.getvalue()


def closed_2023_windows(entries: int = 6) -> list[Window]:
    """A first-come and a lottery window of May 2023 (closed now), each with ``entries``
    applications of € 900 for € 3.000: three granted, the rest waiting."""
    opleider = make_provider()
    windows = [make_window(), make_window(policy="lottery")]
    for window in windows:
        offering = make_offer(opleider)[1]
        for i in range(entries):
            shown = services.preview(
                actor=ACTOR, person=person(), offering=offering, window=window, on=DURING.date()
            )
            services.submit(
                actor=ACTOR, window=window, shown=shown, amount_cents=shown.amount_cents,
                idempotency_key=f"w{window.pk}-{i}", at=DURING,
            )  # fmt: skip
    return windows


def state() -> tuple[Any, ...]:
    """Everything an allocation writes."""
    return (
        sorted(Application.objects.values_list("person_id", "window_id", "status", "amount_cents")),
        sorted(IntakeEntry.objects.values_list("pk", "outcome", "position")),
        sorted(Window.objects.values_list("pk", "granted_cents", "seed", "allocated_at")),
        Reservation.objects.aggregate(s=Sum("amount_cents"))["s"],
        AuditEntry.objects.filter(action="window.allocated").count(),
    )


def check_decided_once(windows: list[Window]) -> None:
    for window in windows:
        window.refresh_from_db()
        assert not window.intake.filter(outcome="").exists()
        apps = Application.objects.filter(window=window)
        # An application per grant, no more; the waiting outcome is kept on the entry.
        assert apps.count() == window.intake.filter(outcome="granted").count()
        granted = apps.filter(status="granted")
        assert granted.count() == 3
        assert granted.aggregate(s=Sum("amount_cents"))["s"] == window.granted_cents == 270_000
        assert window.intake.filter(outcome="waiting").count() == 3
    assert accounts.verify_ledger() == []


def test_a_scheduled_job_decides_the_windows_that_are_due() -> None:
    with time_machine.travel(NOW, tick=False):
        first_come = open_round(uwv_budget())
        lottery = open_round(uwv_budget(), name="Loting", policy="lottery")
        _offer, offering = training()
        for window in (first_come, lottery):
            p = job_seeker()
            shown = services.preview(
                actor=ACTOR, person=p, offering=offering, window=window, on=TODAY
            )
            services.submit(
                actor=ACTOR, window=window, shown=shown, amount_cents=shown.amount_cents,
                idempotency_key=f"due{window.pk}", at=NOW,
            )  # fmt: skip
        # Within the watermark a first-come entry waits (its request may still commit).
        assert selectors.windows_to_allocate(NOW) == []
    later = NOW + dt.timedelta(minutes=1)
    assert selectors.windows_to_allocate(later) == [first_come]  # the lottery is still open
    with time_machine.travel(later, tick=False):
        assert f"window {first_come.pk}: 1 entries, 1 granted" in run()
    closed = lottery.closes_at + dt.timedelta(minutes=1)
    assert selectors.windows_to_allocate(closed) == [lottery]
    with time_machine.travel(closed, tick=False):
        assert f"window {lottery.pk}: 1 entries, 1 granted" in run()
        assert selectors.windows_to_allocate(closed) == []
        assert run() == "No window has applications to decide now.\n"
    lottery.refresh_from_db()
    assert lottery.allocated_at is not None
    assert lottery.seed
    who = AuditEntry.objects.filter(action="window.allocated").values_list("actor", flat=True)
    assert set(who) == {"system:allocate_windows"}


def test_running_it_again_changes_nothing() -> None:
    windows = closed_2023_windows()
    out = run()
    for window in windows:
        assert f"window {window.pk}: 6 entries, 3 granted, 3 waiting, 0 refused" in out
    check_decided_once(windows)
    before = state()
    assert run() == "No window has applications to decide now.\n"
    assert state() == before


def test_a_window_decided_by_another_run_meanwhile_is_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The race between selecting and locking, made to happen: the selection is taken, then
    another run decides the lottery window before this run locks it."""
    first_come, lottery = closed_2023_windows()
    due = selectors.windows_to_allocate()
    assert due == [first_come, lottery]
    services.allocate_window(lottery)
    before = state()
    monkeypatch.setattr(selectors, "windows_to_allocate", lambda: due)
    out = run()
    assert f"window {lottery.pk}: decided by another run" in out
    assert f"window {first_come.pk}: 6 entries, 3 granted" in out
    check_decided_once([first_come, lottery])
    assert state()[2][1] == before[2][1]  # the lottery's draw is the first run's


def test_a_failing_window_is_reported_and_the_others_are_decided(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first_come, lottery = closed_2023_windows()
    real = services.allocate_window

    def cap_race_on_first_come(window: Window, **kwargs: Any) -> Any:
        if window.pk == first_come.pk:  # what a concurrent window on the same training causes
            raise Problem(409, "The training cap was passed by another window.", code="cap-race")
        return real(window, **kwargs)

    monkeypatch.setattr(services, "allocate_window", cap_race_on_first_come)
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 2 window"):
        call_command("allocate_windows", stdout=out, stderr=out)
    assert f"window {first_come.pk}: The training cap was passed" in out.getvalue()
    assert f"window {lottery.pk}: 6 entries, 3 granted" in out.getvalue()
    # Nothing of the failed window was written; the next run decides it.
    assert not Application.objects.filter(window=first_come).exists()
    monkeypatch.setattr(services, "allocate_window", real)
    assert f"window {first_come.pk}: 6 entries, 3 granted" in run()
    check_decided_once([first_come, lottery])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_decide_each_window_once() -> None:
    """Two schedulers (or an overlapping cron run) start the job together: each window is
    decided once, neither run fails."""
    windows = closed_2023_windows()
    runs = 4
    barrier = threading.Barrier(runs)
    outputs: list[Any] = [None] * runs

    def target(i: int) -> None:
        try:
            barrier.wait()
            outputs[i] = run()
        except Exception as exc:  # checked below
            outputs[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert not [o for o in outputs if isinstance(o, Exception)], outputs
    check_decided_once(windows)
    assert AuditEntry.objects.filter(action="window.allocated").count() >= 2
    lottery_draws = AuditEntry.objects.filter(
        action="window.allocated", subject_id=str(windows[1].pk)
    )
    assert lottery_draws.count() == 1
