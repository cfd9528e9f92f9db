# SPDX-License-Identifier: EUPL-1.2
"""Reads of windows ("aanvraagrondes", rounds on the pages): for the funder that opened them
(its windows, the intake and the allocation with reasons, the money left) and for a person
(the windows open now, what each would decide for a training, the trainings to compare, where
their application stands).

Changes nothing. What a window decides comes from :mod:`llo.enrolment.deciding` (the rules
engine, without storing a decision); the preview that is stored is a service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from llo.accounts import selectors as accounts_selectors
from llo.accounts.models import Budget, Funder
from llo.core.problems import Problem
from llo.core.timeutil import now
from llo.enrolment import allocation, deciding, window_words
from llo.enrolment.models import Application, IntakeEntry, Window
from llo.enrolment.selectors import ENTRY_STATUS, GRANTED_STATUSES, open_windows
from llo.enrolment.store import outcomes
from llo.enrolment.window_rules import RulesChoice
from llo.people.models import Person
from llo.register.models import Offer, Offering, OfferingState, OfferState


class WindowState:
    COMING = "coming"  # not open yet
    OPEN = "open"
    CLOSED = "closed"  # closed, the allocator did not decide everything yet
    DECIDED = "decided"  # closed and every application decided


def window_state(window: Window, at: dt.datetime | None = None) -> str:
    at = at or now()
    if at < window.opens_at:
        return WindowState.COMING
    if at < window.closes_at:
        return WindowState.OPEN
    if window.allocated_at is not None or not _line(window.pk):
        return WindowState.DECIDED
    return WindowState.CLOSED


#: Seconds a window's line (:func:`_line`) is reused by the pages of this process. During a
#: rush thousands look where they stand; counting a 250,000-entry intake for each of them
#: was the heaviest query of a page (issue 18, step 4). A place is then at most this old.
LINE_SECONDS = 10
#: Entry ids per block of the line: the exact count inside one block is a primary-key range.
LINE_BLOCK = 1024


def _line(window_id: int) -> list[tuple[int, int, int, int]]:
    """The window's undecided entries counted per (group rank, block of ids): (rank, block,
    entries, cents), in order; one grouped query per window per LINE_SECONDS in this process
    (Django's cache), however many people look."""
    key = f"llo:enrolment:line:{window_id}"
    found: list[tuple[int, int, int, int]] | None = cache.get(key)
    if found is None:
        rows = (
            IntakeEntry.objects.filter(window_id=window_id, outcome="")
            .annotate(block=F("id") / LINE_BLOCK)
            .values_list("group_rank", "block")
            .annotate(n=Count("id"), cents=Sum("amount_cents"))
            .order_by("group_rank", "block")
        )
        found = [(int(r), int(b), int(n), int(c or 0)) for r, b, n, c in rows]
        cache.set(key, found, LINE_SECONDS)
    return found


def _ahead(entry: IntakeEntry, *, by_group: bool) -> tuple[int, int]:
    """Undecided entries of the window before ``entry`` and their cents: the blocks before
    its own from the cached line, inside its own block counted now (a primary-key range of
    at most LINE_BLOCK rows). First come: every entry that came earlier; ``by_group``
    (priority, then first come): every entry of a group before it, and of its own group
    those that came earlier."""
    own = entry.pk // LINE_BLOCK
    n = cents = 0
    for rank, block, count, total in _line(entry.window_id):
        other_group = by_group and rank != entry.group_rank
        if (rank < entry.group_rank) if other_group else (block < own):
            n, cents = n + count, cents + total
    inside = IntakeEntry.objects.filter(
        window_id=entry.window_id, outcome="", pk__gte=own * LINE_BLOCK, pk__lt=entry.pk
    )
    if by_group:
        inside = inside.filter(group_rank=entry.group_rank)
    found = inside.aggregate(n=Count("pk"), s=Sum("amount_cents"))
    return n + int(found["n"] or 0), cents + int(found["s"] or 0)


@dataclass(frozen=True)
class WindowRow:
    """One window in a list: its days, money and how far it is."""

    window: Window
    state: str
    entries: int
    undecided: int

    @property
    def left_cents(self) -> int:
        return self.window.budget_cents - self.window.granted_cents


def _rows_of(windows: list[Window], at: dt.datetime) -> list[WindowRow]:
    counts: dict[int, tuple[int, int]] = {
        int(r["window_id"]): (int(r["n"]), int(r["open"]))
        for r in IntakeEntry.objects.filter(window__in=windows)
        .values("window_id")
        .annotate(n=Count("pk"), open=Count("pk", filter=Q(outcome="")))
    }
    return [WindowRow(w, window_state(w, at), *counts.get(w.pk, (0, 0))) for w in windows]


def windows_of_budget(budget: Budget) -> list[WindowRow]:
    """A budget's windows, the newest first."""
    return _rows_of(list(Window.objects.filter(budget=budget).order_by("-opens_at", "-pk")), now())


def windows_of_funder(funder: Funder) -> list[WindowRow]:
    """A funder's windows over all its budgets, the newest first."""
    return _rows_of(
        list(
            Window.objects.filter(budget__funder=funder)
            .select_related("budget")
            .order_by("-opens_at", "-pk")
        ),
        now(),
    )


def window_of_funder(funder: Funder | None, window_id: int) -> Window | None:
    """A window of this funder, or None (another funder's window does not exist for it)."""
    if funder is None:
        return None
    return (
        Window.objects.select_related("budget__funder__organisation")
        .filter(pk=window_id, budget__funder=funder)
        .first()
    )


@dataclass(frozen=True)
class Tally:
    count: int = 0
    amount_cents: int = 0


@dataclass(frozen=True)
class IntakeLine:
    """One application in a window, without the person's name: what a funder needs to see
    the intake and the allocation (AVG: no more)."""

    number: int
    received_at: dt.datetime
    offer_title: str
    amount_cents: int
    group_rank: int
    outcome: str
    position: int | None
    receipt: str
    status: str
    reason: str
    #: The entry's number in the window (arrival order), on which the lottery draws: with
    #: the published lottery code anyone re-runs the draw (decision 016).
    seq: int | None = None


@dataclass(frozen=True)
class WindowReport:
    """Intake and allocation of one window, and what is left of its money."""

    window: Window
    state: str
    rules: RulesChoice
    received: Tally
    undecided: Tally
    #: By priority group (its index in the window's groups; len(groups): everyone else).
    by_group: list[tuple[int, Tally]]
    granted: Tally
    waiting: Tally
    #: Refused, per reason (the application's status reason; a second application of a
    #: person who had this budget this year has none, and is counted apart).
    refused: list[tuple[str, Tally]]
    duplicates: Tally
    budget_left_cents: int
    lines: list[IntakeLine]

    @property
    def left_cents(self) -> int:
        return self.window.budget_cents - self.window.granted_cents

    @property
    def needs_allocation(self) -> bool:
        """There are applications the allocator can decide now."""
        if self.undecided.count == 0:
            return False
        if self.window.policy == "fcfs":
            return True
        return self.state != WindowState.OPEN and self.state != WindowState.COMING


def _tally(rows: Any) -> Tally:
    found = rows.aggregate(n=Count("pk"), s=Sum("amount_cents"))
    return Tally(int(found["n"] or 0), int(found["s"] or 0))


#: Refusals kept on the entry, with their reason (a duplicate is counted apart).
_REFUSED = (allocation.Outcome.REFUSED_BUDGET, allocation.Outcome.REFUSED_CAP)


def window_report(window: Window, *, lines: int = 200) -> WindowReport:
    """Everything a funder sees of its window: the intake (received, per priority group, not
    decided yet) and the allocation (granted, waiting, refused with reasons), and the money.
    The outcomes are counted on the entries, where they are kept (one grouped query); the
    grants on their applications, whose money may have moved since."""
    intake = IntakeEntry.objects.filter(window=window)
    apps = Application.objects.filter(window=window)
    by_group = [
        (int(r["group_rank"]), Tally(int(r["n"]), int(r["s"] or 0)))
        for r in intake.values("group_rank")
        .annotate(n=Count("pk"), s=Sum("amount_cents"))
        .order_by("group_rank")
    ]
    by_outcome = {
        str(r["outcome"]): Tally(int(r["n"]), int(r["s"] or 0))
        for r in intake.values("outcome").annotate(n=Count("pk"), s=Sum("amount_cents")).order_by()
    }
    refused = [(window_words.outcome_reason(o), by_outcome[o]) for o in _REFUSED if o in by_outcome]
    shown = list(
        intake.select_related("offer").order_by(F("position").asc(nulls_last=True), "pk")[:lines]
    )
    made = {
        a.intake_id: a
        for a in apps.filter(intake__in=[e.pk for e in shown]).only(
            "intake_id", "receipt", "status", "status_reason"
        )
    }
    report_lines = []
    for e in shown:
        app = made.get(e.pk)
        status = app.status if app else ENTRY_STATUS.get(e.outcome, "")
        report_lines.append(
            IntakeLine(
                number=e.pk,
                received_at=e.received_at,
                offer_title=e.offer.title,
                amount_cents=e.amount_cents,
                group_rank=e.group_rank,
                outcome=e.outcome,
                position=e.position,
                receipt=app.receipt if app else "",
                status=status,
                reason=app.status_reason if app else window_words.outcome_reason(e.outcome),
                seq=e.seq,
            )
        )
    return WindowReport(
        window=window,
        state=window_state(window),
        rules=deciding.rules_of(window),
        received=Tally(
            sum(t.count for t in by_outcome.values()),
            sum(t.amount_cents for t in by_outcome.values()),
        ),
        undecided=by_outcome.get("", Tally()),
        by_group=by_group,
        granted=_tally(apps.filter(status__in=GRANTED_STATUSES)),
        waiting=by_outcome.get(allocation.Outcome.WAITING, Tally()),
        refused=refused,
        duplicates=by_outcome.get(allocation.Outcome.REFUSED_DUPLICATE, Tally()),
        budget_left_cents=accounts_selectors.budget_left(window.budget),
        lines=report_lines,
    )


@dataclass(frozen=True)
class Place:
    """Where a person's application stands in a window, in words a person can follow."""

    entry: IntakeEntry
    state: str
    #: The entry's application: a grant (a waiting or refused outcome is kept on the entry).
    application: Application | None
    #: Applications that will be decided before this one, and what they ask together
    #: (None while a lottery still has to decide the order).
    ahead: int | None
    ahead_cents: int | None
    #: The window's money not granted yet.
    left_cents: int
    #: On the waiting list: how many wait before this one.
    waiting_ahead: int | None

    @property
    def decided(self) -> bool:
        return bool(self.entry.outcome)

    @property
    def status(self) -> str:
        """The status of the application, or the one the entry's outcome stands for."""
        if self.application is not None:
            return self.application.status
        return ENTRY_STATUS.get(self.entry.outcome, "")

    @property
    def reason(self) -> str:
        """Why it has its status, in the person's words."""
        if self.application is not None:
            return self.application.status_reason
        return window_words.outcome_reason(self.entry.outcome)

    @property
    def line(self) -> int | None:
        """The place in the line: 1 is the next to be decided."""
        return None if self.ahead is None else self.ahead + 1

    @property
    def enough(self) -> bool | None:
        """Whether the money left covers everyone before this one and this one too (None:
        not known yet)."""
        if self.ahead_cents is None:
            return None
        return self.ahead_cents + self.entry.amount_cents <= self.left_cents


def place_of(entry: IntakeEntry) -> Place:
    """Where ``entry`` stands: before the decision, how many go first (first come: those who
    came earlier; priority: the groups before it and, inside its group, those who came
    earlier; a lottery: not known until the draw); after it, the outcome, and on the waiting
    list how many wait before it."""
    window = entry.window
    app = Application.objects.filter(intake=entry).first() if entry.outcome else None
    left = window.budget_cents - window.granted_cents
    ahead: int | None = None
    ahead_cents: int | None = None
    waiting_ahead: int | None = None
    if not entry.outcome:
        # From the window's cached line (no count of the whole intake per view).
        if window.policy == "fcfs":
            ahead, ahead_cents = _ahead(entry, by_group=False)
        elif window.policy == "priority" and window.then_policy == "fcfs":
            ahead, ahead_cents = _ahead(entry, by_group=True)
    elif entry.outcome == allocation.Outcome.WAITING and entry.position is not None:
        waiting_ahead = outcomes.waiting_ahead(window.pk, entry.position)
    return Place(entry, window_state(window), app, ahead, ahead_cents, left, waiting_ahead)


def can_decide(window: Window, on: dt.date) -> bool:
    """Whether the window's rules apply on the day it would decide (issue 15, finding 2: a
    window on rules that ended is offered nowhere)."""
    return deciding.rules_of(window).applies_on(deciding.decision_day(window, on))


def windows_for_persons(on: dt.date, *, coming_days: int = 90) -> list[WindowRow]:
    """The windows a person can apply in now, and those opening within ``coming_days``,
    closing first first; only windows whose rules can decide."""
    at = now()
    until = at + dt.timedelta(days=coming_days)
    found = [
        w
        for w in Window.objects.filter(closes_at__gt=at, opens_at__lte=until)
        .select_related("budget__funder__organisation")
        .order_by("closes_at", "pk")
        if can_decide(w, on)
    ]
    return _rows_of(found, at)


def entry_of(person: Person, window: Window) -> IntakeEntry | None:
    return IntakeEntry.objects.filter(person=person, window=window).first()


def own_entry(person: Person, window_id: int, entry_id: int) -> IntakeEntry | None:
    """The person's own entry ``entry_id`` in window ``window_id`` (None for another's)."""
    return (
        IntakeEntry.objects.select_related("window")
        .filter(pk=entry_id, window_id=window_id, person=person)
        .first()
    )


def windows_for_offering(person: Person, offering: Offering, on: dt.date) -> list[deciding.Fit]:
    """The open windows that can decide for ``person`` and ``offering`` on ``on``, with what
    each would decide (eligible ones first). A window whose rules do not apply today, or
    cannot decide for this person and training, is not offered (issue 15, finding 2)."""
    found: list[deciding.Fit] = []
    for window in open_windows():
        if not can_decide(window, on):
            continue
        try:
            result, _record = deciding.fit(window, person, offering, on)
        except Problem:
            continue
        if result.can_decide:
            found.append(result)
    return sorted(found, key=lambda f: (not f.eligible, f.own_cents, f.window.closes_at))


class OfferSort:
    OWN = "betaal"  # what the person pays, then the price
    START = "start"  # the first start date


def window_offers(
    window: Window,
    person: Person,
    on: dt.date,
    *,
    sort: str = OfferSort.OWN,
    words: str = "",
    only_paid: bool = True,
    not_known: bool = True,
    limit: int = 20,
    candidates: int = 150,
    priced_from: int = 0,
) -> list[deciding.Fit]:
    """Trainings to compare in ``window`` for ``person``: the next start of each published
    training near them (their region, or online) that starts after the decision day, with
    what the window pays and what they pay themselves; ``only_paid`` keeps those the window
    pays for, and (``not_known``) those it may pay once the person answers what the rules
    still need (their purpose, their study support: Mohammed before his first application);
    ``priced_from``
    (cents) leaves out cheaper trainings. One run of the rules for
    all candidates (:func:`deciding.fits`)."""
    day = deciding.decision_day(window, on)
    near = Offer.gemeenten.through.objects.filter(
        offer_id=OuterRef("offer_id"), gemeente__region_id=person.gemeente.region_id
    )
    offerings = Offering.objects.filter(
        state=OfferingState.ACTIVE,
        start_date__gt=day,
        offer__state=OfferState.PUBLISHED,
        offer__price_cents__gt=0,
        offer__price_cents__gte=priced_from,
    ).filter(Q(offer__online=True) | Exists(near))
    if words.strip():
        for word in words.split()[:5]:
            offerings = offerings.filter(offer__title__icontains=word)
    order = (
        ("start_date", "offer__price_cents")
        if sort == OfferSort.START
        else ("offer__price_cents", "start_date")
    )
    # The next start of each training: read ids in order, keep the first per training.
    firsts: dict[int, int] = {}
    for pk, offer_id in offerings.order_by(*order, "pk").values_list("pk", "offer_id")[
        : candidates * 4
    ]:
        firsts.setdefault(offer_id, pk)
        if len(firsts) >= candidates:
            break
    chosen = list(
        Offering.objects.filter(pk__in=firsts.values())
        .select_related("offer__opleider__organisation")
        .prefetch_related("offer__opleider__quality_marks")
    )
    results = deciding.fits(window, person, chosen, on)
    if only_paid:
        results = [r for r in results if r.eligible or (not_known and r.not_known)]
    if sort == OfferSort.START:
        results.sort(key=lambda r: (r.offering.start_date, r.own_cents, r.offering.pk))
    else:
        results.sort(key=lambda r: (r.own_cents, r.price_cents, r.offering.start_date))
    return results[:limit]


def windows_to_allocate(at: dt.datetime | None = None) -> list[Window]:
    """Windows with applications the allocator can decide now: a first-come window with
    undecided entries older than the watermark, a lottery or priority window closed and not
    allocated yet."""
    at = at or now()
    undecided = IntakeEntry.objects.filter(window=OuterRef("pk"), outcome="")
    first_come = Q(policy="fcfs") & Exists(
        undecided.filter(received_at__lte=at - allocation.WATERMARK)
    )
    after_close = ~Q(policy="fcfs") & Q(closes_at__lte=at, allocated_at__isnull=True)
    return list(
        Window.objects.filter(first_come | (after_close & Exists(undecided))).order_by("pk")
    )
