# SPDX-License-Identifier: EUPL-1.2
"""Which rules a window may run on, and the check that they apply on every day of the window
(issue 15, finding 2): pure, no database."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from llo.enrolment import window_rules
from llo.enrolment.window_rules import FUNDER, SchemeInfo

STAP = SchemeInfo("stap", "STAP-budget", "historical", dt.date(2022, 3, 1), dt.date(2023, 12, 31))
LLO = SchemeInfo("llo_regeling", "Nieuwe LLO-regeling", "scenario", dt.date(2027, 1, 1), None)
SCHEMES = {"stap": STAP, "llo_regeling": LLO}
START, END = dt.date(2026, 9, 1), dt.date(2027, 9, 30)


def choices(**kwargs: object) -> list[window_rules.RulesChoice]:
    values: dict[str, object] = {
        "budget_scheme": "",
        "public_funder": True,
        "period_start": START,
        "period_end": END,
        "conditions": {},
        "schemes": SCHEMES,
    }
    values.update(kwargs)
    return window_rules.choices_for(**values)  # type: ignore[arg-type]


def test_a_budget_tied_to_a_scheme_runs_windows_on_that_scheme_only() -> None:
    found = choices(budget_scheme="stap")
    assert [c.key for c in found] == ["stap"]
    assert choices(budget_scheme="gone") == []


def test_own_conditions_always_and_national_schemes_only_for_a_public_funder() -> None:
    assert [c.key for c in choices()] == [FUNDER, "stap", "llo_regeling"]
    assert [c.key for c in choices(public_funder=False)] == [FUNDER]


def test_own_conditions_decide_within_the_budget_and_their_own_validity() -> None:
    own = choices(conditions={"valid_from": "2026-10-01", "valid_until": "2027-06-30"})[0]
    assert (own.valid_from, own.valid_until) == (dt.date(2026, 10, 1), dt.date(2027, 6, 30))
    wide = choices(conditions={"valid_from": "2020-01-01", "valid_until": "2030-01-01"})[0]
    assert (wide.valid_from, wide.valid_until) == (START, END)


def test_a_window_on_stap_in_2026_is_refused_with_the_dates_in_words() -> None:
    stap = window_rules.find(choices(), "stap")
    assert stap is not None
    with translation.override("nl"):
        message = window_rules.check_days(stap, dt.date(2026, 12, 7), dt.date(2027, 1, 4))
    assert message is not None
    assert "31 december 2023" in message
    assert "7 december 2026" in message
    assert "applies to applications" not in message  # never the engine's English


def test_a_window_before_a_scheme_starts_and_one_across_its_start() -> None:
    llo = window_rules.find(choices(), "llo_regeling")
    assert llo is not None
    before = window_rules.check_days(llo, dt.date(2026, 12, 7), dt.date(2026, 12, 31))
    across = window_rules.check_days(llo, dt.date(2026, 12, 7), dt.date(2027, 1, 31))
    assert before is not None
    assert across is not None
    assert before != across
    assert window_rules.check_days(llo, dt.date(2027, 1, 1), dt.date(2027, 1, 31)) is None


def test_every_day_counts_the_first_and_the_last() -> None:
    own = choices()[0]
    assert own.covers(START, END)
    assert not own.covers(START - dt.timedelta(days=1), END)
    assert not own.covers(START, END + dt.timedelta(days=1))


def test_the_window_commands_print_their_help() -> None:
    """`llo simulate_window --help` crashed on a bare % in a help text (issue 15)."""
    from django.core.management import load_command_class

    for name in ("simulate_window", "allocate_window"):
        command = load_command_class("llo.enrolment", name)
        text = command.create_parser("llo", name).format_help()
        assert name in text
    assert (
        "% of the demand"
        in load_command_class("llo.enrolment", "simulate_window")
        .create_parser("llo", "simulate_window")
        .format_help()
    )
