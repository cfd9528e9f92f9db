# SPDX-License-Identifier: EUPL-1.2
"""Money of a right set aside for a training, and where it goes next: reserve, release, pay
the provider, claw back from the provider, or give the whole right back to its budget.

Every use case here is one transaction with its audit record, idempotent by its key
(:func:`~llo.accounts.services.common.run_once`); the locks each takes are in its docstring
(:mod:`llo.accounts.store.locks` has the order). The common reserve and pay take one round
trip on PostgreSQL (:mod:`llo.accounts.store.fastpath`) and write exactly what the Python
path writes; whatever the fast path cannot do (a right not opened yet, too little money) it
leaves to the Python path, which explains it.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from llo.accounts import selectors
from llo.accounts.ledger import AccountKind, Cause
from llo.accounts.models import (
    LedgerTransaction,
    Reservation,
    ReservationStatus,
    Right,
    RightStatus,
)
from llo.accounts.services.common import (
    cents_to_move,
    digest,
    key_reused,
    new_key,
    run_once,
    short_as_problem,
)
from llo.accounts.services.rights import (
    check_usable,
    close_right,
    not_active,
    open_right,
    return_target,
)
from llo.accounts.store import fastpath, locks
from llo.accounts.store import ledger as ledger_store
from llo.core import audit
from llo.core.money import Money
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.timeutil import today
from llo.people.models import Organisation


def reserve(
    *,
    actor: audit.Actor,
    right: Right,
    amount: Money,
    on: dt.date | None = None,
    provider: Organisation | None = None,
    reference: str = "",
    idempotency_key: str | None = None,
) -> Reservation:
    """Set money of a right aside for one training.

    Locks: the right, only while it opens (the first time its money moves); then the right's
    account by its conditional balance update (the new reservation's account is made with its
    balance)."""
    cents, on = cents_to_move(amount), on or today()
    key = idempotency_key or new_key("reserve")
    provider_id = provider.pk if provider else None
    request_hash = digest(
        op="reserve", right=right.pk, cents=cents, on=on, provider=provider_id, reference=reference
    )
    outcome, made = fastpath.reserve(
        key=key, request_hash=request_hash, right_id=right.pk, cents=cents, on=on,
        provider=provider, reference=reference, actor=actor,
    )  # fmt: skip
    if outcome == "key-reused":
        raise key_reused()
    if made is not None:
        return made

    def work() -> Reservation:
        current = Right.objects.get(pk=right.pk)
        check_usable(current, on)
        source = open_right(current, on, actor)
        account = ledger_store.new_account(AccountKind.RESERVATION, cents)
        reservation = Reservation.objects.create(
            right=current, account=account, provider=provider, reference=reference[:200],
            amount_cents=cents,
        )  # fmt: skip
        with short_as_problem(_("There is not enough money left in this right.")):
            ledger_store.post(
                cause=Cause.RESERVATION,
                source=(source, AccountKind.RIGHT),
                target=(account.pk, AccountKind.RESERVATION),
                cents=cents, key=key, request_hash=request_hash, actor=actor, on=on,
                budget_id=current.budget_id, right_id=current.pk, reservation_id=reservation.pk,
                preset=frozenset({account.pk}),
            )  # fmt: skip
        audit.record(
            actor=actor,
            action="right.reserved",
            subject=reservation,
            after={"right": current.pk, "amount_cents": cents, "reference": reference},
        )
        return reservation

    def replay(txn: LedgerTransaction) -> Reservation:
        assert txn.reservation is not None
        return txn.reservation

    return run_once(key, request_hash, work, replay)


def release(
    *,
    actor: audit.Actor,
    reservation: Reservation,
    amount: Money | None = None,
    on: dt.date | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Give reserved money back (all of it by default): to the right, or to the funder if the
    right has expired or moved meanwhile.

    Locks: no row lock (the conditional update of the reservation's balance is the guard):
    the reservation's account, then the right's (or the funder's returned account, shared,
    last), by their conditional balance updates."""
    on = on or today()
    key = idempotency_key or new_key("release")
    asked = None if amount is None else cents_to_move(amount)
    request_hash = digest(op="release", reservation=reservation.pk, cents=asked, on=on)

    def work() -> LedgerTransaction:
        current = Reservation.objects.select_related("right", "account").get(pk=reservation.pk)
        cents = _amount(current, amount)
        target = return_target(current.right, on)
        balances: dict[int, int] = {}
        with short_as_problem(_("Less money is reserved than you want to release.")):
            txn = ledger_store.post(
                cause=Cause.RELEASE,
                source=(current.account_id, AccountKind.RESERVATION),
                target=target,
                cents=cents, key=key, request_hash=request_hash, actor=actor, on=on,
                budget_id=current.right.budget_id, right_id=current.right_id,
                reservation_id=current.pk, balances=balances,
            )  # fmt: skip
        _close_if_empty(current, balances[current.account_id])
        audit.record(
            actor=actor,
            action="reservation.released",
            subject=current,
            after={"amount_cents": cents, "to": target[1].value},
        )
        return txn

    return run_once(key, request_hash, work, lambda txn: txn)


def pay_provider(
    *,
    actor: audit.Actor,
    reservation: Reservation,
    amount: Money | None = None,
    provider: Organisation | None = None,
    on: dt.date | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Pay the training provider from a reservation (all that is reserved by default; an
    advance payment is a part).

    Locks: no row lock (the conditional update of the reservation's balance is the guard):
    the reservation's account, then the provider's (shared, last, after the audit record, so
    its lock is held only until the commit), by their conditional balance updates."""
    on = on or today()
    key = idempotency_key or new_key("pay")
    asked = None if amount is None else cents_to_move(amount)
    request_hash = digest(
        op="pay", reservation=reservation.pk, cents=asked, on=on,
        provider=provider.pk if provider else None,
    )  # fmt: skip
    outcome, made = fastpath.pay(
        key=key, request_hash=request_hash, reservation=reservation, cents=asked, on=on,
        provider=provider, actor=actor,
    )  # fmt: skip
    if outcome == "key-reused":
        raise key_reused()
    if made is not None:
        return made

    def work() -> LedgerTransaction:
        current = Reservation.objects.select_related("right", "account", "provider").get(
            pk=reservation.pk
        )
        payee = provider or current.provider
        if payee is None:
            raise invalid(
                _("Say which training provider is paid."),
                [InvalidParam("provider", _("required"), "required")],
            )
        cents = _amount(current, amount)
        account = ledger_store.provider_account(payee)

        def settle(balances: dict[int, int]) -> None:
            _close_if_empty(current, balances[current.account_id])
            audit.record(
                actor=actor,
                action="reservation.paid",
                subject=current,
                after={"amount_cents": cents, "provider": payee.pk},
            )

        with short_as_problem(_("Less money is reserved than you want to pay.")):
            return ledger_store.post(
                cause=Cause.PAYMENT,
                source=(current.account_id, AccountKind.RESERVATION),
                target=(account.pk, AccountKind.PROVIDER),
                cents=cents, key=key, request_hash=request_hash, actor=actor, on=on,
                budget_id=current.right.budget_id, right_id=current.right_id,
                reservation_id=current.pk, memo=f"to provider {payee.pk}", before_shared=settle,
            )  # fmt: skip

    return run_once(key, request_hash, work, lambda txn: txn)


def claw_back(
    *,
    actor: audit.Actor,
    reservation: Reservation,
    amount: Money,
    on: dt.date | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Take money back from the provider (drop-out, under 80 % attendance): to the right, or to
    the funder if the right can no longer be used.

    Locks: the reservation (two claw-backs of one reservation cannot both take what was paid
    once); then the provider's account and the right's (or the funder's returned account), by
    their conditional balance updates."""
    cents, on = cents_to_move(amount), on or today()
    key = idempotency_key or new_key("clawback")
    request_hash = digest(op="claw_back", reservation=reservation.pk, cents=cents, on=on)

    def work() -> LedgerTransaction:
        current = locks.reservation(reservation.pk)
        paid = selectors.paid_for(current)
        if cents > paid:
            raise Problem(
                422,
                _("The provider was paid %(paid)s for this; you cannot take back more.")
                % {"paid": Money(paid).format()},
                code="claw-back-exceeds-payment",
                extra={"paidCents": paid},
            )
        payment = LedgerTransaction.objects.filter(reservation=current, cause=Cause.PAYMENT).first()
        assert payment is not None
        provider_account = next(p.account_id for p in payment.postings.all() if p.amount_cents > 0)
        target = return_target(current.right, on)
        with short_as_problem(_("The provider account has less money than this.")):
            txn = ledger_store.post(
                cause=Cause.CLAW_BACK,
                source=(provider_account, AccountKind.PROVIDER),
                target=target,
                cents=cents, key=key, request_hash=request_hash, actor=actor, on=on,
                budget_id=current.right.budget_id, right_id=current.right_id,
                reservation_id=current.pk,
            )  # fmt: skip
        audit.record(
            actor=actor,
            action="reservation.clawed_back",
            subject=current,
            after={"amount_cents": cents, "to": target[1].value},
        )
        return txn

    return run_once(key, request_hash, work, lambda txn: txn)


def return_to_budget(
    *, actor: audit.Actor, right: Right, on: dt.date, idempotency_key: str | None = None
) -> int:
    """Give a right back whole to the budget it came from: all its money goes to the budget
    (a right never used is opened first, like any other movement), and the right is closed.
    For a window grant that was cancelled: the money comes free for the next on the waiting
    list. Reserve and release first; returns the cents given back.

    Locks: the right; its account (read ahead); then the budget's account, by its conditional
    balance update."""
    key = idempotency_key or f"return:right:{right.pk}"
    request_hash = digest(op="return", right=right.pk)

    def work() -> int:
        current = locks.right(right.pk, related=("budget",))
        if current.status != RightStatus.ACTIVE or current.budget is None:
            raise not_active()
        budget = current.budget
        source = open_right(current, on, actor)
        cents = locks.balance(source)
        if cents > 0:
            ledger_store.post(
                cause=Cause.RETURN,
                source=(source, AccountKind.RIGHT),
                target=(budget.account_id, AccountKind.BUDGET),
                cents=cents, key=key, request_hash=request_hash, actor=actor, on=on,
                budget_id=budget.pk, right_id=current.pk, memo="given back to the budget",
            )  # fmt: skip
        close_right(actor, current, RightStatus.BACK_TO_BUDGET, "right.returned_to_budget", cents)
        return cents

    return run_once(key, request_hash, work, lambda txn: int(txn.amount_cents))


def _amount(reservation: Reservation, amount: Money | None) -> int:
    """The cents asked for, or all that is reserved; 422 when nothing is."""
    cents = reservation.account.balance_cents if amount is None else cents_to_move(amount)
    if cents <= 0:
        raise Problem(422, _("Nothing is reserved any more."), code="nothing-reserved")
    return cents


def _close_if_empty(reservation: Reservation, balance: int) -> None:
    """A reservation whose money is all paid or released is settled."""
    if balance == 0 and reservation.status != ReservationStatus.CLOSED:
        Reservation.objects.filter(pk=reservation.pk).update(status=ReservationStatus.CLOSED)
