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
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from llo.accounts import csvfile, ledger
from llo.accounts.conditions import Conditions, ConditionsError
from llo.accounts.ledger import AccountKind, Cause, InsufficientFunds
from llo.accounts.models import (
    FUNDER_KIND_OF_ORGANISATION,
    SPENDABLE_KINDS,
    AllocationPolicy,
    Budget,
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
        raise Problem(
            409,
            _("This idempotency key was used before for another request. Use a new key."),
            code="idempotency-key-reused",
        )
    return LedgerTransaction.objects.get(pk=row[0])


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
        account = LedgerAccount.objects.create(
            kind=AccountKind.BUDGET, floor_cents=0, balance_cents=total, funder=funder
        )
        budget = Budget.objects.create(
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


@dataclass(frozen=True)
class DepositRow:
    """One deposit asked for: a person (by id, or by BSN) and an amount."""

    amount_cents: int
    person_id: int | None = None
    bsn: str = ""
    valid_until: dt.date | None = None
    line: int = 0  # line in a file, or index in a list (for error messages)


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


ACCOUNT_COLUMNS = ("id", "kind", "balance_cents", "floor_cents", "funder_id", "organisation_id")
RIGHT_COLUMNS = (
    "person_id", "budget_id", "funder_id", "kind", "account_id", "info_amount_cents", "info_text",
    "conditions", "valid_from", "valid_until", "portability", "employment_id", "cao", "status",
    "transferred_from_id", "created_at",
)  # fmt: skip
POSTING_COLUMNS = ("transaction_id", "account_id", "amount_cents")


def _copy(table: str, columns: Sequence[str], text: str) -> None:
    """PostgreSQL: COPY rows given in COPY text format (the fastest way in)."""
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        copy.write(text)


def _executemany(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """SQLite: one prepared INSERT for many rows."""
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            [tuple(row) for row in rows],
        )


def _allocate_ids(model: type[Any], n: int) -> list[int]:
    """``n`` fresh primary keys for rows inserted by :func:`_insert`."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: this transaction holds the write lock (BEGIN IMMEDIATE), so nobody else can
        # take these ids. AUTOINCREMENT never reuses an id, so start above the highest ever.
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"COALESCE((SELECT MAX(id) FROM {table}), 0))",
            [table],
        )
        start = int(cursor.fetchone()[0]) + 1
        return list(range(start, start + n))


def _write_deposits(
    *,
    actor: audit.Actor,
    budget: Budget,
    persons: Sequence[tuple[int, int, dt.date]],
    on: dt.date,
    key: str,
    request_hash: str,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = CHUNK,
) -> LedgerTransaction:
    """Write rights for (person, cents, valid until) in the current transaction: one ledger
    transaction of N + 1 postings (budget → each right)."""
    total = sum(cents for _p, cents, _u in persons)
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
        memo=f"deposit to {len(persons)} persons",
        budget_id=budget.pk,
        count=len(persons),
        amount_cents=total,
    )
    Posting.objects.create(transaction=txn, account_id=budget.account_id, amount_cents=-total)
    links = _employment_links(budget.funder, on) if budget.portability != Portability.PERSON else {}
    conditions = json.dumps(budget.conditions, sort_keys=True)
    ops = connection.ops
    created = ops.adapt_datetimefield_value(now())
    on_db = ops.adapt_datefield_value(on)
    assert created is not None
    done = 0
    postgres = connection.vendor == "postgresql"
    # Constant columns, escaped once for COPY (DESIGN.md: 100,000 persons "in one go").
    fixed = (budget.pk, budget.funder_id, budget.right_kind, budget.portability)
    cond_text, no_link = _copy_text(conditions), (None, "")
    for start in range(0, len(persons), chunk):
        part = persons[start : start + chunk]
        ids = _allocate_ids(LedgerAccount, len(part))
        pairs = list(zip(ids, part, strict=True))
        if postgres:
            _copy(
                ACCOUNTS,
                ACCOUNT_COLUMNS,
                "".join(f"{aid}\tright\t{cents}\t0\t\\N\t\\N\n" for aid, (_p, cents, _u) in pairs),
            )
            lines = []
            for aid, (pid, _c, until) in pairs:
                job, cao = links.get(pid, no_link)
                lines.append(
                    f"{pid}\t{fixed[0]}\t{fixed[1]}\t{fixed[2]}\t{aid}\t\\N\t\t{cond_text}\t{on}\t"
                    f"{until}\t{fixed[3]}\t{_copy_text(job)}\t{_copy_text(cao)}\tactive\t\\N\t{created}\n"
                )
            _copy(RIGHTS, RIGHT_COLUMNS, "".join(lines))
            _copy(
                POSTINGS,
                POSTING_COLUMNS,
                "".join(f"{txn.pk}\t{aid}\t{cents}\n" for aid, (_p, cents, _u) in pairs),
            )
        else:
            _executemany(
                ACCOUNTS,
                ACCOUNT_COLUMNS,
                [
                    (aid, AccountKind.RIGHT.value, cents, 0, None, None)
                    for aid, (_p, cents, _u) in pairs
                ],
            )
            _executemany(
                RIGHTS,
                RIGHT_COLUMNS,
                [
                    (
                        pid, fixed[0], fixed[1], fixed[2], aid, None, "", conditions, on_db,
                        ops.adapt_datefield_value(until), fixed[3], *links.get(pid, no_link),
                        RightStatus.ACTIVE.value, None, created,
                    )
                    for aid, (pid, _c, until) in pairs
                ],
            )  # fmt: skip
            _executemany(
                POSTINGS, POSTING_COLUMNS, [(txn.pk, aid, cents) for aid, (_p, cents, _u) in pairs]
            )
        done += len(part)
        if progress is not None:
            progress(done, len(persons))
    audit.record(
        actor=actor,
        action="budget.deposited",
        subject=budget,
        after={"transaction": txn.pk, "persons": len(persons), "total_cents": total},
    )
    return txn


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
    """
    on = on or today()
    _check_budget_open(budget, on)
    name = field_name or (lambda row, what: what)

    def param(error: csvfile.RowError) -> str:
        # A file names the line; an API request names the field path (deposits[3].amountCents).
        return error.field if field_name else f"line {error.line}: {error.field}"

    errors: list[csvfile.RowError] = list(pre_errors)
    default_until = add_months(on, budget.right_validity_months)
    for row in rows:
        if (
            isinstance(row.amount_cents, bool)
            or not isinstance(row.amount_cents, int)
            or row.amount_cents <= 0
        ):
            errors.append(
                csvfile.RowError(
                    row.line,
                    name(row, "amount"),
                    _("The amount must be a whole number of cents, more than 0."),
                )
            )
        if row.valid_until is not None and row.valid_until < on:
            errors.append(
                csvfile.RowError(row.line, name(row, "validUntil"), _("This date has passed."))
            )
    resolved, person_errors = _resolve_persons(rows, name)
    errors.extend(person_errors)
    bad_lines = {e.line for e in errors}
    seen: dict[int, int] = {}
    persons: list[tuple[int, int, dt.date]] = []
    for index, row in enumerate(rows):
        pid = resolved.get(index)
        if pid is None or row.line in bad_lines:
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
        persons.append((pid, row.amount_cents, row.valid_until or default_until))
    errors.sort(key=lambda e: (e.line, e.field))
    if errors and mode == BulkMode.ALL_OR_NOTHING:
        raise Problem(
            400,
            _("%(count)s lines have errors. Nothing was deposited. Correct them and try again.")
            % {"count": len({e.line for e in errors})},
            code="invalid-rows",
            invalid_params=[InvalidParam(param(e), e.reason, "row") for e in errors],
        )
    if not persons:
        raise Problem(
            400,
            _("There is nothing to deposit: no line is correct."),
            code="invalid-rows",
            invalid_params=[InvalidParam(param(e), e.reason, "row") for e in errors],
        )
    key = idempotency_key or new_key("deposit")
    request_hash = digest(op="deposit", budget=budget.pk, on=on, persons=persons, mode=mode)

    def work() -> BulkResult:
        fresh = Budget.objects.select_related("account", "funder__organisation").get(pk=budget.pk)
        txn = _write_deposits(
            actor=actor,
            budget=fresh,
            persons=persons,
            on=on,
            key=key,
            request_hash=request_hash,
            progress=progress,
            chunk=chunk,
        )
        return BulkResult(txn.pk, len(persons), txn.amount_cents, errors)

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
    return Right.objects.get(account__postings__transaction_id=result.transaction_id)


def parse_csv_rows(text: str) -> tuple[list[DepositRow], list[csvfile.RowError]]:
    rows, errors = csvfile.parse(text)
    return [
        DepositRow(
            r.amount_cents, person_id=r.person_id, bsn=r.bsn, valid_until=r.valid_until, line=r.line
        )
        for r in rows
    ], errors


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


def _usable(right: Right, on: dt.date) -> None:
    if right.kind not in SPENDABLE_KINDS or right.account_id is None:
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

    def work() -> Reservation:
        current = Right.objects.get(pk=right.pk)
        _usable(current, on)
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
        Right.objects.filter(pk=current.pk).update(status=RightStatus.EXPIRED)
        audit.record(
            actor=actor,
            action="right.expired",
            subject=current,
            before={"status": current.status},
            after={"status": RightStatus.EXPIRED.value, "returned_cents": returned},
        )
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
        if current.portability == Portability.PERSON or current.account_id is None:
            return TransferResult(TransferOutcome.UNCHANGED, current, None)
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
    from_postings: int


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
    left = (
        LedgerAccount.objects.filter(pk=budget.account_id)
        .values_list("balance_cents", flat=True)
        .get()
    )
    rights = Right.objects.filter(budget=budget, account__isnull=False)
    in_rights = rights.aggregate(s=Sum("account__balance_cents"))["s"] or 0
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
    soon = (
        rights.filter(
            status=RightStatus.ACTIVE, valid_until__lte=on + dt.timedelta(days=soon_days)
        ).aggregate(s=Sum("account__balance_cents"))["s"]
        or 0
    )
    return BudgetUse(
        total=budget.total_cents,
        left=int(left),
        in_rights=int(in_rights),
        reserved=int(reserved),
        paid=int(by_cause.get(Cause.PAYMENT.value, 0))
        - int(by_cause.get(Cause.CLAW_BACK.value, 0)),
        returned=int(returned),
        deposited=int(by_cause.get(Cause.DEPOSIT.value, 0)),
        persons=rights.values("person_id").distinct().count(),
        rights=rights.filter(transferred_from__isnull=True).count(),
        expiring_soon=int(soon),
    )


def use_by_employer(budget: Budget) -> list[tuple[str, int, int]]:
    """(employer, persons, cents deposited) per employer of the persons: an O&O fund sees use
    per member firm (JOURNEYS.md)."""
    rows = (
        Right.objects.filter(budget=budget, transferred_from__isnull=True)
        .values_list("employment__employer__name")
        .annotate(
            persons=models_count("person_id"),
            cents=Sum(
                "account__postings__amount_cents",
                filter=Q(account__postings__transaction__cause=Cause.DEPOSIT),
            ),
        )
        .order_by("employment__employer__name")
    )
    return [(name or _("No employer known"), int(p), int(c or 0)) for name, p, c in rows]


def models_count(field_name: str) -> Any:
    from django.db.models import Count

    return Count(field_name, distinct=True)


def right_balances(rights: Iterable[Right]) -> dict[int, int]:
    ids = [r.account_id for r in rights if r.account_id]
    return dict(LedgerAccount.objects.filter(pk__in=ids).values_list("pk", "balance_cents"))


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
