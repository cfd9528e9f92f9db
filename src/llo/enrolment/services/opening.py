# SPDX-License-Identifier: EUPL-1.2
"""A funder opens a window on one of its budgets (STAP art. 9: the minister sets an
"aanvraagtijdvak" with its own ceiling; seed 004 and the STAP evaluation: the order should not
be a race, so the funder chooses the policy and the groups that go first).

Every check runs before anything is written and all problems are reported together, each on
the field it is about (``invalidParams``; a page shows them beside its fields):

* the dates: it closes after it opens, it has not closed yet, it opens today or later, and it
  lies within the budget's period (after it, the budget's money returns to the funder);
* the rules: one the budget may run on (:func:`llo.enrolment.deciding.budget_choices`), and
  they apply on every day of the window (:func:`llo.enrolment.window_rules.check_days`);
* the money: more than € 0 and at most what the budget has free (not given out, and not set
  aside for another window that is still to decide); the most per person at most the window;
* the order: a known policy; a priority policy names at least one group, each group once.

Sending the same form again (its hidden key) opens the window once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from llo.accounts import selectors as accounts_selectors
from llo.accounts.models import Budget
from llo.core import audit
from llo.core.money import Money
from llo.core.problems import InvalidParam, invalid
from llo.core.timeutil import now
from llo.enrolment import deciding, groups, window_rules
from llo.enrolment.allocation import Policy
from llo.enrolment.models import Window

#: STAP art. 12a ("verleningsgrens"): at most this many grants per training a year.
MOST_TRAINING_CAP = 100_000


@dataclass(frozen=True)
class WindowRequest:
    """What a funder fills in to open a window (money in cents, times aware)."""

    name: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    budget_cents: int
    scheme: str
    policy: str = Policy.FCFS.value
    then_policy: str = Policy.FCFS.value
    priority_groups: Sequence[str] = field(default_factory=tuple)
    max_per_person_cents: int | None = None
    training_cap: int | None = None
    waiting_list: bool = True
    description: str = ""


def committed_cents(budget: Budget, *, at: dt.datetime) -> int:
    """Money of ``budget`` set aside for windows that may still grant: what they have not
    granted yet (a window grants until its waiting list lapses at the budget's end)."""
    found = (
        Window.objects.filter(budget=budget)
        .filter(Q(closes_at__gt=at) | Q(allocated_at__isnull=True))
        .aggregate(left=Sum(F("budget_cents") - F("granted_cents")))["left"]
    )
    return int(found or 0)


def free_cents(budget: Budget, *, at: dt.datetime) -> int:
    """What a new window on ``budget`` may have: not given out, not set aside for another."""
    return max(0, accounts_selectors.budget_left(budget) - committed_cents(budget, at=at))


def _date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def check_request(budget: Budget, request: WindowRequest, *, at: dt.datetime) -> list[InvalidParam]:
    """Everything wrong with ``request`` on ``budget``, each on its field (camelCase names,
    as the API and the page both use them)."""
    errors: list[InvalidParam] = []

    def wrong(name: str, reason: str, code: str) -> None:
        errors.append(InvalidParam(name, reason, code))

    name = request.name.strip()
    if not name:
        wrong("name", _("Give the round a name."), "required")
    elif len(name) > 200:
        wrong("name", _("The name can be at most 200 characters."), "too-long")
    first, last = deciding.local_day(request.opens_at), deciding.local_day(request.closes_at)
    dates_ok = True
    if request.closes_at <= request.opens_at:
        wrong("closesAt", _("The round must close after it opens."), "order")
        dates_ok = False
    elif request.closes_at <= at:
        wrong("closesAt", _("This moment has passed. Choose a later closing time."), "past")
        dates_ok = False
    if first < deciding.local_day(at):
        wrong("opensAt", _("A round opens today or later."), "past")
        dates_ok = False
    if first < budget.period_start:
        wrong(
            "opensAt",
            _("The budget starts on %(day)s. The round cannot open before that.")
            % {"day": _date(budget.period_start)},
            "outside-budget",
        )
        dates_ok = False
    if last > budget.period_end:
        wrong(
            "closesAt",
            _(
                "The budget ends on %(day)s. The round must close on that day or before. "
                "After that, the money goes back to you."
            )
            % {"day": _date(budget.period_end)},
            "outside-budget",
        )
        dates_ok = False
    choice = window_rules.find(deciding.budget_choices(budget), request.scheme)
    if choice is None:
        wrong("scheme", _("Choose rules from the list."), "unknown")
    elif dates_ok:
        problem = window_rules.check_days(choice, first, last)
        if problem is not None:
            wrong("scheme", problem, "outside-rules")
    free = free_cents(budget, at=at)
    if request.budget_cents <= 0:
        wrong("budgetCents", _("The amount must be more than 0."), "too-small")
    elif request.budget_cents > free:
        wrong(
            "budgetCents",
            _(
                "This budget has %(free)s free for a round (not given out, and not set aside "
                "for another round). Choose a smaller amount."
            )
            % {"free": Money(free).format()},
            "budget-exceeded",
        )
    most = request.max_per_person_cents
    if most is not None and (most <= 0 or most > request.budget_cents > 0):
        wrong(
            "maxPerPersonCents",
            _("The most per person must be more than 0 and not more than the round's money."),
            "out-of-range",
        )
    if request.policy not in {p.value for p in Policy}:
        wrong("policy", _("Choose how the money is shared."), "unknown")
    if request.then_policy not in (Policy.FCFS.value, Policy.LOTTERY.value):
        wrong("thenPolicy", _("Choose the order inside a group."), "unknown")
    chosen = list(request.priority_groups)
    if any(g not in groups.GROUPS for g in chosen):
        wrong("priorityGroups", _("Choose groups from the list."), "unknown")
    elif len(set(chosen)) != len(chosen):
        wrong("priorityGroups", _("Choose each group once."), "duplicate")
    elif request.policy == Policy.PRIORITY.value and not chosen:
        wrong(
            "priorityGroups",
            _("Choose at least one group that goes first."),
            "required",
        )
    cap = request.training_cap
    if cap is not None and not 1 <= cap <= MOST_TRAINING_CAP:
        wrong("trainingCap", _("Fill in a whole number of 1 or more."), "out-of-range")
    return errors


def open_window(
    *,
    actor: audit.Actor,
    budget: Budget,
    request: WindowRequest,
    key: str = "",
    at: dt.datetime | None = None,
) -> Window:
    """Open a window on ``budget`` after every check (:func:`check_request`); ``key`` makes
    sending the same form again open it once (the first window is returned).

    Locks: none (a unique index refuses a second window of the same key)."""
    at = at or now()
    if key:
        found = Window.objects.filter(budget=budget, opening_key=key).first()
        if found is not None:
            return found
    errors = check_request(budget, request, at=at)
    if errors:
        raise invalid(_("The round cannot be opened. Look at the fields marked."), errors)
    try:
        with transaction.atomic():
            window = Window.objects.create(
                budget=budget,
                name=request.name.strip(),
                description=request.description.strip(),
                scheme=request.scheme,
                opens_at=request.opens_at,
                closes_at=request.closes_at,
                budget_cents=request.budget_cents,
                max_per_person_cents=request.max_per_person_cents,
                policy=request.policy,
                then_policy=request.then_policy,
                priority_groups=list(request.priority_groups),
                training_cap=request.training_cap,
                waiting_list=request.waiting_list,
                opening_key=key,
                opened_at=at,
            )
            audit.record(
                actor=actor,
                action="window.opened",
                subject=window,
                after={
                    "budget": budget.pk,
                    "scheme": window.scheme,
                    "opens_at": window.opens_at.isoformat(),
                    "closes_at": window.closes_at.isoformat(),
                    "budget_cents": window.budget_cents,
                    "policy": window.policy,
                    "priority_groups": window.priority_groups,
                },
            )
    except IntegrityError:
        found = Window.objects.filter(budget=budget, opening_key=key).first() if key else None
        if found is None:
            raise
        return found
    return window
