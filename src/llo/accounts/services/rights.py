# SPDX-License-Identifier: EUPL-1.2
"""Steps on one right that several use cases share: is it usable, open its own account the
first time its money moves, where money coming back for it goes, and close it for good.
Each runs inside the caller's transaction."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from llo.accounts.ledger import AccountKind, Cause
from llo.accounts.models import Right, RightStatus
from llo.accounts.services.common import digest
from llo.accounts.store import ledger as ledger_store
from llo.accounts.store import locks
from llo.core import audit
from llo.core.problems import Problem


def not_spendable() -> Problem:
    return Problem(
        422, _("This right is shown for information; it holds no money."), code="not-spendable"
    )


def not_active() -> Problem:
    return Problem(422, _("This right can no longer be used."), code="right-not-active")


def check_usable(right: Right, on: dt.date) -> None:
    """A 422 unless money of this right can be used on ``on``."""
    if not right.spendable:
        raise not_spendable()
    if right.status != RightStatus.ACTIVE:
        raise not_active()
    if not right.is_valid_on(on):
        raise Problem(
            422,
            _("This right can be used from %(start)s until %(end)s.")
            % {
                "start": right.valid_from.strftime("%d-%m-%Y"),
                "end": right.valid_until.strftime("%d-%m-%Y") if right.valid_until else "-",
            },
            code="right-not-valid",
        )


def open_right(right: Right, on: dt.date, actor: audit.Actor) -> int:
    """The right's own ledger account, made the first time its money moves: its deposit
    moves from the budget's pool into it (one ``deposit`` transaction). Returns the account
    id.

    Locks: the right (``locks.right``) while it opens, so two requests cannot open it twice;
    then the budget's pool (shared, last)."""
    if right.account_id is not None:
        return right.account_id
    locked = locks.right(right.pk, related=("budget",))
    if locked.account_id is None:
        if locked.deposited_cents is None or locked.budget is None:
            raise not_spendable()
        cents = locked.deposited_cents if locked.status == RightStatus.ACTIVE else 0
        account = ledger_store.new_account(AccountKind.RIGHT, cents)
        Right.objects.filter(pk=locked.pk).update(account=account)
        if cents:
            ledger_store.post(
                cause=Cause.DEPOSIT,
                source=(locked.budget.pool_account_id, AccountKind.POOL),
                target=(account.pk, AccountKind.RIGHT),
                cents=cents,
                key=f"open:right:{locked.pk}",
                request_hash=digest(op="open", right=locked.pk),
                actor=actor,
                on=on,
                budget_id=locked.budget_id,
                right_id=locked.pk,
                memo="the right's own account",
                preset=frozenset({account.pk}),
            )
        locked.account_id = account.pk
    right.account_id = locked.account_id
    return locked.account_id


def return_target(right: Right, on: dt.date) -> tuple[int, AccountKind]:
    """Where money coming back for a right goes: the right while it can still be used, else
    back to the funder responsible for it."""
    if right.status == RightStatus.ACTIVE and right.is_valid_on(on) and right.account_id:
        return right.account_id, AccountKind.RIGHT
    return to_funder(right)


def to_funder(right: Right) -> tuple[int, AccountKind]:
    """The funder's account for money of this right that goes back."""
    returned = ledger_store.funder_account(right.funder_id, AccountKind.RETURNED)
    return returned.pk, AccountKind.RETURNED


def close_right(
    actor: audit.Actor, right: Right, status: RightStatus, action: str, returned_cents: int
) -> None:
    """A right is used up for good (expired, given back): its new status, and the audit record
    of what went back."""
    Right.objects.filter(pk=right.pk).update(status=status)
    audit.record(
        actor=actor,
        action=action,
        subject=right,
        before={"status": right.status},
        after={"status": status.value, "returned_cents": returned_cents},
    )
