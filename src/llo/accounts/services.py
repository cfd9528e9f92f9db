# SPDX-License-Identifier: EUPL-1.2
"""The use cases of learning accounts: the only code that moves money.

Each operation runs in one database transaction that also writes its audit record
(DESIGN.md section 2) and is idempotent through a unique key on its ledger transaction: the
same key with the same request returns the first result; with another request it is refused
(409). How the ledger stays right under concurrency:

* a balance changes only by a conditional ``UPDATE ... SET balance = balance + d WHERE
  balance + d >= floor`` (one statement: PostgreSQL re-checks the condition on the newest row
  after waiting for a lock, SQLite runs writers one at a time with ``BEGIN IMMEDIATE``), and a
  CHECK constraint refuses a balance below its floor even if code forgot;
* accounts are changed in order of their id, so two transactions cannot deadlock on them;
* the idempotency key is unique in the database, so a retried request that races its twin
  blocks until the twin commits and then replays it.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from llo.accounts import csvfile, ledger, lines
from llo.accounts.conditions import Conditions, ConditionsError
from llo.accounts.ledger import AccountKind, Cause, InsufficientFunds
from llo.accounts.models import (
    FUNDER_KIND_OF_ORGANISATION,
    AllocationPolicy,
    Budget,
    DepositLine,
    Funder,
    LedgerAccount,
    LedgerTransaction,
    Portability,
    Posting,
    Reservation,
    ReservationStatus,
    Right,
    RightKind,
    RightStatus,
)
from llo.core import audit, crypto
from llo.core.money import Money
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.timeutil import now, today
from llo.people.models import Employment, Organisation, OrganisationKind, Person

ACCOUNTS = LedgerAccount._meta.db_table
RIGHTS = Right._meta.db_table
POSTINGS = Posting._meta.db_table
TRANSACTIONS = LedgerTransaction._meta.db_table

M = TypeVar("M", bound=Any)

#: Rows written per chunk by a bulk deposit (one progress step).
CHUNK = 10_000


# --- small helpers -------------------------------------------------------------------------


def check_cents(value: object, name: str = "amountCents") -> int:
    """A money amount from outside: whole cents, more than zero; else a 400 problem."""
    try:
        return ledger.check_amount(value)
    except ledger.LedgerError:
        raise invalid(
            _("The amount must be a whole number of cents, more than 0."),
            [InvalidParam(name, _("a whole number of cents, more than 0"), "amount")],
        ) from None


def digest(**fields: Any) -> str:
    """A fingerprint of what an operation was asked to do, to tell a retry from a new request
    that reuses a key."""
    text = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _replay(key: str, request_hash: str) -> LedgerTransaction | None:
    """The transaction already made with this key, if any (409 if it was another request).
    Plain SQL: this runs before every operation, so it should cost one index look-up."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, request_hash FROM {TRANSACTIONS} WHERE idempotency_key = %s",  # noqa: S608
            [key],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    if row[1] != request_hash:
        raise _key_reused()
    return LedgerTransaction.objects.get(pk=row[0])


def _key_reused() -> Problem:
    return Problem(
        409,
        _("This idempotency key was used before for another request. Use a new key."),
        code="idempotency-key-reused",
    )


def _as_loaded(instance: M) -> M:
    """A model instance built from what a database function returned, marked as stored."""
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS
    return instance


_RESERVE_SQL = "SELECT * FROM llo_ledger_reserve(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
_PAY_SQL = "SELECT * FROM llo_ledger_pay(%s, %s, %s, %s, %s, %s, %s, %s, %s)"


def _fast_path(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """PostgreSQL: one ledger operation in one round trip (``sql/ledger_fast_path.sql``): its
    own transaction, or a savepoint inside the caller's. None when a twin request with the same
    idempotency key committed first (the caller then replays it).

    The cursor sends the values apart from the statement, so PostgreSQL binds them, and the
    connection prepares the statement once (``prepare_threshold`` in settings): Django's own
    cursors quote the values into the SQL text, which PostgreSQL then parses and plans on every
    call. It is wrapped as Django wraps its cursors, so errors, query logging and tests see it
    as any other. Measured in bench/ledger (docs/decisions/006-ledger-fast-path-binding.md)."""
    db: Any = connections[DEFAULT_DB_ALIAS]  # what `connection` stands for, looked up once
    db.ensure_connection()
    try:
        if db.in_atomic_block:
            with transaction.atomic(), _server_bound_cursor(db) as cursor:
                cursor.execute(sql, params)
                return tuple(cursor.fetchone())
        with _server_bound_cursor(db) as cursor:
            cursor.execute(sql, params)
            return tuple(cursor.fetchone())
    except IntegrityError:
        return None
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == "LL001":
            return ("slow",)  # undone in the database; the Python path explains
        raise


def _server_bound_cursor(db: Any) -> Any:
    """A psycopg cursor that binds on the server, wrapped as Django wraps its own."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    cursor_class: Any = ServerBindingCursor
    return db._prepare_cursor(cursor_class(db.connection))


def _change_balance(account_id: int, delta: int) -> int:
    """Add ``delta`` to a balance unless that takes it below the floor; returns the new
    balance. One statement, so the check and the change cannot be separated by another
    writer."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ACCOUNTS} SET balance_cents = balance_cents + %s "  # noqa: S608 - constant
            "WHERE id = %s AND (floor_cents IS NULL OR balance_cents + %s >= floor_cents) "
            "RETURNING balance_cents",
            [delta, account_id, delta],
        )
        row = cursor.fetchone()
    if row is None:
        current = LedgerAccount.objects.filter(pk=account_id).values_list(
            "balance_cents", "floor_cents"
        )
        balance, floor = current.first() or (0, 0)
        raise InsufficientFunds(account_id, balance, delta, floor or 0)
    return int(row[0])


def _post(
    *,
    cause: Cause,
    key: str,
    request_hash: str,
    postings: Sequence[ledger.Posting],
    kinds: dict[int, AccountKind],
    actor: audit.Actor,
    on: dt.date,
    memo: str = "",
    budget_id: int | None = None,
    right_id: int | None = None,
    reservation_id: int | None = None,
    preset: frozenset[int] = frozenset(),
    count: int = 1,
    balances: dict[int, int] | None = None,
    before_shared: Callable[[dict[int, int]], None] | None = None,
) -> LedgerTransaction:
    """Write one balanced transaction and move the balances. ``preset`` accounts were created
    in this transaction with their balance already set; ``balances`` receives the new balance
    of every account that changed. ``before_shared`` runs after the private accounts changed
    and before the shared ones (a provider's, a funder's): the rest of the work of the
    operation goes there, so the lock on a shared account is held only until the commit."""
    ledger.validate(cause, postings, kinds)
    moved = sum(p.amount for p in postings if p.amount > 0)
    txn = LedgerTransaction.objects.create(
        idempotency_key=key,
        request_hash=request_hash,
        cause=cause.value,
        effective_date=on,
        created_at=now(),
        actor=actor.name,
        memo=memo[:300],
        budget_id=budget_id,
        right_id=right_id,
        reservation_id=reservation_id,
        count=count,
        amount_cents=moved,
    )
    Posting.objects.bulk_create(
        [Posting(transaction=txn, account_id=p.account, amount_cents=p.amount) for p in postings]
    )
    new_balances: dict[int, int] = {} if balances is None else balances
    shared_started = False
    for account_id, delta in ledger.lock_order(ledger.net(postings), kinds):
        if kinds[account_id] in ledger.SHARED_KINDS and not shared_started:
            shared_started = True
            if before_shared is not None:
                before_shared(new_balances)
        if account_id not in preset:
            new_balances[account_id] = _change_balance(account_id, delta)
    if not shared_started and before_shared is not None:
        before_shared(new_balances)
    return txn


def _insufficient(exc: InsufficientFunds, what: str) -> Problem:
    return Problem(
        422,
        what,
        code="insufficient-balance",
        extra={"availableCents": exc.balance - (exc.floor or 0)},
    )


def _run_idempotent(
    key: str, request_hash: str, work: Callable[[], Any], replay: Callable[[LedgerTransaction], Any]
) -> Any:
    """Run ``work`` in a transaction; if its key is already used (before, or by a concurrent
    twin that committed first), return ``replay`` of the first transaction instead."""
    try:
        with transaction.atomic():
            existing = _replay(key, request_hash)
            if existing is not None:
                return replay(existing)
            return work()
    except IntegrityError:
        existing = _replay(key, request_hash)
        if existing is None:
            raise
        return replay(existing)


def new_key(prefix: str) -> str:
    import uuid

    return f"{prefix}:{uuid.uuid4()}"


# --- funders and budgets -------------------------------------------------------------------


SYSTEM = audit.Actor.system("accounts")


def ensure_funder(organisation: Organisation, *, actor: audit.Actor = SYSTEM) -> Funder:
    """The Funder of an organisation, with its source and returned accounts."""
    funder = Funder.objects.filter(organisation=organisation).first()
    if funder is not None:
        return funder
    kind = FUNDER_KIND_OF_ORGANISATION.get(OrganisationKind(organisation.kind))
    if kind is None:
        raise Problem(
            422,
            _("%(org)s cannot fund learning accounts.") % {"org": organisation.name},
            code="not-a-funder",
        )
    try:
        with transaction.atomic():
            funder = Funder.objects.create(organisation=organisation, kind=kind)
            LedgerAccount.objects.bulk_create(
                [
                    LedgerAccount(kind=AccountKind.SOURCE, floor_cents=None, funder=funder),
                    LedgerAccount(kind=AccountKind.RETURNED, floor_cents=0, funder=funder),
                ]
            )
            audit.record(
                actor=actor, action="funder.created", subject=funder, after=audit.snapshot(funder)
            )
            return funder
    except IntegrityError:  # created at the same moment by a concurrent request
        return Funder.objects.get(organisation=organisation)


def _funder_account(funder_id: int, kind: AccountKind) -> LedgerAccount:
    return LedgerAccount.objects.get(funder_id=funder_id, kind=kind)


def _provider_account(provider: Organisation) -> LedgerAccount:
    # No ORDER BY (``.first()`` would add one): the partial unique index answers this.
    account = LedgerAccount.objects.filter(organisation=provider, kind=AccountKind.PROVIDER)[:1]
    if account:
        return account[0]
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(
                kind=AccountKind.PROVIDER, floor_cents=0, organisation=provider
            )
    except IntegrityError:
        return LedgerAccount.objects.get(organisation=provider, kind=AccountKind.PROVIDER)


def conditions_problem(exc: ConditionsError, prefix: str = "conditions") -> Problem:
    return invalid(
        _("The conditions are not valid."),
        [
            InvalidParam(f"{prefix}.{key}", reason, "condition")
            for key, reason in exc.errors.items()
        ],
    )


def create_budget(
    *,
    actor: audit.Actor,
    funder: Funder,
    name: str,
    total_cents: int,
    period_start: dt.date,
    period_end: dt.date,
    conditions: dict[str, Any] | None = None,
    scheme: str = "",
    allocation_policy: str = AllocationPolicy.FIRST_COME,
    amount_per_person_cents: int | None = None,
    right_kind: str = RightKind.MONEY,
    right_validity_months: int = 24,
    portability: str = Portability.PERSON,
    idempotency_key: str | None = None,
) -> Budget:
    """Set money aside: a funding transaction from the funder's source into a new budget."""
    total = check_cents(total_cents, "totalCents")
    params: list[InvalidParam] = []
    if not name.strip():
        params.append(InvalidParam("name", _("Give the budget a name."), "required"))
    if period_end < period_start:
        params.append(InvalidParam("periodEnd", _("The end is before the start."), "date"))
    if amount_per_person_cents is not None:
        check_cents(amount_per_person_cents, "amountPerPersonCents")
        if amount_per_person_cents > total:
            params.append(
                InvalidParam("amountPerPersonCents", _("More than the whole budget."), "amount")
            )
    if right_kind not in {RightKind.MONEY, RightKind.VOUCHER}:
        params.append(InvalidParam("rightKind", _("A budget gives money or vouchers."), "enum"))
    if not 1 <= right_validity_months <= 240:
        params.append(InvalidParam("rightValidityMonths", _("From 1 to 240 months."), "range"))
    if params:
        raise invalid(_("The budget is not valid."), params)
    try:
        canonical = Conditions.from_dict(conditions or {}).to_dict()
    except ConditionsError as exc:
        raise conditions_problem(exc) from None
    key = idempotency_key or new_key("budget")
    request_hash = digest(
        op="budget",
        funder=funder.pk,
        name=name,
        total=total,
        start=period_start,
        end=period_end,
        conditions=canonical,
        scheme=scheme,
        policy=allocation_policy,
        per_person=amount_per_person_cents,
        kind=right_kind,
        months=right_validity_months,
        portability=portability,
    )

    def work() -> Budget:
        account, pool = LedgerAccount.objects.bulk_create(
            [
                LedgerAccount(
                    kind=AccountKind.BUDGET, floor_cents=0, balance_cents=total, funder=funder
                ),
                LedgerAccount(kind=AccountKind.POOL, floor_cents=0, funder=funder),
            ]
        )
        budget = Budget.objects.create(
            pool_account=pool,
            funder=funder,
            name=name.strip(),
            scheme=scheme,
            conditions=canonical,
            total_cents=total,
            period_start=period_start,
            period_end=period_end,
            allocation_policy=allocation_policy,
            amount_per_person_cents=amount_per_person_cents,
            right_kind=right_kind,
            right_validity_months=right_validity_months,
            portability=portability,
            account=account,
        )
        source = _funder_account(funder.pk, AccountKind.SOURCE)
        _post(
            cause=Cause.FUNDING,
            key=key,
            request_hash=request_hash,
            postings=ledger.move(source.pk, account.pk, total),
            kinds={source.pk: AccountKind.SOURCE, account.pk: AccountKind.BUDGET},
            actor=actor,
            on=period_start,
            memo=f"budget {budget.name}",
            budget_id=budget.pk,
            preset=frozenset({account.pk}),
        )
        audit.record(
            actor=actor,
            action="budget.created",
            subject=budget,
            after=audit.snapshot(budget),
        )
        return budget

    def replay(txn: LedgerTransaction) -> Budget:
        assert txn.budget is not None
        return txn.budget

    result: Budget = _run_idempotent(key, request_hash, work, replay)
    return result


# --- deposits -------------------------------------------------------------------------------


#: One deposit asked for (the same row a deposit file is read into).
DepositRow = csvfile.DepositRow


@dataclass
class BulkResult:
    transaction_id: int | None
    created: int
    total_cents: int
    rejected: list[csvfile.RowError] = field(default_factory=list)
    replayed: bool = False


class BulkMode(StrEnum):
    ALL_OR_NOTHING = "all-or-nothing"
    PARTIAL = "partial"


def _resolve_persons(
    rows: Sequence[DepositRow], field_name: Callable[[DepositRow, str], str]
) -> tuple[dict[int, int], list[csvfile.RowError]]:
    """Map row index → person id; an error for every row whose person is unknown."""
    ids = {r.person_id for r in rows if r.person_id is not None}
    hashes = {crypto.keyed_hash(r.bsn): r.bsn for r in rows if r.person_id is None and r.bsn}
    known_ids: set[int] = set()
    by_hash: dict[str, int] = {}
    id_list, hash_list = sorted(ids), sorted(hashes)
    people = Person._meta.db_table
    if connection.vendor == "postgresql":
        # One query each with an array parameter: a million persons in about a second.
        with connection.cursor() as cursor:
            if id_list:
                cursor.execute(f"SELECT id FROM {people} WHERE id = ANY(%s)", [id_list])  # noqa: S608
                known_ids.update(row[0] for row in cursor.fetchall())
            if hash_list:
                cursor.execute(
                    f"SELECT bsn_hash, id FROM {people} WHERE bsn_hash = ANY(%s)",  # noqa: S608
                    [hash_list],
                )
                by_hash.update(cursor.fetchall())
    else:
        size = max(100, min(10_000, (connection.features.max_query_params or 999) - 10))
        for start in range(0, len(id_list), size):
            known_ids.update(
                Person.objects.filter(pk__in=id_list[start : start + size]).values_list(
                    "pk", flat=True
                )
            )
        for start in range(0, len(hash_list), size):
            by_hash.update(
                Person.objects.filter(bsn_hash__in=hash_list[start : start + size]).values_list(
                    "bsn_hash", "pk"
                )
            )
    resolved: dict[int, int] = {}
    errors: list[csvfile.RowError] = []
    for index, row in enumerate(rows):
        if row.person_id is not None:
            if row.person_id in known_ids:
                resolved[index] = row.person_id
            else:
                errors.append(
                    csvfile.RowError(
                        row.line,
                        field_name(row, "person"),
                        _("There is no person with this number."),
                    )
                )
        else:
            pid = by_hash.get(crypto.keyed_hash(row.bsn)) if row.bsn else None
            if pid is None:
                errors.append(
                    csvfile.RowError(
                        row.line,
                        field_name(row, "bsn"),
                        _("We do not know anyone with this BSN in llo."),
                    )
                )
            else:
                resolved[index] = pid
    return resolved, errors


def _employment_links(funder: Funder, on: dt.date) -> dict[int, tuple[int, str]]:
    """Person → (employment, CAO) for money of an employer (its employees) or a sector fund
    (workers in its sector): the job a portable right belongs to (seed 002)."""
    org = funder.organisation
    jobs = Employment.objects.filter(start__lte=on).filter(Q(end__isnull=True) | Q(end__gte=on))
    if funder.kind == "employer":
        jobs = jobs.filter(employer=org)
    elif funder.kind == "sector_fund" and org.sector:
        jobs = jobs.filter(sector=org.sector)
    else:
        return {}
    return {
        p: (e, cao)
        for e, p, cao in jobs.order_by("start", "pk").values_list("pk", "person_id", "cao")
    }


def _copy_text(value: object) -> str:
    r"""A value in PostgreSQL's COPY text format (``\N`` is NULL)."""
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


@dataclass(frozen=True)
class _Deposits:
    """What a bulk deposit writes: (person, cents, valid until) per person, and the same as
    ``person\tcents\tdate`` lines (the request's fingerprint, and the start of COPY lines)."""

    persons: list[tuple[int, int, dt.date]]
    lines: list[str]

    @property
    def total(self) -> int:
        return sum(cents for _p, cents, _u in self.persons)


def _fingerprint(text: str) -> str:
    """Of the deposit's lines ``person\tcents\tdate``, joined by newlines."""
    return hashlib.sha256(text.encode()).hexdigest()


def _deposit_transaction(
    *, actor: audit.Actor, budget: Budget, on: dt.date, key: str, request_hash: str,
    count: int, total: int,
) -> LedgerTransaction:  # fmt: skip
    """The ledger side of a deposit, in the current transaction: ``total`` moves from the
    budget into its pool (refused whole, 422, if the budget has less left)."""
    if total > budget.account.balance_cents:
        # Checked again by the conditional update below; this gives the clear message.
        raise _budget_exceeded(budget, total, budget.account.balance_cents)
    try:
        _change_balance(budget.account_id, -total)
    except InsufficientFunds as exc:
        raise _budget_exceeded(budget, total, exc.balance) from None
    txn = LedgerTransaction.objects.create(
        idempotency_key=key,
        request_hash=request_hash,
        cause=Cause.DEPOSIT.value,
        effective_date=on,
        created_at=now(),
        actor=actor.name,
        memo=f"deposit to {count} persons",
        budget_id=budget.pk,
        count=count,
        amount_cents=total,
    )
    Posting.objects.bulk_create(
        [
            Posting(transaction=txn, account_id=budget.account_id, amount_cents=-total),
            Posting(transaction=txn, account_id=budget.pool_account_id, amount_cents=total),
        ]
    )
    return txn


def _deposited(actor: audit.Actor, budget: Budget, txn: LedgerTransaction) -> None:
    _change_balance(budget.pool_account_id, txn.amount_cents)  # a shared account: changed last
    audit.record(
        actor=actor,
        action="budget.deposited",
        subject=budget,
        after={"transaction": txn.pk, "persons": txn.count, "total_cents": txn.amount_cents},
    )


def _links(budget: Budget, on: dt.date) -> dict[int, tuple[int, str]]:
    if budget.portability == Portability.PERSON:
        return {}
    return _employment_links(budget.funder, on)


def _write_lines(
    txn: LedgerTransaction,
    budget: Budget,
    deposits: _Deposits,
    on: dt.date,
    progress: Callable[[int, int], None] | None,
    chunk: int,
) -> None:
    """Write one deposit line per checked (person, cents, valid until) of deposit ``txn``:
    nothing else is written per person; a line becomes a right when the person's rights are
    first read or moved (:func:`llo.accounts.lines.claim`)."""
    persons = deposits.persons
    links = _links(budget, on)
    if lines.own_partition(len(persons)):
        texts = [
            line + _link_suffix(pid, links)
            for line, (pid, _c, _u) in zip(deposits.lines, persons, strict=True)
        ]
        try:
            lines.load_partition(
                txn.pk, on, texts, links=bool(links), progress=progress, chunk=chunk
            )
        except lines.Refused:
            # The rows were checked a moment ago: a person was removed meanwhile.
            raise Problem(
                409,
                _("A person in this deposit was removed while it was being written. Try again."),
                code="conflict",
            ) from None
        return
    done = 0
    for start in range(0, len(persons), chunk):
        part = persons[start : start + chunk]
        lines.insert(
            txn.pk,
            [(pid, cents, until, *links.get(pid, (None, None))) for pid, cents, until in part],
        )
        done += len(part)
        if progress is not None:
            progress(done, len(persons))


def _link_suffix(pid: object, links: dict[int, tuple[int, str]]) -> str:
    """The end of a deposit line in COPY text: the job and CAO of employer money, and the
    newline."""
    if not links:
        return "\n"
    job, cao = links.get(pid, (None, None))  # type: ignore[call-overload]
    return f"\t{_copy_text(job)}\t{_copy_text(cao)}\n"


def _budget_exceeded(budget: Budget, asked: int, left: int) -> Problem:
    return Problem(
        422,
        _(
            "These deposits total %(asked)s, but the budget has %(left)s left. Nothing was "
            "deposited."
        )
        % {"asked": Money(asked).format(), "left": Money(left).format()},
        code="budget-exceeded",
        extra={"askedCents": asked, "availableCents": left},
    )


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
    field_name: Callable[[DepositRow, str], str] | None = None,
    pre_errors: Sequence[csvfile.RowError] = (),
) -> BulkResult:
    """Credit many persons from one budget in one transaction.

    All-or-nothing (the default): any bad row means nothing is written and every bad row is
    reported (400). Partial: the good rows are written and the bad ones reported. Either way
    the whole deposit is refused when it is more than the budget has left (422). ``pre_errors``
    are errors found while reading the input (a CSV file) that count as bad rows.

    A large deposit on PostgreSQL is not checked row by row first: its lines are loaded as
    given into a partition of their own and the database checks them all at once (amounts,
    dates, each person once, every person known; ``lines.load_partition``). Only if it
    refuses are the rows checked one by one, to name every bad line.
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
            return _bulk_load(actor, budget, rows, on, idempotency_key, progress, chunk)
    resolved, person_errors = _resolve_persons(rows, name)
    errors = list(pre_errors)
    deposits = _deposits(rows, on, budget, name, resolved, errors)
    errors.extend(person_errors)
    errors.sort(key=lambda e: (e.line, e.field))
    if errors and mode == BulkMode.ALL_OR_NOTHING:
        raise _invalid_rows(errors, field_name is not None)
    if not deposits.persons:
        raise Problem(
            400,
            _("There is nothing to deposit: no line is correct."),
            code="invalid-rows",
            invalid_params=_row_params(errors, field_name is not None),
        )
    return _bulk_write(
        actor, budget, on, idempotency_key, mode,
        len(deposits.persons), deposits.total, _fingerprint("\n".join(deposits.lines)),
        lambda txn, fresh: _write_lines(txn, fresh, deposits, on, progress, chunk),
        errors,
    )  # fmt: skip


def _row_params(errors: Sequence[csvfile.RowError], by_field: bool) -> list[InvalidParam]:
    # A file names the line; an API request names the field path (deposits[3].amountCents).
    return [
        InvalidParam(e.field if by_field else f"line {e.line}: {e.field}", e.reason, "row")
        for e in errors
    ]


def _invalid_rows(errors: Sequence[csvfile.RowError], by_field: bool) -> Problem:
    return Problem(
        400,
        _("%(count)s lines have errors. Nothing was deposited. Correct them and try again.")
        % {"count": len({e.line for e in errors})},
        code="invalid-rows",
        invalid_params=_row_params(errors, by_field),
    )


def _bulk_load(
    actor: audit.Actor,
    budget: Budget,
    rows: Sequence[DepositRow],
    on: dt.date,
    idempotency_key: str | None,
    progress: Callable[[int, int], None] | None,
    chunk: int,
) -> BulkResult:
    """The rows as they are, into a partition of their own: raises ``lines.Refused`` (nothing
    written) if the database finds anything wrong with them."""
    default_until = add_months(on, budget.right_validity_months)
    dates: dict[dt.date, str] = {}
    texts: list[str] = []
    total = 0
    append = texts.append
    try:
        for row in rows:
            until = row.valid_until or default_until
            day = dates.get(until)
            if day is None:
                day = dates[until] = until.isoformat()
            append(f"{row.person_id}\t{row.amount_cents}\t{day}\n")
            total += row.amount_cents
    except TypeError:  # an amount that is not a number
        raise lines.Refused from None
    if type(total) is not int:
        raise lines.Refused
    fingerprint = _fingerprint("".join(texts)[:-1])

    def write(txn: LedgerTransaction, fresh: Budget) -> None:
        links = _links(fresh, on)
        copy = texts
        if links:
            copy = [
                t[:-1] + _link_suffix(row.person_id, links)
                for t, row in zip(texts, rows, strict=True)
            ]
        lines.load_partition(txn.pk, on, copy, links=bool(links), progress=progress, chunk=chunk)

    # More than the budget has left is refused too: bad lines are reported before that, so the
    # rows are then checked one by one first.
    return _bulk_write(
        actor, budget, on, idempotency_key, BulkMode.ALL_OR_NOTHING,
        len(texts), total, fingerprint, write, [], over_budget=lines.Refused,
    )  # fmt: skip


def _deposits(
    rows: Sequence[DepositRow],
    on: dt.date,
    budget: Budget,
    name: Callable[[DepositRow, str], str],
    resolved: dict[int, int] | None,
    errors: list[csvfile.RowError],
) -> _Deposits:
    """The rights to write, in one pass over the rows: amounts and dates checked, each person
    once. ``resolved`` maps row index to person id when the rows were looked up (rows missing
    from it are left out; their errors come from the look-up); None takes the ids as given."""
    default_until = add_months(on, budget.right_validity_months)
    dates: dict[dt.date, str] = {}
    seen: dict[int, int] = {}
    persons: list[tuple[int, int, dt.date]] = []
    lines: list[str] = []
    for index, row in enumerate(rows):
        cents = row.amount_cents
        good = True
        if isinstance(cents, bool) or not isinstance(cents, int) or cents <= 0:
            errors.append(
                csvfile.RowError(
                    row.line,
                    name(row, "amount"),
                    _("The amount must be a whole number of cents, more than 0."),
                )
            )
            good = False
        until = row.valid_until or default_until
        if until < on:
            errors.append(
                csvfile.RowError(row.line, name(row, "validUntil"), _("This date has passed."))
            )
            good = False
        pid = row.person_id if resolved is None else resolved.get(index)
        if not good or pid is None:
            continue
        if pid in seen:
            errors.append(
                csvfile.RowError(
                    row.line,
                    name(row, "person"),
                    _("This person is also on line %(line)s. Put each person once.")
                    % {"line": seen[pid]},
                )
            )
            continue
        seen[pid] = row.line
        persons.append((pid, cents, until))
        text = dates.get(until)
        if text is None:
            text = dates[until] = until.isoformat()
        lines.append(f"{pid}\t{cents}\t{text}")
    return _Deposits(persons, lines)


def _bulk_write(
    actor: audit.Actor,
    budget: Budget,
    on: dt.date,
    idempotency_key: str | None,
    mode: BulkMode,
    count: int,
    total: int,
    fingerprint: str,
    write: Callable[[LedgerTransaction, Budget], None],
    errors: list[csvfile.RowError],
    *,
    over_budget: type[Exception] | None = None,
) -> BulkResult:
    """One deposit, idempotent: the ledger transaction (budget → pool, refused whole if the
    budget has less left: 422, or ``over_budget`` raised instead), ``write`` of its lines, the
    pool's balance and the audit record, in one transaction."""
    key = idempotency_key or new_key("deposit")
    request_hash = digest(op="deposit", budget=budget.pk, on=on, rights=fingerprint, mode=mode)

    def work() -> BulkResult:
        fresh = Budget.objects.select_related("account", "funder__organisation").get(pk=budget.pk)
        try:
            txn = _deposit_transaction(
                actor=actor, budget=fresh, on=on, key=key, request_hash=request_hash,
                count=count, total=total,
            )  # fmt: skip
        except Problem:
            if over_budget is not None:
                raise over_budget from None
            raise
        write(txn, fresh)
        _deposited(actor, fresh, txn)
        return BulkResult(txn.pk, count, total, errors)

    def replay(txn: LedgerTransaction) -> BulkResult:
        return BulkResult(txn.pk, txn.count, txn.amount_cents, errors, replayed=True)

    result: BulkResult = _run_idempotent(key, request_hash, work, replay)
    return result


def deposit(
    *,
    actor: audit.Actor,
    budget: Budget,
    person: Person,
    amount_cents: int,
    on: dt.date | None = None,
    valid_until: dt.date | None = None,
    idempotency_key: str | None = None,
) -> Right:
    """Credit one person: a new right with its own expiry."""
    cents = check_cents(amount_cents)
    result = bulk_deposit(
        actor=actor,
        budget=budget,
        rows=[DepositRow(cents, person_id=person.pk, valid_until=valid_until, line=1)],
        on=on,
        idempotency_key=idempotency_key,
        field_name=lambda row, what: {"person": "personId", "amount": "amountCents"}.get(
            what, what
        ),
    )
    lines.claim([person.pk])
    return Right.objects.get(person=person, deposit_id=result.transaction_id)


def claim_rights(person_ids: Iterable[int]) -> int:
    """Make rights of these persons' deposits not read before: call it before reading a
    person's rights (:func:`llo.accounts.lines.claim`)."""
    return lines.claim(person_ids)


def claim_deposits(deposit_ids: Sequence[int], *, ending_before: dt.date | None = None) -> int:
    """Make rights of every line of these deposits not read before (the nightly job, a
    funder's export; :func:`llo.accounts.lines.claim_deposits`)."""
    return lines.claim_deposits(deposit_ids, ending_before=ending_before)


def claim_budgets(budget_ids: Iterable[int]) -> int:
    return lines.claim_deposits(lines.deposit_ids(budget_ids))


def parse_csv_rows(text: str) -> tuple[list[DepositRow], list[csvfile.RowError]]:
    return csvfile.parse(text)


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
    """A deposit file (see :mod:`llo.accounts.csvfile`): every bad line and field named."""
    rows, errors = parse_csv_rows(text)
    if errors and (mode == BulkMode.ALL_OR_NOTHING or not rows):
        # Also report persons we do not know, so the funder fixes the file in one go.
        _resolved, unknown = _resolve_persons(rows, lambda row, what: what)
        errors = sorted([*errors, *unknown], key=lambda e: (e.line, e.field))
        raise Problem(
            400,
            _("%(count)s lines have errors. Nothing was deposited. Correct them and try again.")
            % {"count": len({e.line for e in errors})},
            code="invalid-rows",
            invalid_params=[
                InvalidParam(f"line {e.line}: {e.field}", e.reason, "row") for e in errors
            ],
        )
    return bulk_deposit(
        actor=actor,
        budget=budget,
        rows=rows,
        on=on,
        idempotency_key=idempotency_key,
        mode=mode,
        progress=progress,
        chunk=chunk,
        pre_errors=errors,
    )


def register_information_right(
    *,
    actor: audit.Actor,
    person: Person,
    funder: Funder,
    kind: str,
    text: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    amount_cents: int | None = None,
) -> Right:
    """A right shown for information only: room to borrow (levenlanglerenkrediet) or the
    remaining right to publicly funded education (seed 002: the overview shows "onbenutte
    rechten op bekostigd onderwijs" and loans beside the budgets). No money in the ledger."""
    if kind not in {RightKind.DRAWING_RIGHT, RightKind.LOAN_CAPACITY}:
        raise invalid(
            _("Only drawing rights and loan room are for information."),
            [InvalidParam("kind", _("drawing_right or loan_capacity"), "enum")],
        )
    if amount_cents is not None:
        check_cents(amount_cents, "infoAmountCents")
    with transaction.atomic():
        right = Right.objects.create(
            person=person,
            funder=funder,
            kind=kind,
            info_amount_cents=amount_cents,
            info_text=text[:300],
            valid_from=valid_from,
            valid_until=valid_until,
            portability=Portability.PERSON,
        )
        audit.record(
            actor=actor, action="right.registered", subject=right, after=audit.snapshot(right)
        )
    return right


# --- reservations, payments ----------------------------------------------------------------


def _open_right(right: Right, on: dt.date, actor: audit.Actor) -> int:
    """The right's own ledger account, made the first time its money moves: its deposit
    moves from the budget's pool into it (one ``deposit`` transaction). Returns the account
    id. Runs inside the caller's transaction; the right's row is locked while it opens, so
    two requests cannot open it twice."""
    if right.account_id is not None:
        return right.account_id
    # FOR NO KEY UPDATE: the lock an update of the row takes anyway; it does not wait for
    # the key-share locks that rows pointing at this right take (a plain FOR UPDATE would,
    # and deadlock with them).
    locked = (
        Right.objects.select_for_update(of=("self",), no_key=True)
        .select_related("budget")
        .get(pk=right.pk)
    )
    if locked.account_id is None:
        if locked.deposited_cents is None or locked.budget is None:
            raise Problem(
                422,
                _("This right is shown for information; it holds no money."),
                code="not-spendable",
            )
        cents = locked.deposited_cents if locked.status == RightStatus.ACTIVE else 0
        account = LedgerAccount.objects.create(
            kind=AccountKind.RIGHT, floor_cents=0, balance_cents=cents
        )
        Right.objects.filter(pk=locked.pk).update(account=account)
        if cents:
            pool = locked.budget.pool_account_id
            _post(
                cause=Cause.DEPOSIT,
                key=f"open:right:{locked.pk}",
                request_hash=digest(op="open", right=locked.pk),
                postings=ledger.move(pool, account.pk, cents),
                kinds={pool: AccountKind.POOL, account.pk: AccountKind.RIGHT},
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


def _usable(right: Right, on: dt.date) -> None:
    if not right.spendable:
        raise Problem(
            422, _("This right is shown for information; it holds no money."), code="not-spendable"
        )
    if right.status != RightStatus.ACTIVE:
        raise Problem(422, _("This right can no longer be used."), code="right-not-active")
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


def reserve(
    *,
    actor: audit.Actor,
    right: Right,
    amount_cents: int,
    on: dt.date | None = None,
    provider: Organisation | None = None,
    reference: str = "",
    idempotency_key: str | None = None,
) -> Reservation:
    """Set money of a right aside for one training."""
    cents = check_cents(amount_cents)
    on = on or today()
    key = idempotency_key or new_key("reserve")
    request_hash = digest(
        op="reserve",
        right=right.pk,
        cents=cents,
        on=on,
        provider=provider.pk if provider else None,
        reference=reference,
    )

    if connection.vendor == "postgresql":
        stamp = now()
        row = _fast_path(
            _RESERVE_SQL,
            [key, request_hash, right.pk, cents, on, provider.pk if provider else None,
             reference, actor.name, actor.role, stamp],
        )  # fmt: skip
        outcome = row[0] if row else "replay"
        if outcome == "ok":
            assert row is not None
            return _as_loaded(
                Reservation(
                    pk=row[1],
                    right_id=right.pk,
                    account_id=row[2],
                    provider=provider,
                    reference=reference[:200],
                    amount_cents=cents,
                    status=ReservationStatus.OPEN,
                    created_at=stamp,
                )
            )
        if outcome == "key-reused":
            raise _key_reused()
        if row is not None and outcome == "replay":
            return Reservation.objects.get(pk=row[1])
        # "slow" (or a twin won the race): the path below opens, explains or replays.

    def work() -> Reservation:
        current = Right.objects.get(pk=right.pk)
        _usable(current, on)
        _open_right(current, on, actor)
        assert current.account_id is not None
        account = LedgerAccount.objects.create(
            kind=AccountKind.RESERVATION, floor_cents=0, balance_cents=cents
        )
        reservation = Reservation.objects.create(
            right=current,
            account=account,
            provider=provider,
            reference=reference[:200],
            amount_cents=cents,
        )
        try:
            _post(
                cause=Cause.RESERVATION,
                key=key,
                request_hash=request_hash,
                postings=ledger.move(current.account_id, account.pk, cents),
                kinds={current.account_id: AccountKind.RIGHT, account.pk: AccountKind.RESERVATION},
                actor=actor,
                on=on,
                budget_id=current.budget_id,
                right_id=current.pk,
                reservation_id=reservation.pk,
                preset=frozenset({account.pk}),
            )
        except InsufficientFunds as exc:
            raise _insufficient(exc, _("There is not enough money left in this right.")) from None
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

    result: Reservation = _run_idempotent(key, request_hash, work, replay)
    return result


def _return_target(right: Right, on: dt.date) -> tuple[int, AccountKind]:
    """Where money coming back for a right goes: the right while it can still be used, else
    back to the funder responsible for it."""
    if right.status == RightStatus.ACTIVE and right.is_valid_on(on) and right.account_id:
        return right.account_id, AccountKind.RIGHT
    return _funder_account(right.funder_id, AccountKind.RETURNED).pk, AccountKind.RETURNED


def release(
    *,
    actor: audit.Actor,
    reservation: Reservation,
    amount_cents: int | None = None,
    on: dt.date | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Give reserved money back (all of it by default): to the right, or to the funder if the
    right has expired or moved meanwhile."""
    on = on or today()
    key = idempotency_key or new_key("release")
    request_hash = digest(op="release", reservation=reservation.pk, cents=amount_cents, on=on)

    def work() -> LedgerTransaction:
        # No lock: the conditional update of the reservation's balance is the guard.
        current = Reservation.objects.select_related("right", "account").get(pk=reservation.pk)
        cents = current.account.balance_cents if amount_cents is None else check_cents(amount_cents)
        if cents <= 0:
            raise Problem(422, _("Nothing is reserved any more."), code="nothing-reserved")
        target, kind = _return_target(current.right, on)
        balances: dict[int, int] = {}
        try:
            txn = _post(
                balances=balances,
                cause=Cause.RELEASE,
                key=key,
                request_hash=request_hash,
                postings=ledger.move(current.account_id, target, cents),
                kinds={current.account_id: AccountKind.RESERVATION, target: kind},
                actor=actor,
                on=on,
                budget_id=current.right.budget_id,
                right_id=current.right_id,
                reservation_id=current.pk,
            )
        except InsufficientFunds as exc:
            raise _insufficient(
                exc, _("Less money is reserved than you want to release.")
            ) from None
        _close_if_empty(current, balances[current.account_id])
        audit.record(
            actor=actor,
            action="reservation.released",
            subject=current,
            after={"amount_cents": cents, "to": kind.value},
        )
        return txn

    result: LedgerTransaction = _run_idempotent(key, request_hash, work, lambda txn: txn)
    return result


def _close_if_empty(reservation: Reservation, balance: int) -> None:
    """A reservation whose money is all paid or released is settled."""
    if balance == 0 and reservation.status != ReservationStatus.CLOSED:
        Reservation.objects.filter(pk=reservation.pk).update(status=ReservationStatus.CLOSED)


def pay_provider(
    *,
    actor: audit.Actor,
    reservation: Reservation,
    amount_cents: int | None = None,
    provider: Organisation | None = None,
    on: dt.date | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Pay the training provider from a reservation (all that is reserved by default; an
    advance payment is a part)."""
    on = on or today()
    key = idempotency_key or new_key("pay")
    request_hash = digest(
        op="pay",
        reservation=reservation.pk,
        cents=amount_cents,
        on=on,
        provider=provider.pk if provider else None,
    )

    if connection.vendor == "postgresql":
        stamp = now()
        row = _fast_path(
            _PAY_SQL,
            [key, request_hash, reservation.pk, amount_cents, on,
             provider.pk if provider else None, actor.name, actor.role, stamp],
        )  # fmt: skip
        outcome = row[0] if row else "replay"
        if outcome == "ok":
            assert row is not None
            return _as_loaded(
                LedgerTransaction(
                    pk=row[1],
                    idempotency_key=key,
                    request_hash=request_hash,
                    cause=Cause.PAYMENT.value,
                    effective_date=on,
                    created_at=stamp,
                    actor=actor.name,
                    memo=f"to provider {row[3]}",
                    budget_id=row[4],
                    right_id=reservation.right_id,
                    reservation_id=reservation.pk,
                    count=1,
                    amount_cents=row[2],
                )
            )
        if outcome == "key-reused":
            raise _key_reused()
        if row is not None and outcome == "replay":
            return LedgerTransaction.objects.get(pk=row[1])

    def work() -> LedgerTransaction:
        # No lock: the conditional update of the reservation's balance is the guard.
        current = Reservation.objects.select_related("right", "account", "provider").get(
            pk=reservation.pk
        )
        payee = provider or current.provider
        if payee is None:
            raise invalid(
                _("Say which training provider is paid."),
                [InvalidParam("provider", _("required"), "required")],
            )
        cents = current.account.balance_cents if amount_cents is None else check_cents(amount_cents)
        if cents <= 0:
            raise Problem(422, _("Nothing is reserved any more."), code="nothing-reserved")
        account = _provider_account(payee)

        def settle(balances: dict[int, int]) -> None:
            _close_if_empty(current, balances[current.account_id])
            audit.record(
                actor=actor,
                action="reservation.paid",
                subject=current,
                after={"amount_cents": cents, "provider": payee.pk},
            )

        try:
            return _post(
                before_shared=settle,
                cause=Cause.PAYMENT,
                key=key,
                request_hash=request_hash,
                postings=ledger.move(current.account_id, account.pk, cents),
                kinds={
                    current.account_id: AccountKind.RESERVATION,
                    account.pk: AccountKind.PROVIDER,
                },
                actor=actor,
                on=on,
                budget_id=current.right.budget_id,
                right_id=current.right_id,
                reservation_id=current.pk,
                memo=f"to provider {payee.pk}",
            )
        except InsufficientFunds as exc:
            raise _insufficient(exc, _("Less money is reserved than you want to pay.")) from None

    result: LedgerTransaction = _run_idempotent(key, request_hash, work, lambda txn: txn)
    return result


def paid_for(reservation: Reservation) -> int:
    """What the provider got for a reservation, net of claw-backs."""
    sums = dict(
        LedgerTransaction.objects.filter(
            reservation=reservation, cause__in=[Cause.PAYMENT, Cause.CLAW_BACK]
        )
        .values_list("cause")
        .annotate(total=Sum("amount_cents"))
    )
    return int(sums.get(Cause.PAYMENT.value, 0)) - int(sums.get(Cause.CLAW_BACK.value, 0))


def claw_back(
    *,
    actor: audit.Actor,
    reservation: Reservation,
    amount_cents: int,
    on: dt.date | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Take money back from the provider (drop-out, under 80 % attendance): to the right, or to
    the funder if the right can no longer be used."""
    cents = check_cents(amount_cents)
    on = on or today()
    key = idempotency_key or new_key("clawback")
    request_hash = digest(op="claw_back", reservation=reservation.pk, cents=cents, on=on)

    def work() -> LedgerTransaction:
        current = (
            Reservation.objects.select_for_update(of=("self",))
            .select_related("right")
            .get(pk=reservation.pk)
        )
        paid = paid_for(current)
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
        target, kind = _return_target(current.right, on)
        try:
            txn = _post(
                cause=Cause.CLAW_BACK,
                key=key,
                request_hash=request_hash,
                postings=ledger.move(provider_account, target, cents),
                kinds={provider_account: AccountKind.PROVIDER, target: kind},
                actor=actor,
                on=on,
                budget_id=current.right.budget_id,
                right_id=current.right_id,
                reservation_id=current.pk,
            )
        except InsufficientFunds as exc:
            raise _insufficient(exc, _("The provider account has less money than this.")) from None
        audit.record(
            actor=actor,
            action="reservation.clawed_back",
            subject=current,
            after={"amount_cents": cents, "to": kind.value},
        )
        return txn

    result: LedgerTransaction = _run_idempotent(key, request_hash, work, lambda txn: txn)
    return result


def _close_right(
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


def return_to_budget(
    *, actor: audit.Actor, right: Right, on: dt.date, idempotency_key: str | None = None
) -> int:
    """Give a right back whole to the budget it came from: all its money goes to the budget
    (a right never used is opened first, like any other movement), and the right is closed.
    For a window grant that was cancelled: the money comes free for the next on the waiting
    list. Reserve and release first; returns the cents given back."""
    key = idempotency_key or f"return:right:{right.pk}"
    request_hash = digest(op="return", right=right.pk)

    def work() -> int:
        current = (
            Right.objects.select_for_update(of=("self",), no_key=True)
            .select_related("budget")
            .get(pk=right.pk)
        )
        if current.status != RightStatus.ACTIVE or current.budget is None:
            raise Problem(422, _("This right can no longer be used."), code="right-not-active")
        budget = current.budget
        source = _open_right(current, on, actor)
        cents = (
            LedgerAccount.objects.select_for_update(no_key=True)
            .values_list("balance_cents", flat=True)
            .get(pk=source)
        )
        if cents > 0:
            _post(
                cause=Cause.RETURN,
                key=key,
                request_hash=request_hash,
                postings=ledger.move(source, budget.account_id, cents),
                kinds={source: AccountKind.RIGHT, budget.account_id: AccountKind.BUDGET},
                actor=actor,
                on=on,
                budget_id=budget.pk,
                right_id=current.pk,
                memo="given back to the budget",
            )
        _close_right(actor, current, RightStatus.BACK_TO_BUDGET, "right.returned_to_budget", cents)
        return cents

    def replay(txn: LedgerTransaction) -> int:
        return int(txn.amount_cents)

    result: int = _run_idempotent(key, request_hash, work, replay)
    return result


# --- expiry ----------------------------------------------------------------------------------


@dataclass
class ExpiryReport:
    rights: int = 0
    budgets: int = 0
    returned_cents: int = 0


def expire_right(*, actor: audit.Actor, right: Right, on: dt.date) -> int:
    """Expire one right whose last day has passed; its money goes back to the funder.
    Returns the cents returned. Idempotent: a right expires once."""
    key = f"expiry:right:{right.pk}"

    def work() -> int:
        current = Right.objects.select_for_update().get(pk=right.pk)
        if (
            current.status != RightStatus.ACTIVE
            or current.valid_until is None
            or current.valid_until >= on
        ):
            return 0
        returned = 0
        if current.spendable:
            _open_right(current, on, actor)  # rights never used expire in bulk: expire_unused
        if current.account_id is not None:
            balance = (
                LedgerAccount.objects.select_for_update()
                .values_list("balance_cents", flat=True)
                .get(pk=current.account_id)
            )
            if balance > 0:
                target = _funder_account(current.funder_id, AccountKind.RETURNED)
                _post(
                    cause=Cause.EXPIRY,
                    key=key,
                    request_hash=digest(op="expire-right", right=current.pk),
                    postings=ledger.move(current.account_id, target.pk, balance),
                    kinds={current.account_id: AccountKind.RIGHT, target.pk: AccountKind.RETURNED},
                    actor=actor,
                    on=on,
                    budget_id=current.budget_id,
                    right_id=current.pk,
                )
                returned = balance
        _close_right(actor, current, RightStatus.EXPIRED, "right.expired", returned)
        return returned

    result: int = _run_idempotent(
        key, digest(op="expire-right", right=right.pk), work, lambda txn: 0
    )
    return result


def expire_budget(*, actor: audit.Actor, budget: Budget, on: dt.date) -> int:
    """After its period, what a budget did not give out goes back to the funder."""
    key = f"expiry:budget:{budget.pk}"
    request_hash = digest(op="expire-budget", budget=budget.pk)

    def work() -> int:
        current = Budget.objects.get(pk=budget.pk)
        if current.period_end >= on:
            return 0
        balance = (
            LedgerAccount.objects.select_for_update()
            .values_list("balance_cents", flat=True)
            .get(pk=current.account_id)
        )
        if balance <= 0:
            return 0
        target = _funder_account(current.funder_id, AccountKind.RETURNED)
        _post(
            cause=Cause.EXPIRY,
            key=key,
            request_hash=request_hash,
            postings=ledger.move(current.account_id, target.pk, balance),
            kinds={current.account_id: AccountKind.BUDGET, target.pk: AccountKind.RETURNED},
            actor=actor,
            on=on,
            budget_id=current.pk,
        )
        audit.record(
            actor=actor, action="budget.expired", subject=current, after={"returned_cents": balance}
        )
        return balance

    result: int = _run_idempotent(key, request_hash, work, lambda txn: 0)
    return result


def expire_unused(*, actor: audit.Actor, budget_id: int, on: dt.date) -> tuple[int, int]:
    """Expire, in one statement, every right of a budget past its last day that was never
    used (it has no account of its own, or is still a deposit line): their deposits go from
    the pool back to the funder in one transaction. Returns (rights, cents). Running it again
    finds nothing more to do."""
    key = f"expiry:unused:{budget_id}:{on.isoformat()}"
    request_hash = digest(op="expire-unused", budget=budget_id, on=on)

    def work() -> tuple[int, int]:
        budget = Budget.objects.select_for_update().get(pk=budget_id)
        # Deposit lines past their last day become rights first, as a read would make them.
        lines.claim_deposits(lines.deposit_ids([budget_id]), ending_before=on)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {RIGHTS} SET status = %s WHERE budget_id = %s AND status = %s "  # noqa: S608
                "AND account_id IS NULL AND deposited_cents IS NOT NULL AND valid_until < %s "
                "RETURNING deposited_cents",
                [RightStatus.EXPIRED.value, budget_id, RightStatus.ACTIVE.value, on],
            )
            amounts = [row[0] for row in cursor.fetchall()]
        if not amounts:
            return 0, 0
        total = sum(amounts)
        target = _funder_account(budget.funder_id, AccountKind.RETURNED)
        _post(
            cause=Cause.EXPIRY,
            key=key,
            request_hash=request_hash,
            postings=ledger.move(budget.pool_account_id, target.pk, total),
            kinds={budget.pool_account_id: AccountKind.POOL, target.pk: AccountKind.RETURNED},
            actor=actor,
            on=on,
            budget_id=budget_id,
            count=len(amounts),
            memo=f"{len(amounts)} rights never used",
        )
        audit.record(
            actor=actor,
            action="rights.expired_unused",
            subject=budget,
            after={"rights": len(amounts), "returned_cents": total, "on": on},
        )
        return len(amounts), total

    def replay(txn: LedgerTransaction) -> tuple[int, int]:
        return 0, 0  # done before, on the same day

    result: tuple[int, int] = _run_idempotent(key, request_hash, work, replay)
    return result


def rights_to_expire(on: dt.date) -> Iterator[Right]:
    return (
        Right.objects.filter(status=RightStatus.ACTIVE, valid_until__lt=on)
        .order_by("pk")
        .iterator(chunk_size=2000)
    )


def expire_all(
    *, actor: audit.Actor, on: dt.date, progress: Callable[[int], None] | None = None
) -> ExpiryReport:
    """Expire every right past its last day and every budget past its period, each in its own
    transaction (a crash halfway loses nothing; the next run does the rest)."""
    report = ExpiryReport()
    unused = set(
        Right.objects.filter(
            status=RightStatus.ACTIVE,
            valid_until__lt=on,
            account__isnull=True,
            deposited_cents__isnull=False,
        ).values_list("budget_id", flat=True)
    ) | set(
        DepositLine.objects.filter(valid_until__lt=on).values_list("deposit__budget_id", flat=True)
    )
    for budget_id in sorted(b for b in unused if b is not None):
        count, cents = expire_unused(actor=actor, budget_id=budget_id, on=on)
        report.rights += count
        report.returned_cents += cents
        if progress is not None:
            progress(report.rights)
    for right in rights_to_expire(on):
        report.returned_cents += expire_right(actor=actor, right=right, on=on)
        report.rights += 1
        if progress is not None:
            progress(report.rights)
    for budget in Budget.objects.filter(period_end__lt=on, account__balance_cents__gt=0):
        returned = expire_budget(actor=actor, budget=budget, on=on)
        if returned:
            report.budgets += 1
            report.returned_cents += returned
    return report


# --- change of employer (seed 002, the portability of a private learning account) -----------


class TransferOutcome(StrEnum):
    #: 1. The new employer is under the same CAO: the account continues there.
    SAME_CAO = "same_cao"
    #: 2. Another CAO, and both employers agreed to continue the account.
    BY_AGREEMENT = "by_agreement"
    #: 3. No new employer (or no agreement): the person keeps the money for training toward
    #:    a future occupation.
    FUTURE_OCCUPATION = "future_occupation"
    #: The right stays with the employer: its money goes back.
    RETURNED = "returned"
    #: The right was never tied to a job (public money): nothing changes.
    UNCHANGED = "unchanged"


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
    ("Daarnaast bestaat de mogelijkheid om bij het einde van het dienstverband de
    leerrekening mee te nemen naar een nieuwe werkgever"):

    1. same CAO → it continues with the new employer, who takes over the rights and duties;
    2. another CAO → it continues only if the old and new employer agree (``employers_agree``);
    3. no new employer → the person keeps it for training toward a future occupation. We
       apply the same to case 2 without agreement: the money was given to the person, and
       the letter keeps it usable for a future occupation rather than taking it back.

    A right with portability ``none`` goes back to its funder; a right not tied to a job
    (``person``) does not change. The old right is closed and a new right takes its money in
    one ``transfer`` transaction, so the history of both stays intact.
    """
    on = on or today()
    key = idempotency_key or new_key("transfer")
    request_hash = digest(
        op="transfer",
        right=right.pk,
        employment=new_employment.pk if new_employment else None,
        agree=employers_agree,
        on=on,
    )

    def work() -> TransferResult:
        current = (
            Right.objects.select_for_update(of=("self",)).select_related("funder").get(pk=right.pk)
        )
        if current.status != RightStatus.ACTIVE:
            raise Problem(422, _("This right can no longer be used."), code="right-not-active")
        if current.portability == Portability.PERSON or not current.spendable:
            return TransferResult(TransferOutcome.UNCHANGED, current, None)
        _open_right(current, on, actor)
        assert current.account_id is not None
        balance = (
            LedgerAccount.objects.select_for_update()
            .values_list("balance_cents", flat=True)
            .get(pk=current.account_id)
        )
        if current.portability == Portability.NONE:
            outcome = TransferOutcome.RETURNED
        elif new_employment is not None and current.cao and new_employment.cao == current.cao:
            outcome = TransferOutcome.SAME_CAO
        elif new_employment is not None and employers_agree:
            outcome = TransferOutcome.BY_AGREEMENT
        else:
            outcome = TransferOutcome.FUTURE_OCCUPATION
        txn_id: int | None = None
        if outcome == TransferOutcome.RETURNED:
            target = _funder_account(current.funder_id, AccountKind.RETURNED)
            if balance > 0:
                txn_id = _post(
                    cause=Cause.TRANSFER,
                    key=key,
                    request_hash=request_hash,
                    postings=ledger.move(current.account_id, target.pk, balance),
                    kinds={current.account_id: AccountKind.RIGHT, target.pk: AccountKind.RETURNED},
                    actor=actor,
                    on=on,
                    budget_id=current.budget_id,
                    right_id=current.pk,
                    memo="not portable: back to the funder",
                ).pk
            Right.objects.filter(pk=current.pk).update(status=RightStatus.RETURNED)
            new_right = current
        else:
            funder_id = current.funder_id
            employment = None
            cao = ""
            conditions = current.conditions
            portability = current.portability
            if outcome in (TransferOutcome.SAME_CAO, TransferOutcome.BY_AGREEMENT):
                assert new_employment is not None
                funder_id = ensure_funder(new_employment.employer).pk
                employment, cao = new_employment, new_employment.cao
            else:
                try:
                    conditions = (
                        Conditions.from_dict(current.conditions)
                        .narrowed_to_purpose("switch")
                        .to_dict()
                    )
                except ConditionsError:  # pragma: no cover - stored conditions were validated
                    conditions = {**current.conditions, "purposes": ["switch"]}
                portability = Portability.PERSON
            account = LedgerAccount.objects.create(
                kind=AccountKind.RIGHT, floor_cents=0, balance_cents=balance
            )
            new_right = Right.objects.create(
                person_id=current.person_id,
                budget_id=current.budget_id,
                funder_id=funder_id,
                kind=current.kind,
                account=account,
                conditions=conditions,
                valid_from=on if on > current.valid_from else current.valid_from,
                valid_until=current.valid_until,
                portability=portability,
                employment=employment,
                cao=cao,
                transferred_from=current,
                deposited_cents=balance or None,
            )
            if balance > 0:
                txn_id = _post(
                    cause=Cause.TRANSFER,
                    key=key,
                    request_hash=request_hash,
                    postings=ledger.move(current.account_id, account.pk, balance),
                    kinds={current.account_id: AccountKind.RIGHT, account.pk: AccountKind.RIGHT},
                    actor=actor,
                    on=on,
                    budget_id=current.budget_id,
                    right_id=new_right.pk,
                    preset=frozenset({account.pk}),
                    memo=outcome.value,
                ).pk
            Right.objects.filter(pk=current.pk).update(status=RightStatus.TRANSFERRED)
        audit.record(
            actor=actor,
            action="right.transferred",
            subject=current,
            after={"outcome": outcome.value, "new_right": new_right.pk, "cents": balance},
        )
        return TransferResult(outcome, new_right, txn_id)

    def replay(txn: LedgerTransaction) -> TransferResult:
        assert txn.right_id is not None
        moved = Right.objects.get(pk=txn.right_id)
        if moved.transferred_from_id is None:
            return TransferResult(TransferOutcome.RETURNED, moved, txn.pk)
        return TransferResult(TransferOutcome(txn.memo), moved, txn.pk)

    result: TransferResult = _run_idempotent(key, request_hash, work, replay)
    return result


# --- reading: balances, checks, use ----------------------------------------------------------


def balance_from_postings(account_id: int) -> int:
    total = Posting.objects.filter(account_id=account_id).aggregate(s=Sum("amount_cents"))["s"]
    return int(total or 0)


@dataclass(frozen=True)
class Mismatch:
    account_id: int
    cached: int
    #: What the cached balance should be: the sum of the account's postings, or for a
    #: budget's pool the deposits of its rights not used yet (``expected`` says which).
    from_postings: int
    expected: str = "sum of postings"


def verify_ledger(account_ids: Iterable[int] | None = None) -> list[Mismatch]:
    """Every account whose cached balance differs from the sum of its postings (should be
    none), plus a pseudo-account 0 if all postings together do not sum to zero."""
    accounts = LedgerAccount.objects.all()
    if account_ids is not None:
        accounts = accounts.filter(pk__in=list(account_ids))
    sums = dict(
        Posting.objects.filter(account__in=accounts)
        .values_list("account_id")
        .annotate(s=Sum("amount_cents"))
    )
    problems = [
        Mismatch(pk, cached, int(sums.get(pk, 0)))
        for pk, cached in accounts.values_list("pk", "balance_cents")
        if cached != int(sums.get(pk, 0))
    ]
    pools = dict(
        Budget.objects.filter(pool_account__in=accounts).values_list("pk", "pool_account_id")
    )
    if pools:
        waiting = dict(
            Right.objects.filter(
                budget_id__in=list(pools),
                account__isnull=True,
                status=RightStatus.ACTIVE,
                deposited_cents__isnull=False,
            )
            .values_list("budget_id")
            .annotate(s=Sum("deposited_cents"))
        )
        for budget_id, cents in (
            DepositLine.objects.filter(deposit__budget_id__in=list(pools))
            .values_list("deposit__budget_id")
            .annotate(s=Sum("cents"))
        ):
            waiting[budget_id] = waiting.get(budget_id, 0) + cents
        cached = dict(accounts.filter(pk__in=pools.values()).values_list("pk", "balance_cents"))
        for budget_id, pool in pools.items():
            # A pool holds exactly the deposits of the budget's rights not yet used (and of
            # its deposit lines, which are rights not read yet).
            if cached[pool] != int(waiting.get(budget_id, 0)):
                problems.append(
                    Mismatch(pool, cached[pool], int(waiting.get(budget_id, 0)), "unused deposits")
                )
    if account_ids is None:
        grand = Posting.objects.aggregate(s=Sum("amount_cents"))["s"] or 0
        if grand != 0:
            problems.append(Mismatch(0, 0, int(grand)))
    return problems


@dataclass(frozen=True)
class BudgetUse:
    """Where the money of one budget is now; the parts add up to ``total``."""

    total: int
    left: int
    in_rights: int
    reserved: int
    paid: int
    returned: int
    deposited: int
    persons: int
    rights: int
    expiring_soon: int


def budget_use(budget: Budget, on: dt.date | None = None, soon_days: int = 90) -> BudgetUse:
    on = on or today()
    left, pool = (
        LedgerAccount.objects.filter(pk=budget.account_id).values_list("balance_cents").get()[0],
        LedgerAccount.objects.filter(pk=budget.pool_account_id)
        .values_list("balance_cents", flat=True)
        .get(),
    )
    rights = Right.objects.filter(budget=budget)
    pending = lines.pending(lines.deposit_ids([budget.pk]))  # rights not read yet
    opened = rights.filter(account__isnull=False)
    in_rights = pool + (opened.aggregate(s=Sum("account__balance_cents"))["s"] or 0)
    reserved = (
        LedgerAccount.objects.filter(reservation__right__budget=budget).aggregate(
            s=Sum("balance_cents")
        )["s"]
        or 0
    )
    by_cause = dict(
        LedgerTransaction.objects.filter(budget=budget)
        .values_list("cause")
        .annotate(s=Sum("amount_cents"))
    )
    returned = (
        Posting.objects.filter(
            transaction__budget=budget, account__kind=AccountKind.RETURNED
        ).aggregate(s=Sum("amount_cents"))["s"]
        or 0
    )
    soon_day = on + dt.timedelta(days=soon_days)
    soon = (
        (
            opened.filter(status=RightStatus.ACTIVE, valid_until__lte=soon_day).aggregate(
                s=Sum("account__balance_cents")
            )["s"]
            or 0
        )
        + (
            rights.filter(
                status=RightStatus.ACTIVE, account__isnull=True, valid_until__lte=soon_day
            ).aggregate(s=Sum("deposited_cents"))["s"]
            or 0
        )
        + (pending.filter(valid_until__lte=soon_day).aggregate(s=Sum("cents"))["s"] or 0)
    )
    deposits = LedgerTransaction.objects.filter(
        budget=budget, cause=Cause.DEPOSIT, postings__account_id=budget.account_id
    )
    return BudgetUse(
        total=budget.total_cents,
        left=int(left),
        in_rights=int(in_rights),
        reserved=int(reserved),
        paid=int(by_cause.get(Cause.PAYMENT.value, 0))
        - int(by_cause.get(Cause.CLAW_BACK.value, 0)),
        returned=int(returned),
        deposited=int(deposits.aggregate(s=Sum("amount_cents"))["s"] or 0),
        persons=rights.values("person_id").union(pending.values("person_id")).count(),
        rights=rights.filter(transferred_from__isnull=True).count() + pending.count(),
        expiring_soon=int(soon),
    )


def use_by_employer(budget: Budget) -> list[tuple[str, int, int]]:
    """(employer, persons, cents deposited) per employer of the persons: an O&O fund sees use
    per member firm (JOURNEYS.md)."""
    deposits = lines.deposit_ids([budget.pk]) or [0]
    marks = ", ".join(["%s"] * len(deposits))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.name, COUNT(DISTINCT u.person_id), SUM(u.cents) FROM ("  # noqa: S608
            f"SELECT person_id, employment_id, deposited_cents AS cents FROM {RIGHTS} "
            "WHERE budget_id = %s AND transferred_from_id IS NULL "
            f"UNION ALL SELECT person_id, employment_id, cents FROM {lines.LINES} "
            f"WHERE deposit_id IN ({marks})"
            ") u LEFT JOIN people_employment e ON e.id = u.employment_id "
            "LEFT JOIN people_organisation o ON o.id = e.employer_id "
            "GROUP BY o.name ORDER BY o.name",
            [budget.pk, *deposits],
        )
        rows = cursor.fetchall()
    return [(name or _("No employer known"), int(p), int(c or 0)) for name, p, c in rows]


def right_balances(rights: Iterable[Right]) -> dict[int, int]:
    """Right id → the money in it now (spendable rights only), in one query."""
    rights = list(rights)
    ids = [r.account_id for r in rights if r.account_id]
    opened = dict(LedgerAccount.objects.filter(pk__in=ids).values_list("pk", "balance_cents"))
    balances: dict[int, int] = {}
    for r in rights:
        if r.account_id:
            balances[r.pk] = int(opened[r.account_id])
        elif r.deposited_cents is not None:
            balances[r.pk] = r.deposited_cents if r.status == RightStatus.ACTIVE else 0
    return balances


def reach_of(funder: Funder, on: dt.date | None = None) -> Any:
    """The persons a funder may pick from in its pages: an employer its employees, a sector
    fund the workers in its sector, a municipality its residents, UWV job seekers."""
    on = on or today()
    org = funder.organisation
    persons = Person.objects.all()
    active = Q(employments__start__lte=on) & (
        Q(employments__end__isnull=True) | Q(employments__end__gte=on)
    )
    if funder.kind == "employer":
        return persons.filter(active, employments__employer=org).distinct().order_by("display_name")
    if funder.kind == "sector_fund":
        return (
            persons.filter(active, employments__sector=org.sector)
            .distinct()
            .order_by("display_name")
        )
    if funder.kind == "municipality" and org.gemeente_id:
        return persons.filter(gemeente_id=org.gemeente_id).order_by("display_name")
    if funder.kind == "uwv":
        return persons.filter(labour_position__in=["job_seeker", "on_benefit"]).order_by(
            "display_name"
        )
    return persons.none()
