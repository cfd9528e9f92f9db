# SPDX-License-Identifier: EUPL-1.2
"""The allocator of a window: the single writer that decides its intake (issue 18).

Set-based: the window's undecided entries are read once as tuples, the policy decides them
all in memory (:func:`llo.enrolment.allocation.allocate`, exact order, the budget never
passed), and the outcomes are written back in batches, one statement per
:data:`llo.enrolment.store.intake.BATCH` rows (:mod:`llo.enrolment.store.intake`): every
entry its outcome and place, every entry but a duplicate its application (granted, waiting
or refused with its reason). Only the grants move money, through :mod:`.money`.

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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from llo.core import audit, bulk
from llo.core.problems import Problem
from llo.core.timeutil import now
from llo.enrolment import allocation, lifecycle
from llo.enrolment.lifecycle import Event, Movement, Status, Transition, Who
from llo.enrolment.models import Application, PreRegistration, Preview, Window
from llo.enrolment.services import money, notices, transitions
from llo.enrolment.services.common import SYSTEM, new_receipt
from llo.enrolment.store import counters, intake, locks
from llo.enrolment.store.intake import Undecided
from llo.register.models import Offer

#: Entries younger than this are not allocated yet during an FCFS window.
WATERMARK = allocation.WATERMARK

_REASONS = {
    allocation.Outcome.WAITING: gettext_noop(
        "The window budget is used up. You are on the waiting list."
    ),
    allocation.Outcome.REFUSED_CAP: gettext_noop(
        "This training reached the most grants for this year."
    ),
    allocation.Outcome.REFUSED_BUDGET: gettext_noop("The window budget is used up."),
}


@dataclass
class AllocationReport:
    entries: int
    granted: int
    waiting: int
    refused: int
    granted_cents: int
    seed: str


def _active_persons(window: Window, year: int, entries: Sequence[Undecided]) -> set[int]:
    """Persons whose entry is refused as a duplicate: who got this budget this year, or who
    has an active application for the entry's start date already (applied with their own
    budgets, or granted in another window after this entry came in; the unique index
    ``enrolment_application_one_active`` would refuse a second one)."""
    active = sorted(lifecycle.ACTIVE)
    persons = set(
        Application.objects.filter(
            budget_id=window.budget_id, year=year, status__in=active
        ).values_list("person_id", flat=True)
    )
    wanted = {(e.person_id, e.offering_id) for e in entries}
    offerings = {o for _p, o in wanted}
    for part in intake.chunks(sorted(offerings)):
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
    again. A savepoint, not a look-up of every number: looking 250,000 numbers up was a
    tenth of the allocator's time (issue 18)."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                intake.insert_rows(Application, made)
            return
        except IntegrityError as exc:
            if not any(name in str(exc) for name in _RECEIPT_UNIQUE) or attempt == 2:
                raise
            for row, receipt in zip(made, _receipts(len(made)), strict=True):
                row["receipt"] = receipt


def _applications(
    window: Window,
    entries: Sequence[Undecided],
    id_of: dict[int, int],
    result: allocation.Result,
    rows: _Rows,
    at: dt.datetime,
) -> list[dict[str, object]]:
    """Every outcome but a duplicate as an application row in the target of its table row,
    in policy order (reads what they need for all entries at once)."""
    by_id = {e.id: e for e in entries}
    offers = {e.offer_id for e in entries}
    provider_of = dict(
        Offer.objects.filter(pk__in=offers).values_list("pk", "opleider__organisation_id")
    )
    pre_registered = set(
        PreRegistration.objects.filter(offer_id__in=offers).values_list("person_id", "offer_id")
    )
    own_of: dict[int, int] = {}
    previews = sorted({e.preview_id for e in entries})
    for part in intake.chunks(previews):
        own_of.update(Preview.objects.filter(pk__in=part).values_list("pk", "own_cents"))
    reasons = {o: _(text) for o, text in _REASONS.items()}
    duplicate = allocation.Outcome.REFUSED_DUPLICATE
    decided = [s for s in result.order if result.outcomes[s] != duplicate]
    receipts = _receipts(len(decided))
    # The ids taken first, so the outcomes can be told without reading the rows back.
    ids = bulk.allocate_ids(Application, len(decided))
    made: list[dict[str, object]] = []
    for seq, receipt, pk in zip(decided, receipts, ids, strict=True):
        entry = by_id[id_of[seq]]
        outcome = result.outcomes[seq]
        status = rows.of(outcome).target
        holds = status in (Status.GRANTED, Status.WAITING)
        made.append(
            {
                "id": pk,
                "person_id": entry.person_id,
                "offer_id": entry.offer_id,
                "offering_id": entry.offering_id,
                "provider_id": provider_of[entry.offer_id],
                "window_id": window.pk,
                "budget_id": window.budget_id,
                "intake_id": entry.id,
                "preview_id": entry.preview_id,
                "year": entry.received_at.year,
                "status": status.value,
                "amount_cents": entry.amount_cents if holds else 0,
                # A grant pays the amount asked; the rest of the price the person pays.
                "own_cents": own_of.get(entry.preview_id, 0) if holds else 0,
                "receipt": receipt,
                "applied_at": entry.received_at,
                "applied_by": entry.actor,
                "pre_registered": (entry.person_id, entry.offer_id) in pre_registered,
                "status_reason": reasons.get(outcome, ""),
                "updated_at": at,
            }
        )
    return made


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
        entries = intake.undecided(current.pk, horizon)
        year = current.opens_at.year
        # Each entry's number in the window, in arrival order, after those decided before
        # (decision 016): the policies, the lottery above all, work on these numbers.
        start = intake.decided_count(current.pk)
        id_of = {start + 1 + i: e.id for i, e in enumerate(entries)}
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
            excluded_persons=_active_persons(current, year, entries),
            waiting_list=current.waiting_list,
        )
        written = intake.set_outcomes(
            [id_of[s] for s in result.order],
            [result.outcomes[s].value for s in result.order],
            range(start + 1, start + 1 + len(result.order)),
            result.order,
        )
        if written != len(result.order):  # the window lock makes this impossible
            raise Problem(409, _("The window was decided meanwhile; try again."), code="allocated")
        made = _applications(current, entries, id_of, result, rows, at)
        _insert_applications(made)
        by_row = _by_row(result, rows)
        counts = {
            "granted": len(by_row[rows.grant]),
            "waiting": len(by_row[rows.waitlist]),
            "refused": len(entries) - len(by_row[rows.grant]) - len(by_row[rows.waitlist]),
        }
        for offer_id, n in result.grants_by_training.items():
            if not counters.add_grants(offer_id, year, n, current.training_cap):
                raise Problem(
                    409,
                    _("The training cap was passed by another window; try again."),
                    code="cap-race",
                )
        if result.granted_cents and not counters.spend_window(current.pk, result.granted_cents):
            raise Problem(409, _("The window budget would be exceeded."), code="budget-exceeded")
        ctx = money.Context(
            actor=actor,
            on=at.date(),
            key=f"window:{current.pk}:{entries[-1].id if entries else 0}",
            window=current,
        )
        told = {int(m["intake_id"]): _Told.of(m) for m in made}  # type: ignore[call-overload]
        for row, seqs in by_row.items():
            ids = [id_of[s] for s in seqs]
            if row.money != Movement.NONE:  # only a grant moves money: those few as models
                money.perform(row.money, _loaded(current, ids, row), ctx)
            # Every person hears their outcome: granted, waiting or refused (issue 15), in
            # one insert per batch (notifications.notify_each), from the rows just written.
            notices.tell([told[i] for i in ids], row.target)
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
    return AllocationReport(
        len(entries),
        counts["granted"],
        counts["waiting"],
        counts["refused"],
        result.granted_cents,
        current.seed,
    )


class _Told(NamedTuple):
    """An application just written, as :func:`notices.tell` reads it (no model: 250,000 of
    them were a sixth of the allocator's time)."""

    pk: int
    person_id: int
    offer_id: int
    provider_id: int
    amount_cents: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> _Told:
        return cls(
            row["id"], row["person_id"], row["offer_id"], row["provider_id"], row["amount_cents"]
        )


def _by_row(result: allocation.Result, rows: _Rows) -> dict[Transition, list[int]]:
    """The entries of each table row, in policy order (a duplicate takes no row)."""
    out: dict[Transition, list[int]] = {rows.grant: [], rows.waitlist: [], rows.refuse: []}
    for seq in result.order:
        outcome = result.outcomes[seq]
        if outcome != allocation.Outcome.REFUSED_DUPLICATE:
            out[rows.of(outcome)].append(seq)
    return out


def _loaded(window: Window, intake_ids: Sequence[int], row: Transition) -> list[Application]:
    """The applications just written for ``row``, as models, in policy order."""
    found: dict[int | None, Application] = {}
    for part in intake.chunks(intake_ids):
        found.update(
            (a.intake_id, a)
            for a in Application.objects.filter(
                window=window, intake_id__in=part, status=row.target
            )
        )
    return [found[i] for i in intake_ids]
