# SPDX-License-Identifier: EUPL-1.2
"""Deposit lines (:class:`~llo.accounts.models.DepositLine`): what a deposit writes per person,
until the person's rights are first read or moved and the line becomes a right.

Writing: :func:`load_partition` (PostgreSQL, a large deposit: a fresh table loaded by COPY,
indexed after the load, its persons checked with one anti-join, attached as a partition) and
:func:`insert` (everything else); :func:`copy_line_end` ends a line in COPY text. Reading:
:func:`claim` and :func:`claim_deposits` turn lines into rights; :func:`pending` are the lines
of some deposits not claimed yet.

Every reader of a person's rights starts from :func:`llo.accounts.selectors.rights_of`, which
claims first. Claiming is not a change anyone sees: the same right, with the same amount, last
day and deposit, moves from one table into the other, in one transaction. The budget's pool
account holds the money of both, so the ledger does not change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet

from llo.accounts.ledger import Cause
from llo.accounts.models import DepositLine, LedgerTransaction, Right, RightStatus

LINES = DepositLine._meta.db_table
RIGHTS = Right._meta.db_table


def own_partition(count: int) -> bool:
    """Whether a deposit of ``count`` lines gets a partition of its own (PostgreSQL; the
    setting ``LLO_DEPOSIT_PARTITION_MIN``)."""
    return connection.vendor == "postgresql" and count >= settings.LLO_DEPOSIT_PARTITION_MIN


#: The columns of a line in COPY text, in this order; a deposit of employer money adds the
#: job and the CAO (``LINK_COLUMNS``).
COLUMNS = ("person_id", "cents", "valid_until")
LINK_COLUMNS = ("employment_id", "cao")


class Refused(Exception):
    """The database refused the lines as given: an amount, date or person id it cannot read,
    an amount not above 0, a date before the deposit, a person twice or a person the funder
    does not reach. The caller checks the rows one by one to say which lines are wrong."""


def copy_text(value: object) -> str:
    r"""A value in PostgreSQL's COPY text format (``\N`` is NULL)."""
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_line_end(link: tuple[int, str] | None, links: bool) -> str:
    """The end of a deposit line in COPY text: with ``links`` (employer money) the job and CAO
    of ``link``, then the newline."""
    if not links:
        return "\n"
    job, cao = link or (None, None)
    return f"\t{copy_text(job)}\t{copy_text(cao)}\n"


def partition_name(deposit_id: int) -> str:
    return f"{LINES}_{int(deposit_id)}"


def load_partition(
    deposit_id: int,
    on: dt.date,
    texts: Sequence[str],
    *,
    links: bool,
    progress: Callable[[int, int], None] | None = None,
    chunk: int = 10_000,
    reach: tuple[str, Sequence[Any]] | None = None,
) -> None:
    """PostgreSQL: load the lines of one large deposit (``texts``: one line per person in COPY
    text, ending in a newline) into a partition of their own, in the caller's transaction.

    The table is made and filled in the same subtransaction, so COPY may write the rows
    frozen (no later visibility work); its primary key is built after the load from sorted
    input; every person is checked with one anti-join over that key and the persons the
    funder reaches (``reach``: their ids as SQL and parameters; every person when None); the
    deposit id and the last day are checked as table constraints, which also lets the attach
    skip its scan. Raises :class:`Refused` (nothing written) if any of it fails.
    """
    table = partition_name(deposit_id)
    columns = ", ".join(COLUMNS + (LINK_COLUMNS if links else ()))
    try:
        with transaction.atomic(), connection.wrap_database_errors, connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {table} (LIKE {LINES} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            )
            cursor.execute(
                f"ALTER TABLE {table} ALTER deposit_id SET DEFAULT {int(deposit_id)}, "
                f"ADD CONSTRAINT {table}_deposit CHECK (deposit_id = {int(deposit_id)}), "
                f"ADD CONSTRAINT {table}_until CHECK (valid_until >= %s)",
                [on],
            )
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN WITH (FREEZE)") as copy:
                for start in range(0, len(texts), chunk):
                    copy.write("".join(texts[start : start + chunk]))
                    if progress is not None:
                        progress(min(start + chunk, len(texts)), len(texts))
            cursor.execute(f"ALTER TABLE {table} ADD PRIMARY KEY (person_id, deposit_id)")
            persons, params = reach or ("SELECT p.id FROM people_person p", ())
            cursor.execute(
                f"SELECT l.person_id FROM {table} l WHERE NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM ({persons}) AS r (id) WHERE r.id = l.person_id) LIMIT 1",
                list(params),
            )
            if cursor.fetchone() is not None:
                raise Refused
            cursor.execute(
                f"ALTER TABLE {LINES} ATTACH PARTITION {table} FOR VALUES IN ({int(deposit_id)})"
            )
    except DatabaseError as exc:
        raise Refused from exc


Line = tuple[int, int, dt.date, int | None, str | None]


def insert(deposit_id: int, rows: Sequence[Line]) -> None:
    """Write lines (person, cents, valid until, job, CAO) of one deposit whose persons are
    known to exist, in the caller's transaction: on PostgreSQL by COPY into the partitioned
    table (the default partition), on SQLite by one prepared INSERT."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(
                f"COPY {LINES} (deposit_id, person_id, cents, valid_until, employment_id, cao) "
                "FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row((deposit_id, *row))
        return
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {LINES} (deposit_id, person_id, cents, valid_until, employment_id, cao) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [
                (deposit_id, pid, cents, ops.adapt_datefield_value(until), job, cao)
                for pid, cents, until, job, cao in rows
            ],
        )


# --- claiming: lines become rights ------------------------------------------------------------

_CLAIM = f"""
INSERT INTO {RIGHTS} (person_id, deposited_cents, valid_until, employment_id, cao, budget_id,
    funder_id, kind, deposit_id, info_text, conditions, valid_from, portability, status,
    created_at)
SELECT l.person_id, l.cents, l.valid_until,
    (SELECT e.id FROM people_employment e WHERE e.id = l.employment_id), COALESCE(l.cao, ''),
    b.id, b.funder_id, b.right_kind, l.deposit_id, '', b.conditions, t.effective_date,
    b.portability, '{RightStatus.ACTIVE.value}', t.created_at
FROM {LINES} l
JOIN {LedgerTransaction._meta.db_table} t ON t.id = l.deposit_id
JOIN accounts_budget b ON b.id = t.budget_id
WHERE {{where}} AND t.id IN ({{deposits}})
ON CONFLICT DO NOTHING
"""  # noqa: S608 - only table names and fixed conditions are formatted in


def _claim(where: str, params: Sequence[Any], deposits: Sequence[int]) -> int:
    """Move the lines matching ``where`` (on ``l``) of ``deposits`` into rights. Naming the
    deposits lets the database read only their partitions and find each deposit by its key,
    however many transactions the ledger holds. Another request claiming the same lines at the
    same moment waits for the first on the rights' unique (person, deposit) index and then
    inserts nothing; deleting the lines waits the same way."""
    marks = ", ".join(["%s"] * len(deposits))
    where = f"{where} AND l.deposit_id IN ({marks})"
    params = [*params, *deposits]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CLAIM.format(where=where, deposits=marks), [*params, *deposits])
        moved = cursor.rowcount
        cursor.execute(f"DELETE FROM {LINES} AS l WHERE {where}", params)  # noqa: S608
    return moved


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    size = 500 if connection.vendor == "sqlite" else 50_000
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def claim(person_ids: Iterable[int]) -> int:
    """Make rights of every line of these persons. Returns how many rights were made."""
    ids = sorted({int(p) for p in person_ids})
    made = 0
    for part in _chunks(ids):
        params: list[Any]
        if connection.vendor == "postgresql":
            where, params = "l.person_id = ANY(%s)", [list(part)]
        else:
            where, params = f"l.person_id IN ({', '.join(['%s'] * len(part))})", list(part)
        # First which deposits they have lines in: usually none, and then this one look-up is
        # all a read costs.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT l.deposit_id FROM {LINES} l WHERE {where}", params)  # noqa: S608
            deposits = sorted(row[0] for row in cursor.fetchall())
        if deposits:
            made += _claim(where, params, deposits)
    return made


def deposit_ids(budget_ids: Iterable[int]) -> list[int]:
    """The deposits (ledger transactions) that wrote lines for these budgets."""
    return list(
        LedgerTransaction.objects.filter(
            budget_id__in=list(budget_ids), cause=Cause.DEPOSIT, right__isnull=True
        ).values_list("pk", flat=True)
    )


def claim_deposits(deposits: Sequence[int], *, ending_before: dt.date | None = None) -> int:
    """Make rights of every line of these deposits (or only those whose last day is before
    ``ending_before``): the nightly expiry, a funder's export."""
    made = 0
    for part in _chunks(sorted(deposits)):
        where, params = "TRUE", list[Any]()
        if ending_before is not None:
            where, params = (
                "l.valid_until < %s",
                [connection.ops.adapt_datefield_value(ending_before)],
            )
        made += _claim(where, params, part)
    return made


def claim_budgets(budget_ids: Iterable[int]) -> int:
    """Make rights of every line of these budgets' deposits (a funder's list or export)."""
    return claim_deposits(deposit_ids(budget_ids))


def pending(deposits: Sequence[int]) -> QuerySet[DepositLine]:
    """The lines of these deposits not made into rights yet."""
    return DepositLine.objects.filter(deposit_id__in=list(deposits))


def drop_empty_partitions() -> list[str]:
    """PostgreSQL: drop the partitions of large deposits whose lines have all become rights
    (the nightly job). Returns their names."""
    if connection.vendor != "postgresql":
        return []
    dropped: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s AND c.relname <> %s",
            [LINES, f"{LINES}_small"],
        )
        for (name,) in cursor.fetchall():
            with transaction.atomic():
                # The lock first, so no claim is half-way through this partition.
                cursor.execute(f"LOCK TABLE {name} IN ACCESS EXCLUSIVE MODE")
                cursor.execute(f"SELECT 1 FROM {name} LIMIT 1")  # noqa: S608
                if cursor.fetchone() is None:
                    cursor.execute(f"DROP TABLE {name}")
                    dropped.append(name)
    return dropped
