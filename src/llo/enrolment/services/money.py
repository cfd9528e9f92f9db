# SPDX-License-Identifier: EUPL-1.2
"""The money movements the lifecycle table names (:class:`llo.enrolment.lifecycle.Movement`),
one function each, looked up in :data:`MOVEMENTS`. Money moves only through
:mod:`llo.accounts.services` (reserve, release, pay_provider, claw_back, deposit); every
movement to or from a provider is also written as a :class:`Payment` for its statement.

Nothing here decides *when* money moves: :mod:`.transitions` calls :func:`perform` with the
movement of the row it took. Runs inside the caller's transaction and locks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from llo.accounts import services as accounts
from llo.accounts.models import Right
from llo.accounts.plan import FundingPlan, LineReason
from llo.core import audit
from llo.core.money import Money
from llo.core.timeutil import now
from llo.enrolment import settlement
from llo.enrolment.lifecycle import Movement
from llo.enrolment.models import (
    Application,
    Funding,
    Payment,
    PaymentKind,
    ReviewCase,
    Window,
)
from llo.enrolment.store import counters
from llo.people.models import Organisation


@dataclass(frozen=True)
class Context:
    """What a movement needs besides the applications."""

    actor: audit.Actor
    on: dt.date
    #: Idempotency key (prefix) of the reservations or of a window's deposit.
    key: str = ""
    #: A window's grant: deposited from the window's budget into a right, then reserved.
    window: Window | None = None
    #: A grant without a window: reserved from the rights the funding plan pays from.
    plan: FundingPlan | None = None
    #: A stop with a reason (illness): the provider keeps what it got.
    excused: bool = False


def perform(money: Movement, apps: Sequence[Application], ctx: Context) -> int:
    """Move ``money`` for every application; the cents paid to, taken back from or released
    for providers (0 for a reservation or no movement)."""
    if not apps:
        return 0
    return MOVEMENTS[money](apps, ctx)


def _none(apps: Sequence[Application], ctx: Context) -> int:
    return 0


def _reserve(apps: Sequence[Application], ctx: Context) -> int:
    if ctx.window is not None:
        grant_from_window(ctx.window, apps, ctx.actor, ctx.on, ctx.key)
    elif ctx.plan is not None and len(apps) == 1:
        _reserve_from_plan(apps[0], ctx.plan, ctx.actor, ctx.on, ctx.key)
    else:
        raise ValueError("a reservation needs a window, or the funding plan of one application")
    return 0


def grant_from_window(
    window: Window, apps: Sequence[Application], actor: audit.Actor, on: dt.date, key: str
) -> None:
    """Deposit the grants from the window's budget into rights, then reserve each for its
    provider: money only through accounts.services."""
    if not apps:
        return
    result = accounts.bulk_deposit(
        actor=actor,
        budget=window.budget,
        rows=[
            accounts.DepositRow(a.amount_cents, person_id=a.person_id, line=i + 1)
            for i, a in enumerate(apps)
        ],
        on=on,
        idempotency_key=f"{key}:deposit",
        # They applied themselves and the scheme's rules found them eligible: the one
        # exception to the funder's reach (decision 010).
        applicants=True,
    )
    accounts.claim_rights(a.person_id for a in apps)
    rights = {
        r.person_id: r
        for r in Right.objects.filter(
            person_id__in=[a.person_id for a in apps], deposit_id=result.transaction_id
        ).select_related("account")
    }
    # One bulk reservation for all the grants (issue 18: one reserve() per grant was half of
    # the allocator's time), the same rows and keys reserve() would write.
    reservations = accounts.reserve_many(
        actor=actor,
        rows=[
            accounts.ReserveRow(
                right_id=rights[a.person_id].pk,
                amount=Money(a.amount_cents),
                idempotency_key=f"app:{a.pk}:reserve",
                provider_id=a.provider_id,
                # What the funder's page and the person's right show: the application's
                # number, which the person has on their receipt (issue 15 finding 10).
                reference=a.receipt,
            )
            for a in apps
        ],
        on=on,
    )
    Funding.objects.bulk_create(
        [
            Funding(
                application=a,
                right=rights[a.person_id],
                reservation=r,
                amount_cents=a.amount_cents,
            )
            for a, r in zip(apps, reservations, strict=True)
        ],
        batch_size=2000,
    )


def _reserve_from_plan(
    app: Application, plan: FundingPlan, actor: audit.Actor, on: dt.date, key: str
) -> None:
    """Reserve what each paying line of the plan shows, from that line's right."""
    provider = Organisation.objects.get(pk=app.provider_id)
    for line in plan.lines:
        if line.reason != LineReason.PAYS or line.amount_cents <= 0:
            continue
        right = Right.objects.get(pk=line.right_id)
        _reserve_for(
            app, right, line.amount_cents, provider, actor, on, key=f"{key}:right:{right.pk}"
        )


def _reserve_for(
    app: Application,
    right: Right,
    cents: int,
    provider: Organisation,
    actor: audit.Actor,
    on: dt.date,
    *,
    key: str,
) -> None:
    """Reserve ``cents`` of a right for the application's provider, and record the funding."""
    reservation = accounts.reserve(
        actor=actor,
        right=right,
        amount=Money(cents),
        on=on,
        provider=provider,
        # What the funder's page and the person's right show: the application's number, which
        # the person has on their receipt (not an internal code, issue 15 finding 10).
        reference=app.receipt,
        idempotency_key=key,
    )
    Funding.objects.create(
        application=app, right=right, reservation=reservation, amount_cents=cents
    )


def fundings(app: Application) -> list[Funding]:
    return list(app.fundings.select_related("reservation__account", "right").order_by("pk"))


#: The ledger's use case behind each kind of payment.
_LEDGER: dict[str, Callable[..., Any]] = {
    PaymentKind.ADVANCE: accounts.pay_provider,
    PaymentKind.FINAL: accounts.pay_provider,
    PaymentKind.CLAW_BACK: accounts.claw_back,
    PaymentKind.RELEASE: accounts.release,
}


def _pay(
    app: Application,
    kind: PaymentKind,
    cents_by_funding: Sequence[tuple[Funding, int]],
    actor: audit.Actor,
    on: dt.date,
) -> int:
    """One ledger movement and one Payment per funding with cents to move."""
    review = ReviewCase.objects.filter(provider_id=app.provider_id, closed_at__isnull=True).exists()
    total = 0
    for funding, cents in cents_by_funding:
        if cents <= 0:
            continue
        txn = _LEDGER[kind](
            actor=actor,
            reservation=funding.reservation,
            amount=Money(cents),
            on=on,
            idempotency_key=f"app:{app.pk}:{kind}:{funding.pk}",
        )
        Payment.objects.create(
            application=app,
            kind=kind,
            amount_cents=cents,
            ledger_transaction=txn.pk,
            at=now(),
            under_review=review,
        )
        total += cents
    return total


def _pay_advance(apps: Sequence[Application], ctx: Context) -> int:
    """settlement.ADVANCE_PCT of each funding's reservation to the provider."""
    return sum(
        _pay(
            app,
            PaymentKind.ADVANCE,
            [(f, settlement.advance_cents(f.amount_cents)) for f in fundings(app)],
            ctx.actor,
            ctx.on,
        )
        for app in apps
    )


def _settlements(
    app: Application, *, completed: bool, excused: bool
) -> list[tuple[Funding, settlement.Settlement]]:
    """Per funding, what the end of the training moves, after what the ledger shows was paid
    so far (the advance, when the table paid one)."""
    return [
        (
            f,
            settlement.settle(
                reserved_cents=f.amount_cents,
                advance_paid_cents=accounts.paid_for(f.reservation),
                completed=completed,
                excused=excused,
            ),
        )
        for f in fundings(app)
    ]


def _pay_rest(apps: Sequence[Application], ctx: Context) -> int:
    """The final payment after evidence (art. 14(2)): what is reserved and not paid yet."""
    total = 0
    for app in apps:
        ends = _settlements(app, completed=True, excused=False)
        total += _pay(
            app, PaymentKind.FINAL, [(f, s.pay_cents) for f, s in ends], ctx.actor, ctx.on
        )
    return total


def _claw_back(apps: Sequence[Application], ctx: Context) -> int:
    """Not completed or stopped: what was paid comes back (unless the stop was excused: then
    the provider keeps it) and the rest of the reservation is released."""
    total = 0
    for app in apps:
        ends = _settlements(app, completed=False, excused=ctx.excused)
        total += _pay(
            app, PaymentKind.CLAW_BACK, [(f, s.claw_back_cents) for f, s in ends], ctx.actor, ctx.on
        )
        total += _pay(
            app, PaymentKind.RELEASE, [(f, s.release_cents) for f, s in ends], ctx.actor, ctx.on
        )
    return total


def _release(apps: Sequence[Application], ctx: Context) -> int:
    """All still reserved goes back. A window's grant goes back whole to the window's budget,
    and the window's total and the training's count go down: the money is for the next on
    the waiting list (:func:`..waiting.promote_waiting` deposits it again)."""
    total = 0
    for app in apps:
        total += _pay(
            app,
            PaymentKind.RELEASE,
            [(f, f.reservation.account.balance_cents) for f in fundings(app)],
            ctx.actor,
            ctx.on,
        )
        if app.window_id is None:
            continue
        window_budget = Window.objects.values_list("budget_id", flat=True).get(pk=app.window_id)
        for funding in fundings(app):
            if funding.right.budget_id == window_budget:
                accounts.return_to_budget(
                    actor=ctx.actor,
                    right=funding.right,
                    on=ctx.on,
                    idempotency_key=f"app:{app.pk}:return:{funding.pk}",
                )
        counters.give_back(app.window_id, app.amount_cents, app.offer_id, app.year)
    return total


#: The lifecycle table's money column, read as code.
MOVEMENTS: dict[Movement, Callable[[Sequence[Application], Context], int]] = {
    Movement.NONE: _none,
    Movement.RESERVE: _reserve,
    Movement.PAY_ADVANCE: _pay_advance,
    Movement.PAY_REST: _pay_rest,
    Movement.RELEASE: _release,
    Movement.CLAW_BACK: _claw_back,
}
