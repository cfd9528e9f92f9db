# SPDX-License-Identifier: EUPL-1.2
"""PostgreSQL: reserve and pay in one round trip each (``sql/ledger_fast_path.sql``).

The database functions do exactly what the Python path of
:func:`llo.accounts.services.reserve` and :func:`~llo.accounts.services.pay_provider` does
for the common case, in one statement instead of about twenty. Each call answers with an
outcome and, when it did the work or finds it done before, the stored object:

* ``"ok"``: done now; the object is built from what the function returned;
* ``"replay"``: this idempotency key and request were done before (the object is that
  first result), or a twin with the same key committed first (no object: the caller's
  Python path replays it);
* ``"key-reused"``: the key was used before for another request;
* ``"slow"``: the Python path must do it (SQLite; a right not opened or not usable, too
  little money, a provider without an account yet: it explains what is wrong).

bench/ledger measures it (docs/decisions/006-ledger-fast-path-binding.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connection,
    connections,
    transaction,
)

from llo.accounts.ledger import Cause
from llo.accounts.models import LedgerTransaction, Reservation, ReservationStatus
from llo.accounts.store.ledger import as_loaded
from llo.core import audit
from llo.core.timeutil import now
from llo.people.models import Organisation

RESERVE_SQL = "SELECT * FROM llo_ledger_reserve(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
PAY_SQL = "SELECT * FROM llo_ledger_pay(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"


def available() -> bool:
    return connection.vendor == "postgresql"


def reserve(
    *, key: str, request_hash: str, right_id: int, cents: int, on: dt.date,
    provider: Organisation | None, reference: str, actor: audit.Actor,
) -> tuple[str, Reservation | None]:  # fmt: skip
    """Set ``cents`` of a right aside in one round trip: (outcome, the reservation)."""
    stamp = now()
    outcome, row = _run(
        RESERVE_SQL,
        [key, request_hash, right_id, cents, on, provider.pk if provider else None,
         reference, actor.name, actor.role, actor.organisation, stamp],
    )  # fmt: skip
    if outcome == "ok":
        assert row is not None
        made = Reservation(
            pk=row[1],
            right_id=right_id,
            account_id=row[2],
            provider=provider,
            reference=reference[:200],
            amount_cents=cents,
            status=ReservationStatus.OPEN,
            created_at=stamp,
        )
        return outcome, as_loaded(made)
    if row is not None and outcome == "replay":
        return outcome, Reservation.objects.get(pk=row[1])
    return outcome, None


def pay(
    *, key: str, request_hash: str, reservation: Reservation, cents: int | None, on: dt.date,
    provider: Organisation | None, actor: audit.Actor,
) -> tuple[str, LedgerTransaction | None]:  # fmt: skip
    """Pay a provider from a reservation in one round trip (all that is reserved when
    ``cents`` is None): (outcome, the payment's transaction)."""
    stamp = now()
    outcome, row = _run(
        PAY_SQL,
        [key, request_hash, reservation.pk, cents, on,
         provider.pk if provider else None, actor.name, actor.role, actor.organisation, stamp],
    )  # fmt: skip
    if outcome == "ok":
        assert row is not None
        made = LedgerTransaction(
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
        return outcome, as_loaded(made)
    if row is not None and outcome == "replay":
        return outcome, LedgerTransaction.objects.get(pk=row[1])
    return outcome, None


def _run(sql: str, params: Sequence[Any]) -> tuple[str, tuple[Any, ...] | None]:
    """(outcome, the function's row): "slow" without a call on another database."""
    if not available():
        return "slow", None
    row = call(sql, params)
    return (row[0] if row else "replay"), row


def call(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """One ledger function in one round trip: its own transaction, or a savepoint inside the
    caller's. None when a twin request with the same idempotency key committed first.

    The cursor sends the values apart from the statement, so PostgreSQL binds them, and the
    connection prepares the statement once (``prepare_threshold`` in settings): Django's own
    cursors quote the values into the SQL text, which PostgreSQL then parses and plans on every
    call. It is wrapped as Django wraps its cursors, so errors, query logging and tests see it
    as any other."""
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
    except IntegrityError as exc:
        # Only the unique idempotency key means a twin committed first; any other broken
        # constraint is a fault in the function and must not hide behind the Python path.
        if getattr(exc.__cause__, "sqlstate", None) == "23505":
            return None
        raise
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == "LL001":
            return ("slow",)  # undone in the database; the Python path explains
        raise


def _server_bound_cursor(db: Any) -> Any:
    """A psycopg cursor that binds on the server, wrapped as Django wraps its own."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    cursor_class: Any = ServerBindingCursor
    return db._prepare_cursor(cursor_class(db.connection))
