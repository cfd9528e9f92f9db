# SPDX-License-Identifier: EUPL-1.2
"""A window rush (STAP art. 9 "aanvraagtijdvak"), as an append-only intake and one allocator
per window, measured in bench/windows against a conditional update on the request path:

* :func:`submit`: the request appends one :class:`IntakeEntry`; its id comes from a database
  sequence, so concurrent requests take no lock on a shared row.
* :func:`allocate_window`: the single writer of a window grants in policy order and moves
  the money (the lifecycle table's ``applied -> grant | waitlist | refuse`` rows).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from llo.accounts import services as accounts
from llo.core import audit
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.timeutil import now
from llo.enrolment import allocation, groups, lifecycle
from llo.enrolment.lifecycle import Event, Status, Who
from llo.enrolment.models import Application, IntakeEntry, PreRegistration, Preview, Window
from llo.enrolment.services import money, transitions
from llo.enrolment.services.common import (
    SYSTEM,
    already_applied,
    check_amount_shown,
    new_receipt,
)
from llo.enrolment.services.consent import check_acting_for
from llo.enrolment.store import counters, locks
from llo.people.models import Organisation
from llo.register.models import Offer

#: Entries younger than this are not allocated yet during an FCFS window (defined with the
#: policies, so the selectors read it too).
WATERMARK = allocation.WATERMARK
#: Rows per statement when the allocator writes applications and entries.
ALLOCATION_BATCH = 500


def check_submission(window: Window, shown: Preview, amount_cents: object, at: dt.datetime) -> None:
    """The window is open, the preview is for it and not older than it, the amount is the one
    shown and the decision was yes."""
    if not window.opens_at <= at < window.closes_at:
        raise Problem(
            422,
            _("This window is closed. You can apply from %(opens)s until %(closes)s.")
            % {
                # The one date format of the Dutch pages, in Dutch time (issue 15, finding 10).
                "opens": date_format(localtime(window.opens_at), "j F Y H:i"),
                "closes": date_format(localtime(window.closes_at), "j F Y H:i"),
            },
            code="outside-window",
        )
    if shown.window_id != window.pk:
        raise invalid(
            _("This plan was made for another window."),
            [InvalidParam("previewId", _("another window"), "window")],
        )
    check_amount_shown(amount_cents, shown.amount_cents)
    if not shown.eligible:
        failed = " ".join(r["text"] for r in shown.reasons if not r.get("passed"))
        raise Problem(
            422,
            _("You cannot get this budget.") + " " + failed,
            code="not-eligible",
            extra={"reasons": shown.reasons},
        )
    if shown.peildatum < window.opens_at.date():
        raise Problem(
            409, _("Look at the plan again: it was made before this window."), code="preview-stale"
        )


@dataclass(frozen=True)
class Submitted:
    entry: IntakeEntry
    replayed: bool


def submission_hash(window: Window, shown: Preview, amount: object) -> str:
    return accounts.digest(op="submit", window=window.pk, preview=shown.pk, amount=amount)


def submit(
    *,
    actor: audit.Actor,
    window: Window,
    shown: Preview,
    amount_cents: object,
    idempotency_key: str,
    at: dt.datetime | None = None,
    acting_org: Organisation | None = None,
) -> Submitted:
    """Append one entry to the window's intake. No shared row is locked: the entry's id is
    its arrival order. A retry with the same key returns the first entry.

    Locks: none (unique indexes refuse a second entry of a key or a person)."""
    at = at or now()
    request_hash = submission_hash(window, shown, amount_cents)
    found = replayed_entry(window, idempotency_key, request_hash)
    if found is not None:
        return Submitted(found, True)
    check_submission(window, shown, amount_cents, at)
    check_acting_for(acting_org, shown.person, at)
    if Application.objects.filter(
        person_id=shown.person_id,
        budget_id=window.budget_id,
        year=at.year,
        status__in=sorted(lifecycle.ACTIVE),
    ).exists():
        raise Problem(
            409,
            _("You already got this budget this year. You can get it once a year."),
            code="once-a-year",
        )
    if Application.objects.filter(
        person_id=shown.person_id,
        offering_id=shown.offering_id,
        status__in=sorted(lifecycle.ACTIVE),
    ).exists():
        raise already_applied()
    try:
        with transaction.atomic():
            entry = new_entry(window, shown, actor, idempotency_key, request_hash, at)
            audit.record(
                actor=actor,
                action="window.submitted",
                subject=entry,
                after={"window": window.pk, "amount_cents": entry.amount_cents},
            )
    except IntegrityError:
        found = replayed_entry(window, idempotency_key, request_hash)
        if found is not None:
            return Submitted(found, True)
        raise Problem(
            409, _("You already applied in this window."), code="already-applied"
        ) from None
    return Submitted(entry, False)


def new_entry(
    window: Window,
    shown: Preview,
    actor: audit.Actor,
    idempotency_key: str,
    request_hash: str,
    at: dt.datetime,
) -> IntakeEntry:
    """Write one intake entry; its id is its place in the queue. A second entry with the
    same key, or of a person who has one in this window, fails on a unique index."""
    person = shown.person
    return IntakeEntry.objects.create(
        window=window,
        person_id=shown.person_id,
        offer_id=shown.offer_id,
        offering_id=shown.offering_id,
        preview=shown,
        amount_cents=shown.amount_cents,
        group_rank=groups.rank(
            person.highest_level, person.labour_position, window.priority_groups
        ),
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        received_at=at,
        actor=actor.name,
    )


def replayed_entry(window: Window, key: str, request_hash: str) -> IntakeEntry | None:
    """The entry a key made before, or None; a key reused for another request is refused."""
    entry = IntakeEntry.objects.filter(window=window, idempotency_key=key).first()
    if entry is None:
        return None
    if entry.request_hash != request_hash:
        raise Problem(
            409,
            _("This Idempotency-Key was used before with another request."),
            code="idempotency-key-reused",
        )
    return entry


@dataclass
class AllocationReport:
    entries: int
    granted: int
    waiting: int
    refused: int
    granted_cents: int
    seed: str


def _active_persons(window: Window, year: int, entries: Sequence[IntakeEntry]) -> set[int]:
    """Persons whose entry is refused as a duplicate: who got this budget this year, or who
    has an active application for the entry's start date already (applied with their own
    budgets, or granted in another window after this entry came in; the unique index
    ``enrolment_application_one_active`` would refuse a second one)."""
    persons = set(
        Application.objects.filter(
            budget_id=window.budget_id, year=year, status__in=sorted(lifecycle.ACTIVE)
        ).values_list("person_id", flat=True)
    )
    wanted = {(e.person_id, e.offering_id) for e in entries}
    if wanted:
        taken = Application.objects.filter(
            person_id__in={p for p, _o in wanted},
            offering_id__in={o for _p, o in wanted},
            status__in=sorted(lifecycle.ACTIVE),
        ).values_list("person_id", "offering_id")
        persons |= {p for p, o in taken if (p, o) in wanted}
    return persons


@dataclass(frozen=True)
class _Known:
    """What applications of many entries need, read once: the provider of every offer and
    who pre-registered for which offer."""

    provider_of: dict[int, int]
    pre_registered: set[tuple[int, int]]
    #: What the person pays themselves, as their preview showed it (price minus the grant).
    own_of: dict[int, int]

    @classmethod
    def of(cls, entries: Sequence[IntakeEntry]) -> _Known:
        offers = {e.offer_id for e in entries}
        return cls(
            dict(
                Offer.objects.filter(pk__in=offers).values_list("pk", "opleider__organisation_id")
            ),
            set(
                PreRegistration.objects.filter(offer_id__in=offers).values_list(
                    "person_id", "offer_id"
                )
            ),
            dict(
                Preview.objects.filter(pk__in={e.preview_id for e in entries}).values_list(
                    "pk", "own_cents"
                )
            ),
        )


def application_of_entry(
    entry: IntakeEntry,
    status: Status,
    at: dt.datetime,
    reason: str = "",
    known: _Known | None = None,
) -> Application:
    known = known or _Known.of([entry])
    return Application(
        person_id=entry.person_id,
        offer_id=entry.offer_id,
        offering_id=entry.offering_id,
        provider_id=known.provider_of[entry.offer_id],
        window_id=entry.window_id,
        budget_id=entry.window.budget_id,
        intake=entry,
        preview_id=entry.preview_id,
        year=entry.received_at.year,
        status=status,
        amount_cents=entry.amount_cents if status in (Status.GRANTED, Status.WAITING) else 0,
        # A grant pays the amount asked; the rest of the price the person pays themselves.
        own_cents=known.own_of.get(entry.preview_id, 0)
        if status in (Status.GRANTED, Status.WAITING)
        else 0,
        receipt=new_receipt(),
        applied_at=entry.received_at,
        applied_by=entry.actor,
        pre_registered=(entry.person_id, entry.offer_id) in known.pre_registered,
        status_reason=reason,
        updated_at=at,
    )


@dataclass(frozen=True)
class _Rows:
    """The table rows an allocation takes: each outcome's status and its money."""

    grant: lifecycle.Transition
    waitlist: lifecycle.Transition
    refuse: lifecycle.Transition

    @classmethod
    def of_the_table(cls) -> _Rows:
        return cls(
            transitions.enter(Event.GRANT, by=Who.SYSTEM),
            transitions.enter(Event.WAITLIST, by=Who.SYSTEM),
            transitions.enter(Event.REFUSE, by=Who.SYSTEM),
        )


_REFUSED = {
    allocation.Outcome.REFUSED_CAP: gettext_noop(
        "This training reached the most grants for this year."
    ),
    allocation.Outcome.REFUSED_BUDGET: gettext_noop("The window budget is used up."),
}


@dataclass
class _Decided:
    """The allocator's outcomes as applications, in policy order, and per table row."""

    made: list[Application]
    by_row: dict[lifecycle.Transition, list[Application]]
    #: Entries of a person who got this budget this year: refused, no application made.
    duplicates: int


def _decide(
    entries: Sequence[IntakeEntry],
    result: allocation.Result,
    rows: _Rows,
    at: dt.datetime,
    start_position: int,
) -> _Decided:
    """Every entry gets its outcome and its place in the window; every outcome but a
    duplicate becomes an application in the target of its table row."""
    by_id = {e.pk: e for e in entries}
    known = _Known.of(entries)
    decided = _Decided([], {rows.grant: [], rows.waitlist: [], rows.refuse: []}, 0)
    for position, seq in enumerate(result.order, start=start_position + 1):
        entry = by_id[seq]
        outcome = result.outcomes[seq]
        entry.outcome = outcome.value
        entry.position = position
        if outcome == allocation.Outcome.REFUSED_DUPLICATE:
            decided.duplicates += 1
            continue
        if outcome == allocation.Outcome.GRANTED:
            row, reason = rows.grant, ""
        elif outcome == allocation.Outcome.WAITING:
            row = rows.waitlist
            reason = _("The window budget is used up. You are on the waiting list.")
        else:
            row, reason = rows.refuse, _(_REFUSED[outcome])
        app = application_of_entry(entry, row.target, at, reason, known)
        decided.made.append(app)
        decided.by_row[row].append(app)
    return decided


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

    Locks: the window (:func:`llo.enrolment.store.locks.window`), then the conditional
    updates of the training counters and the window's total, then the ledger's.
    """
    rows = _Rows.of_the_table()
    at = at or now()
    policy = allocation.Policy(window.policy)
    needs_close = policy == allocation.Policy.LOTTERY or policy == allocation.Policy.PRIORITY
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
        entries = list(
            IntakeEntry.objects.filter(window=current, outcome="", received_at__lte=horizon)
            .select_related("window")
            .order_by("id")
        )
        year = current.opens_at.year
        result = allocation.allocate(
            [
                allocation.Entry(e.pk, e.person_id, e.offer_id, e.amount_cents, e.group_rank)
                for e in entries
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
        start_position = IntakeEntry.objects.filter(window=current).exclude(outcome="").count()
        decided = _decide(entries, result, rows, at, start_position)
        counts = {
            "granted": len(decided.by_row[rows.grant]),
            "waiting": len(decided.by_row[rows.waitlist]),
            "refused": len(decided.by_row[rows.refuse]) + decided.duplicates,
        }
        # In batches: one statement per row would be a round trip each, and one update of all
        # rows is a CASE with a branch per row, tried for every row (quadratic).
        Application.objects.bulk_create(decided.made, batch_size=ALLOCATION_BATCH)
        IntakeEntry.objects.bulk_update(
            entries, ["outcome", "position"], batch_size=ALLOCATION_BATCH
        )
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
            key=f"window:{current.pk}:{entries[-1].pk if entries else 0}",
            window=current,
        )
        for row, apps in decided.by_row.items():
            money.perform(row.money, apps, ctx)
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
