# SPDX-License-Identifier: EUPL-1.2
"""The allocator of a window: the single writer that decides its intake (issue 18).

Set-based: the window's undecided entries are read once as tuples, the policy decides them
all in memory (:func:`llo.enrolment.allocation.allocate`, exact order, the budget never
passed), and the outcomes are written back in batches, one statement per
:data:`llo.enrolment.store.intake.BATCH` rows (:mod:`llo.enrolment.store.intake`): every
entry its outcome, place and number. Only a grant becomes an application, and only the grants
move money, through :mod:`.money`; a waiting or refused outcome stays on the entry with its
reason (decision 013, :mod:`llo.enrolment.store.outcomes`): 248,000 waiting persons are one
``UPDATE`` and one ``INSERT ... SELECT`` of their notifications, not an application row and
a notification row each built in Python.

Every entry of a decided window has an outcome afterwards. Before issue 18 a lottery window
allocated just after it closed could keep a few entries without one (3 of 1,839 in the
issue's run): a request that took its arrival time before closing committed its entry after
the allocator had read the intake, and a lottery window is allocated once. Now the intake
takes the window row ``FOR KEY SHARE`` and refuses an allocated window
(:func:`llo.enrolment.store.locks.window_for_intake`), and the allocator takes it
``FOR UPDATE``: the allocator waits for every entry being written, and an entry that comes
after it is refused as too late, never kept undecided.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from llo.core import audit, bulk
from llo.core.problems import Problem
from llo.core.timeutil import now
from llo.enrolment import allocation, lifecycle
from llo.enrolment.lifecycle import Event, Status, Transition, Who
from llo.enrolment.models import Application, IntakeEntry, PreRegistration, Window
from llo.enrolment.services import money, notices, transitions
from llo.enrolment.services.common import SYSTEM, new_receipt
from llo.enrolment.store import counters, intake, locks, outcomes
from llo.register.models import Offer

#: Entries younger than this are not allocated yet during an FCFS window.
WATERMARK = allocation.WATERMARK


@dataclass
class AllocationReport:
    entries: int
    granted: int
    waiting: int
    refused: int
    granted_cents: int
    seed: str
    #: Seconds per phase: read, decide, outcomes, grants, tell, commit.
    phases: dict[str, float] = field(default_factory=dict)


def _active_persons(window: Window, year: int, entries: Sequence[outcomes.Undecided]) -> set[int]:
    """Persons whose entry is refused as a duplicate: who got this budget this year, or who
    has an active application for the entry's start date already (applied with their own
    budgets, or granted in another window after this entry came in; the unique index
    ``enrolment_application_one_active`` would refuse a second one).

    A place on another window's waiting list is not an application (decision 013): it does
    not refuse this entry; if this window grants it, that waiting list passes the person
    over (:func:`llo.enrolment.services.waiting.promote_waiting`), so a person is still
    granted once."""
    active = sorted(lifecycle.ACTIVE)
    persons = set(
        Application.objects.filter(
            budget_id=window.budget_id, year=year, status__in=active
        ).values_list("person_id", flat=True)
    )
    wanted = {(e.person_id, e.offering_id) for e in entries}
    offerings = {o for _p, o in wanted}
    for part in bulk.chunks(sorted(offerings)):
        taken = Application.objects.filter(offering_id__in=part, status__in=active).values_list(
            "person_id", "offering_id"
        )
        persons |= {p for p, o in taken if (p, o) in wanted}
    return persons


@dataclass(frozen=True)
class _Rows:
    """The table rows an allocation takes: each outcome's status and its money."""

    grant: Transition
    waitlist: Transition
    refuse: Transition

    @classmethod
    def of_the_table(cls) -> _Rows:
        return cls(
            transitions.enter(Event.GRANT, by=Who.SYSTEM),
            transitions.enter(Event.WAITLIST, by=Who.SYSTEM),
            transitions.enter(Event.REFUSE, by=Who.SYSTEM),
        )

    def of(self, outcome: allocation.Outcome) -> Transition:
        if outcome == allocation.Outcome.GRANTED:
            return self.grant
        if outcome == allocation.Outcome.WAITING:
            return self.waitlist
        return self.refuse


def _receipts(n: int) -> list[str]:
    """``n`` receipt numbers, no two alike."""
    made: set[str] = set()
    while len(made) < n:
        made |= {new_receipt() for _ in range(n - len(made))}
    return list(made)


#: How PostgreSQL and SQLite name the unique constraint a receipt number drawn twice would
#: break (models.Application).
_RECEIPT_UNIQUE = ('"enrolment_application_receipt"', "enrolment_application.receipt")


def _insert_applications(made: list[dict[str, object]]) -> None:
    """Write the applications; if a receipt number is already stored (with 80 bits near
    impossible, but the unique constraint would stop the whole allocation), draw them all
    again. A savepoint, not a look-up of every number."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                bulk.insert_rows(Application, made)
            return
        except IntegrityError as exc:
            if not any(name in str(exc) for name in _RECEIPT_UNIQUE) or attempt == 2:
                raise
            for row, receipt in zip(made, _receipts(len(made)), strict=True):
                row["receipt"] = receipt


def _grants(window: Window, entry_ids: Sequence[int], at: dt.datetime) -> list[dict[str, object]]:
    """The applications of the granted entries, in policy order, as rows (reads what they
    need for all of them at once; a few thousand at most, as many as the budget pays)."""
    found = {
        e["id"]: e
        for part in bulk.chunks(list(entry_ids))
        for e in IntakeEntry.objects.filter(pk__in=part).values(
            "id", "person_id", "offer_id", "offering_id", "preview_id", "amount_cents",
            "received_at", "actor", "preview__own_cents",
        )
    }  # fmt: skip
    offers = {e["offer_id"] for e in found.values()}
    provider_of = dict(
        Offer.objects.filter(pk__in=offers).values_list("pk", "opleider__organisation_id")
    )
    pre_registered = set(
        PreRegistration.objects.filter(
            offer_id__in=offers, person_id__in={e["person_id"] for e in found.values()}
        ).values_list("person_id", "offer_id")
    )
    ids = bulk.allocate_ids(Application, len(entry_ids))
    return [
        {
            "id": pk,
            "person_id": e["person_id"],
            "offer_id": e["offer_id"],
            "offering_id": e["offering_id"],
            "provider_id": provider_of[e["offer_id"]],
            "window_id": window.pk,
            "budget_id": window.budget_id,
            "intake_id": e["id"],
            "preview_id": e["preview_id"],
            "year": e["received_at"].year,
            "status": Status.GRANTED.value,
            "amount_cents": e["amount_cents"],
            # A grant pays the amount asked; the rest of the price the person pays.
            "own_cents": e["preview__own_cents"] or 0,
            "receipt": receipt,
            "applied_at": e["received_at"],
            "applied_by": e["actor"],
            "pre_registered": (e["person_id"], e["offer_id"]) in pre_registered,
            "status_reason": "",
            "updated_at": at,
        }
        for pk, receipt, e in zip(
            ids, _receipts(len(entry_ids)), (found[i] for i in entry_ids), strict=True
        )
    ]


class _Clock:
    """Seconds per phase of one allocation (bench/allocate prints them)."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self._last = time.perf_counter()

    def mark(self, phase: str) -> None:
        t = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + t - self._last
        self._last = t


#: The outcomes kept on an entry whose person is told (a duplicate is not: it has another
#: application or entry of this budget already).
_TOLD = (
    allocation.Outcome.WAITING,
    allocation.Outcome.REFUSED_BUDGET,
    allocation.Outcome.REFUSED_CAP,
)


def allocate_window(
    window: Window,
    *,
    actor: audit.Actor = SYSTEM,
    at: dt.datetime | None = None,
    seed: str | None = None,
) -> AllocationReport:
    """The single writer of a window: decide every unallocated entry in policy order.

    FCFS may run while the window is open (entries up to the watermark); lottery and priority
    run once after closing, with a fresh seed that is stored and published (``seed`` gives
    one instead: a draw announced beforehand, or the demo's, which must be the same every
    run). Each outcome is a row of the lifecycle table taken by the system, with the money
    that row names.

    What is written (decision 013): every entry its outcome, place and number in the window
    (one set-based ``UPDATE`` per batch); an application only for a grant, whose money moves;
    a waiting or refused outcome stays on the entry, and its person is told by a notification
    the database writes from the entries (one ``INSERT ... SELECT`` per outcome, addresses
    joined there).

    Locks: the window (:func:`llo.enrolment.store.locks.window`; it waits for entries being
    written), then the conditional updates of the training counters and the window's total,
    then the ledger's.
    """
    rows = _Rows.of_the_table()
    at = at or now()
    policy = allocation.Policy(window.policy)
    needs_close = policy in (allocation.Policy.LOTTERY, allocation.Policy.PRIORITY)
    if needs_close and at < window.closes_at:
        raise Problem(409, _("This window is allocated after it closes."), code="window-open")
    clock = _Clock()
    with transaction.atomic():
        current = locks.window(window.pk)
        if needs_close and current.allocated_at is not None:
            raise Problem(409, _("This window was allocated already."), code="allocated")
        uses_lottery = policy == allocation.Policy.LOTTERY or (
            policy == allocation.Policy.PRIORITY
            and current.then_policy == allocation.Policy.LOTTERY
        )
        if uses_lottery and not current.seed:
            current.seed = seed or secrets.token_hex(16)
        horizon = (
            min(at - WATERMARK, current.closes_at)
            if policy == allocation.Policy.FCFS
            else current.closes_at
        )
        entries = outcomes.undecided(current.pk, horizon)
        year = current.opens_at.year
        # Each entry's number in the window, in arrival order, after those decided before
        # (decision 016): the policies, the lottery above all, work on these numbers.
        start = intake.decided_count(current.pk)
        id_of = {start + 1 + i: e.id for i, e in enumerate(entries)}
        excluded = _active_persons(current, year, entries)
        clock.mark("read")
        result = allocation.allocate(
            [
                allocation.Entry(seq, e.person_id, e.offer_id, e.amount_cents, e.group_rank)
                for seq, e in zip(id_of, entries, strict=True)
            ],
            budget_cents=current.budget_cents - current.granted_cents,
            policy=policy,
            seed=current.seed,
            then=current.then_policy,
            training_cap=current.training_cap,
            grants_so_far=counters.grants_by_offer({e.offer_id for e in entries}, year),
            excluded_persons=excluded,
            waiting_list=current.waiting_list,
        )
        clock.mark("decide")
        # Written in the entries' own order (arrival: their order on disk), not the policy's:
        # a lottery's order visits the table's pages at random, batch after batch.
        places = sorted(
            (id_of[seq], result.outcomes[seq].value, place, seq)
            for place, seq in enumerate(result.order, start=start + 1)
        )
        written = intake.set_outcomes(
            [p[0] for p in places], [p[1] for p in places], [p[2] for p in places],
            [p[3] for p in places],
        )  # fmt: skip
        if written != len(result.order):  # the window lock makes this impossible
            raise Problem(409, _("The window was decided meanwhile; try again."), code="allocated")
        outcomes.analyze_outcomes()
        clock.mark("outcomes")
        granted = [id_of[s] for s in result.seqs(allocation.Outcome.GRANTED)]
        made = _grants(current, granted, at)
        _insert_applications(made)
        for offer_id, n in result.grants_by_training.items():
            if not counters.add_grants(offer_id, year, n, current.training_cap):
                raise Problem(
                    409,
                    _("The training cap was passed by another window; try again."),
                    code="cap-race",
                )
        if result.granted_cents and not counters.spend_window(current.pk, result.granted_cents):
            raise Problem(409, _("The window budget would be exceeded."), code="budget-exceeded")
        apps = _loaded(current, granted)
        money.perform(
            rows.grant.money,
            apps,
            money.Context(
                actor=actor,
                on=at.date(),
                key=f"window:{current.pk}:{entries[-1].id if entries else 0}",
                window=current,
            ),
        )
        clock.mark("grants")
        # Every person hears their outcome (issue 15): a grant from its application, every
        # other outcome from the entries just decided (numbers after ``start``), written by
        # the database, one statement per outcome.
        notices.tell(apps, rows.grant.target)
        tally = Counter(result.outcomes.values())
        for outcome in _TOLD:
            if tally[outcome]:
                notices.tell_entries(
                    rows.of(outcome).target, "e.window_id = %s AND e.outcome = %s AND e.seq > %s",
                    [current.pk, outcome.value, start],
                )  # fmt: skip
        clock.mark("tell")
        counts = {
            "granted": len(granted),
            "waiting": tally[allocation.Outcome.WAITING],
            "refused": len(entries) - len(granted) - tally[allocation.Outcome.WAITING],
        }
        if needs_close:
            current.allocated_at = at
        current.save(update_fields=["seed", "allocated_at"])
        audit.record(
            actor=actor,
            action="window.allocated",
            subject=current,
            after={
                **counts,
                "granted_cents": result.granted_cents,
                "seed": current.seed,
                "policy": policy.value,
            },
        )
    clock.mark("commit")
    return AllocationReport(
        len(entries),
        counts["granted"],
        counts["waiting"],
        counts["refused"],
        result.granted_cents,
        current.seed,
        clock.phases,
    )


def _loaded(window: Window, intake_ids: Sequence[int]) -> list[Application]:
    """The grants just written, as models, in policy order."""
    found: dict[int | None, Application] = {}
    for part in bulk.chunks(list(intake_ids)):
        found.update(
            (a.intake_id, a)
            for a in Application.objects.filter(
                window=window, intake_id__in=part, status=Status.GRANTED
            )
        )
    return [found[i] for i in intake_ids]
