# SPDX-License-Identifier: EUPL-1.2
""" "U komt misschien in aanmerking voor" (issue 15, the learning overview): the rounds open
now or opening soon, and the schemes that decide now or from a coming date, that a person
may qualify for — each with the reasons the rules engine gives on the person's own facts
(:func:`llo.schemes.outlook.person_outlook`) and a next step. Mohammed sees the new LLO scheme
without knowing its name (JOURNEYS.md).

A round or scheme is left out when a condition about the person fails; the conditions about
the training stay open ("that depends on the training you choose"). Changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llo.core.timeutil import now
from llo.enrolment import deciding, window_rules
from llo.enrolment.models import IntakeEntry, Window, WindowInterest
from llo.enrolment.selectors.facts import person_facts
from llo.enrolment.selectors.rounds import WindowState, window_state, windows_for_persons
from llo.people.models import Person
from llo.schemes.errors import RulesError
from llo.schemes.outlook import Outlook, person_outlook

#: Schemes whose status says they are in force or planned (not a withdrawn draft).
SHOWN_STATUSES = frozenset({"live", "scenario"})
#: How far ahead a round opening soon is shown.
COMING_DAYS = 120


class Step:
    APPLY = "apply"  # a round is open: choose a training in it
    PRE_REGISTER = "pre_register"  # a round opens later: pre-register now
    PRE_REGISTERED = "pre_registered"  # done; told when it opens
    APPLIED = "applied"  # already in this round
    SEARCH = "search"  # a scheme without a round: find a training, apply on its page


@dataclass(frozen=True)
class Prospect:
    outlook: Outlook
    #: The round (None: a scheme applied for with a training, without a round).
    window: Window | None
    funder: str
    step: str
    #: The first day the scheme decides on, when that is after today (a coming scheme).
    from_day: dt.date | None = None

    @property
    def title(self) -> str:
        return self.window.name if self.window is not None else self.outlook.title


def prospects_for(person: Person, on: dt.date) -> list[Prospect]:
    """What ``person`` may qualify for on ``on``, rounds first (open, then opening soon)."""
    at = now()
    found: list[Prospect] = []
    covered: set[str] = set()
    windows = windows_for_persons(on, coming_days=COMING_DAYS)
    ids = [row.window.pk for row in windows]
    entered = set(
        IntakeEntry.objects.filter(person=person, window_id__in=ids).values_list(
            "window_id", flat=True
        )
    )
    interested = set(
        WindowInterest.objects.filter(person=person, window_id__in=ids).values_list(
            "window_id", flat=True
        )
    )
    for row in windows:
        window = row.window
        key = deciding.rules_key(window)
        if key != window_rules.FUNDER:
            covered.add(key)
        outlook = _outlook(person, key, deciding.decision_day(window, on), window)
        if outlook is None or not outlook.possible:
            continue
        state = window_state(window, at)
        if window.pk in entered:
            step = Step.APPLIED
        elif state == WindowState.OPEN:
            step = Step.APPLY
        elif window.pk in interested:
            step = Step.PRE_REGISTERED
        else:
            step = Step.PRE_REGISTER
        found.append(Prospect(outlook, window, window.budget.funder.organisation.name, step))
    for key, info in window_rules.engine_schemes().items():
        if key in covered or info.status not in SHOWN_STATUSES:
            continue
        if info.valid_until is not None and info.valid_until < on:
            continue
        day = max(on, info.valid_from) if info.valid_from else on
        outlook = _outlook(person, key, day, None)
        if outlook is None or not outlook.possible:
            continue
        found.append(Prospect(outlook, None, "", Step.SEARCH, from_day=day if day > on else None))
    return found


def _outlook(person: Person, key: str, day: dt.date, window: Window | None) -> Outlook | None:
    if key == window_rules.FUNDER and window is not None:
        rules = deciding.engine_rules(window)
        facts, _sources = person_facts(
            person, key, day, funder_balance_cents=deciding.per_person_cents(window) or 1
        )
    else:
        rules = key
        facts, _sources = person_facts(person, key, day)
    try:
        return person_outlook(facts, day, rules)
    except RulesError:
        return None  # rules that cannot decide this day are offered nowhere (finding 2)
