# SPDX-License-Identifier: EUPL-1.2
"""Deposits: a funder credits persons from a budget, one or a million at once, from a form,
the API or a CSV file (docs/decisions/005-deposit-lines.md).

A deposit is one ledger transaction (budget → the budget's pool) and one deposit line per
person; a line becomes the person's right when their rights are first read or moved
(:func:`claim_rights`). Bad rows are named one by one
(:mod:`llo.accounts.deposit_rows`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from llo.accounts import csvfile, reach, selectors
from llo.accounts import deposit_rows as checks
from llo.accounts.csvfile import RowError
from llo.accounts.ledger import InsufficientFunds
from llo.accounts.models import Budget, LedgerTransaction, Portability, Right
from llo.accounts.services.common import cents_to_move, digest, new_key, run_once
from llo.accounts.store import ledger as ledger_store
from llo.accounts.store import lines, persons
from llo.core import audit
from llo.core.money import Money
from llo.core.problems import Problem
from llo.core.timeutil import today
from llo.people.models import Person

#: One deposit asked for (the same row a deposit file is read into).
DepositRow = csvfile.DepositRow

#: Rows written per chunk by a bulk deposit (one progress step).
CHUNK = 10_000

#: Make rights of these persons' deposits not read before: call it before reading a person's
#: rights (:func:`llo.accounts.store.lines.claim`).
claim_rights = lines.claim
#: Make rights of every line of these deposits not read before (the nightly job).
claim_deposits = lines.claim_deposits
#: Make rights of every line of these budgets' deposits (a funder's list or export).
claim_budgets = lines.claim_budgets
#: Read a deposit file into rows and the errors of its bad lines.
parse_csv_rows = csvfile.parse

#: Write a deposit's lines into its ledger transaction, given the budget read afresh.
Writer = Callable[[LedgerTransaction, Budget], None]


@dataclass
class BulkResult:
    transaction_id: int | None
    created: int
    total_cents: int
    rejected: list[RowError] = field(default_factory=list)
    replayed: bool = False


class BulkMode(StrEnum):
    ALL_OR_NOTHING = "all-or-nothing"
    PARTIAL = "partial"


def deposit(
    *,
    actor: audit.Actor,
    budget: Budget,
    person: Person,
    amount: Money,
    on: dt.date | None = None,
    valid_until: dt.date | None = None,
    idempotency_key: str | None = None,
) -> Right:
    """Credit one person: a new right with its own expiry (locks as :func:`bulk_deposit`)."""
    cents = cents_to_move(amount)
    names = {"person": "personId", "amount": "amountCents"}
    result = bulk_deposit(
        actor=actor,
        budget=budget,
        rows=[DepositRow(cents, person_id=person.pk, valid_until=valid_until, line=1)],
        on=on,
        idempotency_key=idempotency_key,
        field_name=lambda row, what: names.get(what, what),
    )
    lines.claim([person.pk])
    return Right.objects.get(person=person, deposit_id=result.transaction_id)


def deposit_csv(
    *,
    actor: audit.Actor,
    budget: Budget,
    text: str,
    on: dt.date | None = None,
    idempotency_key: str | None = None,
    mode: BulkMode = BulkMode.ALL_OR_NOTHING,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = CHUNK,
) -> BulkResult:
    """A deposit file (see :mod:`llo.accounts.csvfile`): every bad line and field named
    (locks as :func:`bulk_deposit`)."""
    rows, errors = parse_csv_rows(text)
    if errors and (mode == BulkMode.ALL_OR_NOTHING or not rows):
        # Also report persons not the funder's, so the funder fixes the file in one go.
        _resolved, unknown = _find_persons(
            _whom(budget, on or today()), rows, lambda row, what: what
        )
        raise checks.invalid_rows(
            sorted([*errors, *unknown], key=lambda e: (e.line, e.field)), False
        )
    return bulk_deposit(
        actor=actor, budget=budget, rows=rows, on=on, idempotency_key=idempotency_key,
        mode=mode, progress=progress, chunk=chunk, pre_errors=errors,
    )  # fmt: skip


def bulk_deposit(
    *,
    actor: audit.Actor,
    budget: Budget,
    rows: Sequence[DepositRow],
    on: dt.date | None = None,
    idempotency_key: str | None = None,
    mode: BulkMode = BulkMode.ALL_OR_NOTHING,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = CHUNK,
    field_name: checks.FieldName | None = None,
    pre_errors: Sequence[RowError] = (),
    applicants: bool = False,
) -> BulkResult:
    """Credit many persons from one budget in one transaction.

    Only persons the budget's funder reaches (:mod:`llo.accounts.reach`) may be credited;
    ``applicants=True`` is the one exception (decision 010): a window's grants, to persons
    who applied themselves and whom the scheme's rules found eligible.

    All-or-nothing (the default): any bad row means nothing is written and every bad row is
    reported (400). Partial: the good rows are written and the bad ones reported. Either way
    the whole deposit is refused when it is more than the budget has left (422). ``pre_errors``
    are errors found while reading the input (a CSV file) that count as bad rows.

    A large deposit on PostgreSQL is not checked row by row first: its lines are loaded as
    given into a partition of their own and the database checks them all at once (amounts,
    dates, each person once, every person known; ``lines.load_partition``). Only if it
    refuses are the rows checked one by one, to name every bad line.

    Locks: the budget's account (private), then its pool (shared, last), each by its
    conditional balance update.
    """
    on = on or today()
    _check_budget_open(budget, on)
    name = field_name or (lambda row, what: what)
    if (
        lines.own_partition(len(rows))
        and mode == BulkMode.ALL_OR_NOTHING
        and not pre_errors
        and rows[0].person_id is not None  # a file by BSN is looked up first
    ):
        with contextlib.suppress(lines.Refused):  # then every row is checked, below
            return _load_as_given(
                actor, budget, rows, on, idempotency_key, progress, chunk, applicants
            )
    resolved, person_errors = _find_persons(_whom(budget, on, applicants), rows, name)
    errors = list(pre_errors)
    checked = checks.check(rows, on, budget.right_validity_months, name, resolved, errors)
    errors.extend(person_errors)
    errors.sort(key=lambda e: (e.line, e.field))
    by_field = field_name is not None
    if errors and mode == BulkMode.ALL_OR_NOTHING:
        raise checks.invalid_rows(errors, by_field)
    if not checked.persons:
        raise checks.nothing_to_deposit(errors, by_field)
    return _write(
        actor, budget, on, idempotency_key, mode,
        len(checked.persons), checked.total, checks.fingerprint("\n".join(checked.lines)),
        lambda txn, fresh: _write_lines(txn, fresh, checked, on, progress, chunk, applicants),
        errors,
    )  # fmt: skip


def _check_budget_open(budget: Budget, on: dt.date) -> None:
    if not budget.period_start <= on <= budget.period_end:
        raise Problem(
            422,
            _("This budget can be used from %(start)s until %(end)s.")
            % {
                "start": budget.period_start.strftime("%d-%m-%Y"),
                "end": budget.period_end.strftime("%d-%m-%Y"),
            },
            code="budget-closed",
        )


def _whom(budget: Budget, on: dt.date, applicants: bool = False) -> QuerySet[Person]:
    """The persons a deposit from ``budget`` on ``on`` may credit: the funder's reach, or
    anyone for a window's grants to its applicants (see :func:`bulk_deposit`)."""
    return Person.objects.all() if applicants else reach.reach_of_budget(budget, on)


def _find_persons(
    whom: QuerySet[Person], rows: Sequence[DepositRow], name: checks.FieldName
) -> tuple[dict[int, int], list[RowError]]:
    """Row index → person id for the persons in ``whom`` (:func:`_whom`); one same error for
    every other row, whether llo knows its person or not (:mod:`llo.accounts.reach`)."""
    ids, hashes = checks.persons_to_find(rows)
    reached_ids, by_hash = persons.reached(whom, ids, hashes)
    return checks.resolve(rows, reached_ids, by_hash, name)


def _write(
    actor: audit.Actor, budget: Budget, on: dt.date, idempotency_key: str | None,
    mode: BulkMode, count: int, total: int, fingerprint: str, write: Writer,
    errors: list[RowError], *, over_budget: type[Exception] | None = None,
) -> BulkResult:  # fmt: skip
    """One deposit, idempotent: the ledger transaction (budget → pool, refused whole if the
    budget has less left: 422, or ``over_budget`` raised instead), ``write`` of its lines, the
    pool's balance and the audit record, in one transaction."""
    key = idempotency_key or new_key("deposit")
    request_hash = digest(op="deposit", budget=budget.pk, on=on, rights=fingerprint, mode=mode)

    def work() -> BulkResult:
        fresh = Budget.objects.select_related("account", "funder__organisation").get(pk=budget.pk)
        try:
            # Checked first for the clear message; the conditional update checks it again.
            if total > fresh.account.balance_cents:
                raise checks.budget_exceeded(total, fresh.account.balance_cents)
            try:
                txn = ledger_store.post_deposit(
                    actor=actor, budget_id=fresh.pk, budget_account=fresh.account_id,
                    pool_account=fresh.pool_account_id, on=on, key=key,
                    request_hash=request_hash, count=count, total=total,
                )  # fmt: skip
            except InsufficientFunds as exc:
                raise checks.budget_exceeded(total, exc.balance) from None
        except Problem:
            if over_budget is not None:
                raise over_budget from None
            raise
        write(txn, fresh)
        ledger_store.change_balance(fresh.pool_account_id, total)  # shared: changed last
        audit.record(
            actor=actor,
            action="budget.deposited",
            subject=fresh,
            after={"transaction": txn.pk, "persons": count, "total_cents": total},
        )
        return BulkResult(txn.pk, count, total, errors)

    def replay(txn: LedgerTransaction) -> BulkResult:
        return BulkResult(txn.pk, txn.count, txn.amount_cents, errors, replayed=True)

    return run_once(key, request_hash, work, replay)


def _links(budget: Budget, on: dt.date) -> dict[int, tuple[int, str]]:
    """Person → (job, CAO) a portable right belongs to; none for money of the person."""
    if budget.portability == Portability.PERSON:
        return {}
    return selectors.employment_links(budget.funder, on)


def _write_lines(
    txn: LedgerTransaction,
    budget: Budget,
    checked: checks.Checked,
    on: dt.date,
    progress: Callable[[int, int], None] | None,
    chunk: int,
    applicants: bool = False,
) -> None:
    """Write one deposit line per checked (person, cents, valid until) of deposit ``txn``:
    nothing else is written per person; a line becomes a right when the person's rights are
    first read or moved (:func:`llo.accounts.store.lines.claim`)."""
    wanted = checked.persons
    links = _links(budget, on)
    if lines.own_partition(len(wanted)):
        texts = [
            line + lines.copy_line_end(links.get(pid), bool(links))
            for line, (pid, _c, _u) in zip(checked.lines, wanted, strict=True)
        ]
        try:
            lines.load_partition(
                txn.pk, on, texts, links=bool(links), progress=progress, chunk=chunk,
                reach=persons.reach_sql(_whom(budget, on, applicants)),
            )  # fmt: skip
        except lines.Refused:
            # The rows were checked a moment ago: a person was removed meanwhile.
            raise Problem(
                409,
                _("A person in this deposit was removed while it was being written. Try again."),
                code="conflict",
            ) from None
        return
    done = 0
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        lines.insert(
            txn.pk,
            [(pid, cents, until, *links.get(pid, (None, None))) for pid, cents, until in part],
        )
        done += len(part)
        if progress is not None:
            progress(done, len(wanted))


def _load_as_given(
    actor: audit.Actor,
    budget: Budget,
    rows: Sequence[DepositRow],
    on: dt.date,
    idempotency_key: str | None,
    progress: Callable[[int, int], None] | None,
    chunk: int,
    applicants: bool = False,
) -> BulkResult:
    """The rows as they are, into a partition of their own: raises ``lines.Refused`` (nothing
    written) if the database finds anything wrong with them."""
    given = checks.as_given(rows, on, budget.right_validity_months)
    if given is None:
        raise lines.Refused
    texts, total = given

    def write(txn: LedgerTransaction, fresh: Budget) -> None:
        links = _links(fresh, on)
        copy = texts
        if links:
            copy = [
                t[:-1] + lines.copy_line_end(links.get(row.person_id), True)  # type: ignore[arg-type]
                for t, row in zip(texts, rows, strict=True)
            ]
        lines.load_partition(
            txn.pk, on, copy, links=bool(links), progress=progress, chunk=chunk,
            reach=persons.reach_sql(_whom(fresh, on, applicants)),
        )  # fmt: skip

    # More than the budget has left is refused too: bad lines are reported before that, so the
    # rows are then checked one by one first.
    return _write(
        actor, budget, on, idempotency_key, BulkMode.ALL_OR_NOTHING,
        len(texts), total, checks.fingerprint("".join(texts)[:-1]), write, [],
        over_budget=lines.Refused,
    )  # fmt: skip
