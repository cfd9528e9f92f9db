# SPDX-License-Identifier: EUPL-1.2
"""Expiry: rights past their last day and budgets past their period give their money back to
the funder (the nightly ``llo expire_rights``). Each expiry is its own transaction, so a crash
halfway loses nothing and the next run does the rest; running one again does nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from llo.accounts import selectors
from llo.accounts.ledger import AccountKind, Cause
from llo.accounts.models import Budget, Right, RightStatus
from llo.accounts.services.common import digest, run_once
from llo.accounts.services.rights import close_right, open_right, to_funder
from llo.accounts.store import ledger as ledger_store
from llo.accounts.store import lines, locks
from llo.accounts.store import rights as rights_store
from llo.core import audit


@dataclass
class ExpiryReport:
    rights: int = 0
    budgets: int = 0
    returned_cents: int = 0


def expire_right(*, actor: audit.Actor, right: Right, on: dt.date) -> int:
    """Expire one right whose last day has passed; its money goes back to the funder.
    Returns the cents returned. Idempotent: a right expires once.

    Locks: the right; its account (read ahead); then the funder's returned account (shared,
    last), by its conditional balance update."""
    key = f"expiry:right:{right.pk}"
    request_hash = digest(op="expire-right", right=right.pk)

    def work() -> int:
        current = locks.right(right.pk)
        if (
            current.status != RightStatus.ACTIVE
            or current.valid_until is None
            or current.valid_until >= on
        ):
            return 0
        if current.spendable:
            open_right(current, on, actor)  # rights never used expire in bulk: expire_unused
        account = current.account_id
        balance = locks.balance(account) if account is not None else 0
        if account is not None and balance > 0:
            ledger_store.post(
                cause=Cause.EXPIRY,
                source=(account, AccountKind.RIGHT),
                target=to_funder(current),
                cents=balance, key=key, request_hash=request_hash, actor=actor, on=on,
                budget_id=current.budget_id, right_id=current.pk,
            )  # fmt: skip
        close_right(actor, current, RightStatus.EXPIRED, "right.expired", max(balance, 0))
        return max(balance, 0)

    return run_once(key, request_hash, work, lambda txn: 0)


def expire_budget(*, actor: audit.Actor, budget: Budget, on: dt.date) -> int:
    """After its period, what a budget did not give out goes back to the funder.

    Locks: the budget's account (read ahead); then the funder's returned account (shared,
    last), by its conditional balance update."""
    key = f"expiry:budget:{budget.pk}"
    request_hash = digest(op="expire-budget", budget=budget.pk)

    def work() -> int:
        current = Budget.objects.get(pk=budget.pk)
        if current.period_end >= on:
            return 0
        balance = locks.balance(current.account_id)
        if balance <= 0:
            return 0
        returned = ledger_store.funder_account(current.funder_id, AccountKind.RETURNED)
        ledger_store.post(
            cause=Cause.EXPIRY,
            source=(current.account_id, AccountKind.BUDGET),
            target=(returned.pk, AccountKind.RETURNED),
            cents=balance, key=key, request_hash=request_hash, actor=actor, on=on,
            budget_id=current.pk,
        )  # fmt: skip
        audit.record(
            actor=actor, action="budget.expired", subject=current, after={"returned_cents": balance}
        )
        return balance

    return run_once(key, request_hash, work, lambda txn: 0)


def expire_unused(*, actor: audit.Actor, budget_id: int, on: dt.date) -> tuple[int, int]:
    """Expire, in one statement, every right of a budget past its last day that was never
    used (it has no account of its own, or is still a deposit line): their deposits go from
    the pool back to the funder in one transaction. Returns (rights, cents). Running it again
    finds nothing more to do.

    Locks: the budget (one bulk expiry of a budget at a time); then its pool and the funder's
    returned account (both shared), by their conditional balance updates."""
    key = f"expiry:unused:{budget_id}:{on.isoformat()}"
    request_hash = digest(op="expire-unused", budget=budget_id, on=on)

    def work() -> tuple[int, int]:
        budget = locks.budget(budget_id)
        # Deposit lines past their last day become rights first, as a read would make them.
        lines.claim_deposits(lines.deposit_ids([budget_id]), ending_before=on)
        amounts = rights_store.expire_never_used(budget_id, on)
        if not amounts:
            return 0, 0
        total = sum(amounts)
        returned = ledger_store.funder_account(budget.funder_id, AccountKind.RETURNED)
        ledger_store.post(
            cause=Cause.EXPIRY,
            source=(budget.pool_account_id, AccountKind.POOL),
            target=(returned.pk, AccountKind.RETURNED),
            cents=total, key=key, request_hash=request_hash, actor=actor, on=on,
            budget_id=budget_id, count=len(amounts), memo=f"{len(amounts)} rights never used",
        )  # fmt: skip
        audit.record(
            actor=actor,
            action="rights.expired_unused",
            subject=budget,
            after={"rights": len(amounts), "returned_cents": total, "on": on},
        )
        return len(amounts), total

    return run_once(key, request_hash, work, lambda txn: (0, 0))  # done before, the same day


def expire_all(
    *, actor: audit.Actor, on: dt.date, progress: Callable[[int], None] | None = None
) -> ExpiryReport:
    """Expire every right past its last day and every budget past its period, each in its own
    transaction (a crash halfway loses nothing; the next run does the rest). Locks as each
    expiry above, one at a time."""
    report = ExpiryReport()
    for budget_id in selectors.budgets_with_unused_rights(on):
        count, cents = expire_unused(actor=actor, budget_id=budget_id, on=on)
        report.rights += count
        report.returned_cents += cents
        if progress is not None:
            progress(report.rights)
    for right in selectors.rights_to_expire(on):
        report.returned_cents += expire_right(actor=actor, right=right, on=on)
        report.rights += 1
        if progress is not None:
            progress(report.rights)
    for budget in selectors.budgets_to_expire(on):
        returned = expire_budget(actor=actor, budget=budget, on=on)
        if returned:
            report.budgets += 1
            report.returned_cents += returned
    return report


#: How long before a right's last day its holder is warned (issue 15: "a warning 60 days
#: before"); the learning overview marks the same rights.
WARN_DAYS = 60


def warn_expiring(*, on: dt.date, days: int = WARN_DAYS) -> int:
    """Tell every holder of a right with money left whose last day is within ``days`` of
    ``on`` (the nightly ``llo notify_due``). Idempotent: a right is warned once (the
    notification is its record), so running it again, or the next night, tells nobody twice.
    Returns how many were warned."""
    from django.db import transaction
    from django.urls import reverse
    from django.utils.translation import gettext_noop

    from llo.core.money import Money
    from llo.notifications import services as notifications
    from llo.notifications.models import Notification
    from llo.notifications.services import dutch_day

    topic = "accounts.expiring"
    rights = list(
        Right.objects.filter(
            status=RightStatus.ACTIVE,
            valid_until__isnull=False,
            valid_until__gte=on,
            valid_until__lte=on + dt.timedelta(days=days),
        ).select_related("funder__organisation", "account")
    )
    with transaction.atomic():
        warned = set(
            Notification.objects.filter(
                topic=topic,
                subject_type="accounts.Right",
                subject_id__in=[str(r.pk) for r in rights],
            ).values_list("subject_id", flat=True)
        )
        items = []
        for right in rights:
            left = right.balance_cents
            if str(right.pk) in warned or not left or left <= 0 or right.valid_until is None:
                continue
            items.append(
                notifications.Item(
                    recipient=notifications.Recipient(person_id=right.person_id),
                    params={
                        "amount": Money(left).format(),
                        "funder": right.funder.organisation.name,
                        "date": dutch_day(right.valid_until),
                    },
                    link=reverse("web:right", args=[right.pk]),
                    subject=("accounts.Right", str(right.pk)),
                )
            )
        return notifications.notify_each(
            topic=topic,
            message=gettext_noop(
                "%(amount)s from %(funder)s for your learning can be used until %(date)s. "
                "After that day the money goes back."
            ),
            items=items,
        )
