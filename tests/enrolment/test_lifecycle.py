# SPDX-License-Identifier: EUPL-1.2
"""The lifecycle table, pinned; and the claw-back arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llo.enrolment import lifecycle, settlement
from llo.enrolment.lifecycle import Event, Movement, Status


def test_the_table() -> None:
    rows = {
        (t.source.value, t.event.value): (t.target.value, t.money.value, str(t.who))
        for t in lifecycle.TABLE
    }
    assert rows == {
        ("applied", "grant"): ("granted", "reserve", "system"),
        ("applied", "waitlist"): ("waiting", "none", "system"),
        ("applied", "refuse"): ("refused", "none", "system"),
        ("waiting", "grant"): ("granted", "reserve", "system"),
        ("waiting", "lapse"): ("lapsed", "none", "system"),
        ("waiting", "cancel"): ("cancelled", "none", "person"),
        ("granted", "enrol"): ("enrolled", "none", "provider"),
        ("granted", "cancel"): ("cancelled", "release", "person"),
        ("enrolled", "start"): ("started", "pay_advance", "provider"),
        ("enrolled", "cancel"): ("cancelled", "release", "person"),
        ("started", "complete"): ("completed", "none", "provider"),
        ("started", "drop_out"): ("dropped_out", "claw_back", "provider"),
        ("started", "fail_attendance"): ("not_completed", "claw_back", "provider"),
        ("completed", "pay_final"): ("paid", "pay_rest", "system"),
    }


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("event", list(Event))
def test_every_pair_is_in_the_table_or_refused(status: Status, event: Event) -> None:
    if (status, event) in {(t.source, t.event) for t in lifecycle.TABLE}:
        assert lifecycle.step(status, event).source == status
    else:
        with pytest.raises(lifecycle.TransitionError):
            lifecycle.step(status, event)


def test_final_states_have_no_way_out() -> None:
    for status in lifecycle.FINAL:
        assert lifecycle.allowed(status) == []
    # enrolling is only possible after a grant: a provider cannot enrol someone who did not apply
    assert [t.source for t in lifecycle.TABLE if t.event == Event.ENROL] == [Status.GRANTED]
    # money is paid only on start (advance) and after evidence (the rest)
    assert {
        t.event for t in lifecycle.TABLE if t.money in (Movement.PAY_ADVANCE, Movement.PAY_REST)
    } == {
        Event.START,
        Event.PAY_FINAL,
    }


def test_attendance() -> None:
    assert settlement.attendance_pct(8, 10) == 80
    assert settlement.attendance_pct(7, 10) == 70
    # two sessions missed through illness are left out: 7 of 8 counted is 87 %
    assert settlement.attendance_pct(7, 10, excused=2) == 87
    assert settlement.completed(credential=False, attended=7, planned=10, excused=2)
    assert not settlement.completed(credential=False, attended=7, planned=10)
    assert settlement.completed(credential=True, attended=0, planned=10)
    with pytest.raises(ValueError, match="planned"):
        settlement.attendance_pct(9, 10, excused=2)


def test_claw_back_examples() -> None:
    # €900 reserved, 50 % advance = €450
    assert settlement.advance_cents(90_000) == 45_000
    assert settlement.advance_cents(99_999) == 50_000  # half up
    assert settlement.settle(
        reserved_cents=90_000, advance_paid_cents=45_000, completed=True
    ) == settlement.Settlement(45_000, 0, 0)
    assert settlement.settle(
        reserved_cents=90_000, advance_paid_cents=45_000, completed=False
    ) == settlement.Settlement(0, 45_000, 45_000)
    assert settlement.settle(
        reserved_cents=90_000, advance_paid_cents=45_000, completed=False, excused=True
    ) == settlement.Settlement(0, 0, 45_000)


@given(st.integers(0, 10**9), st.integers(0, 100), st.booleans(), st.booleans())
def test_claw_back_arithmetic(reserved: int, pct: int, done: bool, excused: bool) -> None:
    advance = settlement.advance_cents(reserved, pct)
    result = settlement.settle(
        reserved_cents=reserved, advance_paid_cents=advance, completed=done, excused=excused
    )
    provider_keeps = advance + result.pay_cents - result.claw_back_cents
    assert provider_keeps + result.release_cents + result.claw_back_cents == reserved
    assert 0 <= provider_keeps <= reserved
    assert provider_keeps == (reserved if done else advance if excused else 0)
