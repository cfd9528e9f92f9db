# SPDX-License-Identifier: EUPL-1.2
"""Which rules may decide in a window, and whether they apply on the window's days.

A window decides every application with one set of rules (STAP art. 9: an "aanvraagtijdvak"
belongs to the regeling it opens): a scheme of the rules engine (``stap``, ``llo_regeling``)
or the budget's own conditions, evaluated by the generic funder rule (``funder``). The rules
must apply on every day the window is open: a decision is made on the day of the application
(or on the opening day, for a preview before it), so a window that runs on STAP, which took
applications until 31 December 2023, cannot open in 2026 (issue 15, finding 2).

What a window on a budget may run on:

* a budget tied to a scheme (``Budget.scheme``): that scheme only;
* a budget with its own conditions: those conditions, valid within the budget's period and
  the conditions' own ``valid_from``/``valid_until``; and, when the funder is public (UWV, a
  gemeente, the state: seed 003's "publiek-private ontwikkelrekening"), any scheme the engine
  knows, since a public funder may carry out a national scheme from its budget as UWV did
  STAP.

Pure: the schemes come in as plain :class:`SchemeInfo` values (:func:`engine_schemes` reads
them from the engine), so this is tested without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

#: The key of the budget's own conditions (the generic funder rule of the engine).
FUNDER = "funder"


@dataclass(frozen=True)
class SchemeInfo:
    """What a window needs to know of a scheme of the rules engine."""

    key: str
    title: str
    status: str  # live, scenario, historical
    valid_from: dt.date | None
    valid_until: dt.date | None


@dataclass(frozen=True)
class RulesChoice:
    """One set of rules a window may run on, with the days on which it decides."""

    key: str
    title: str
    status: str
    valid_from: dt.date | None
    valid_until: dt.date | None

    def applies_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_until is None or day <= self.valid_until
        )

    def covers(self, first: dt.date, last: dt.date) -> bool:
        return self.applies_on(first) and self.applies_on(last)


def engine_schemes() -> dict[str, SchemeInfo]:
    """The schemes of the rules engine, as plain values (the funder rule left out: a budget's
    own conditions are :data:`FUNDER`)."""
    from llo.schemes.system import build_system

    return {
        key: SchemeInfo(key, s.title, s.status, s.valid_from, s.valid_until)
        for key, s in build_system().schemes.items()
        if key != FUNDER
    }


def _day(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def own_conditions(
    period_start: dt.date, period_end: dt.date, conditions: Mapping[str, Any]
) -> RulesChoice:
    """The budget's own conditions: they decide within the budget's period and within the
    conditions' own validity, whichever is shorter."""
    start, end = period_start, period_end
    since, until = _day(conditions.get("valid_from")), _day(conditions.get("valid_until"))
    if since is not None and since > start:
        start = since
    if until is not None and until < end:
        end = until
    return RulesChoice(FUNDER, _("The conditions of this budget"), "live", start, end)


def choices_for(
    *,
    budget_scheme: str,
    public_funder: bool,
    period_start: dt.date,
    period_end: dt.date,
    conditions: Mapping[str, Any],
    schemes: Mapping[str, SchemeInfo],
) -> list[RulesChoice]:
    """The rules a window on this budget may run on, in the order a form shows them."""
    if budget_scheme:
        info = schemes.get(budget_scheme)
        if info is None:
            return []
        return [_of(info)]
    found = [own_conditions(period_start, period_end, conditions)]
    if public_funder:
        found.extend(_of(info) for info in schemes.values())
    return found


def _of(info: SchemeInfo) -> RulesChoice:
    return RulesChoice(info.key, info.title, info.status, info.valid_from, info.valid_until)


def _date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def validity_text(choice: RulesChoice) -> str:
    """When these rules decide, in words: 'from 1 January 2027', 'from 1 March 2022 until
    31 December 2023', 'always'."""
    if choice.valid_from and choice.valid_until:
        return _("from %(start)s until %(end)s") % {
            "start": _date(choice.valid_from),
            "end": _date(choice.valid_until),
        }
    if choice.valid_from:
        return _("from %(start)s") % {"start": _date(choice.valid_from)}
    if choice.valid_until:
        return _("until %(end)s") % {"end": _date(choice.valid_until)}
    return _("always")


def check_days(choice: RulesChoice, first: dt.date, last: dt.date) -> str | None:
    """None when the rules apply on every day from ``first`` to ``last``; otherwise what is
    wrong, in B1, for the form beside the field of the rules."""
    if choice.covers(first, last):
        return None
    period = _("This round runs from %(first)s until %(last)s.") % {
        "first": _date(first),
        "last": _date(last),
    }
    if choice.valid_until is not None and first > choice.valid_until:
        return " ".join(
            [
                _("%(rules)s took applications until %(end)s.")
                % {"rules": choice.title, "end": _date(choice.valid_until)},
                period,
                _("Choose rules that apply on the days of the round."),
            ]
        )
    if choice.valid_from is not None and last < choice.valid_from:
        return " ".join(
            [
                _("%(rules)s takes applications from %(start)s.")
                % {"rules": choice.title, "start": _date(choice.valid_from)},
                period,
                _("Choose rules that apply on the days of the round, or let it open later."),
            ]
        )
    return " ".join(
        [
            _("%(rules)s applies %(when)s.")
            % {"rules": choice.title, "when": validity_text(choice)},
            period,
            _("Let the round open and close within that time."),
        ]
    )


def find(choices: Iterable[RulesChoice], key: str) -> RulesChoice | None:
    return next((c for c in choices if c.key == key), None)
