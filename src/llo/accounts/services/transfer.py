# SPDX-License-Identifier: EUPL-1.2
"""Change of employer: a right tied to a job moves with its holder, stays with the person for
a future occupation, or goes back to its funder (seed 002; the cases are decided in
:mod:`llo.accounts.portability`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llo.accounts.ledger import AccountKind, Cause
from llo.accounts.models import LedgerTransaction, Portability, Right, RightStatus
from llo.accounts.portability import TransferOutcome, for_a_future_occupation, outcome_of
from llo.accounts.services.budgets import ensure_funder
from llo.accounts.services.common import digest, new_key, run_once
from llo.accounts.services.rights import not_active, open_right, to_funder
from llo.accounts.store import ledger as ledger_store
from llo.accounts.store import locks
from llo.core import audit
from llo.core.timeutil import today
from llo.people.models import Employment

__all__ = ["TransferOutcome", "TransferResult", "transfer_on_change_of_employer"]


@dataclass(frozen=True)
class TransferResult:
    outcome: TransferOutcome
    right: Right
    transaction_id: int | None


def transfer_on_change_of_employer(
    *,
    actor: audit.Actor,
    right: Right,
    new_employment: Employment | None,
    employers_agree: bool = False,
    on: dt.date | None = None,
    idempotency_key: str | None = None,
) -> TransferResult:
    """Move a right when its holder changes employer, following the three cases of seed 002
    (:func:`llo.accounts.portability.outcome_of`; ``employers_agree`` for another CAO).

    A right with portability ``none`` goes back to its funder; a right not tied to a job
    (``person``) does not change. The old right is closed and a new right takes its money in
    one ``transfer`` transaction, so the history of both stays intact.

    Locks: the right; its account (read ahead); then the new right's account (made with its
    balance) or the funder's returned account (shared, last), by its conditional update."""
    on = on or today()
    key = idempotency_key or new_key("transfer")
    request_hash = digest(
        op="transfer", right=right.pk, employment=new_employment.pk if new_employment else None,
        agree=employers_agree, on=on,
    )  # fmt: skip

    def work() -> TransferResult:
        current = locks.right(right.pk, related=("funder",))
        if current.status != RightStatus.ACTIVE:
            raise not_active()
        if current.portability == Portability.PERSON or not current.spendable:
            return TransferResult(TransferOutcome.UNCHANGED, current, None)
        source = open_right(current, on, actor)
        balance = locks.balance(source)
        outcome = outcome_of(
            current.portability, current.cao,
            new_employment.cao if new_employment else None, employers_agree,
        )  # fmt: skip
        if outcome == TransferOutcome.RETURNED:
            new_right, txn = (
                current,
                _back_to_funder(current, source, balance, key, request_hash, actor, on),
            )
        else:
            new_right, txn = _to_new_right(
                current, source, balance, outcome, new_employment, key, request_hash, actor, on
            )
        audit.record(
            actor=actor,
            action="right.transferred",
            subject=current,
            after={"outcome": outcome.value, "new_right": new_right.pk, "cents": balance},
        )
        return TransferResult(outcome, new_right, txn.pk if txn else None)

    def replay(txn: LedgerTransaction) -> TransferResult:
        assert txn.right_id is not None
        moved = Right.objects.get(pk=txn.right_id)
        if moved.transferred_from_id is None:
            return TransferResult(TransferOutcome.RETURNED, moved, txn.pk)
        return TransferResult(TransferOutcome(txn.memo), moved, txn.pk)

    return run_once(key, request_hash, work, replay)


def _back_to_funder(
    right: Right, source: int, balance: int, key: str, request_hash: str,
    actor: audit.Actor, on: dt.date,
) -> LedgerTransaction | None:  # fmt: skip
    """A right that is not portable: its money goes back to the funder, and it is closed."""
    target = to_funder(right)
    txn = None
    if balance > 0:
        txn = ledger_store.post(
            cause=Cause.TRANSFER, source=(source, AccountKind.RIGHT), target=target,
            cents=balance, key=key, request_hash=request_hash, actor=actor, on=on,
            budget_id=right.budget_id, right_id=right.pk, memo="not portable: back to the funder",
        )  # fmt: skip
    Right.objects.filter(pk=right.pk).update(status=RightStatus.RETURNED)
    return txn


def _to_new_right(
    right: Right, source: int, balance: int, outcome: TransferOutcome,
    new_employment: Employment | None, key: str, request_hash: str, actor: audit.Actor,
    on: dt.date,
) -> tuple[Right, LedgerTransaction | None]:  # fmt: skip
    """A new right takes the old one's money: with the new employer (same CAO, or by
    agreement), or with the person for a future occupation. The old right is closed."""
    funder_id, employment, cao = right.funder_id, None, ""
    conditions, portability = right.conditions, right.portability
    if outcome in (TransferOutcome.SAME_CAO, TransferOutcome.BY_AGREEMENT):
        assert new_employment is not None
        # The new employer takes over the employer's rights and duties (seed 002); money of
        # a sector fund stays the fund's, which pays for every employer under the CAO.
        former = right.employment.employer_id if right.employment is not None else None
        if former is None or right.funder.organisation_id == former:
            funder_id = ensure_funder(new_employment.employer).pk
        employment, cao = new_employment, new_employment.cao
    else:
        conditions = for_a_future_occupation(right.conditions)
        portability = Portability.PERSON
    account = ledger_store.new_account(AccountKind.RIGHT, balance)
    new_right = Right.objects.create(
        person_id=right.person_id,
        budget_id=right.budget_id,
        funder_id=funder_id,
        kind=right.kind,
        account=account,
        conditions=conditions,
        valid_from=on if on > right.valid_from else right.valid_from,
        valid_until=right.valid_until,
        portability=portability,
        employment=employment,
        cao=cao,
        transferred_from=right,
        deposited_cents=balance or None,
    )
    txn = None
    if balance > 0:
        txn = ledger_store.post(
            cause=Cause.TRANSFER, source=(source, AccountKind.RIGHT),
            target=(account.pk, AccountKind.RIGHT), cents=balance, key=key,
            request_hash=request_hash, actor=actor, on=on, budget_id=right.budget_id,
            right_id=new_right.pk, preset=frozenset({account.pk}), memo=outcome.value,
        )  # fmt: skip
    Right.objects.filter(pk=right.pk).update(status=RightStatus.TRANSFERRED)
    return new_right, txn
