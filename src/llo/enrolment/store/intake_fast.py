# SPDX-License-Identifier: EUPL-1.2
"""PostgreSQL: a window application in one round trip (``sql/window_intake.sql``, decision
013). The function answers with an outcome:

* ``"ok"``: the entry was written now (with its audit row);
* ``"replay"``: this person sent this Idempotency-Key and request before: the first entry;
* ``"slow"``: the Python path must do it (SQLite; anything but the common case: it explains
  what is wrong with the same problem as always).

The statement is sent through a server-bound cursor, so PostgreSQL binds the values and the
connection prepares the statement once (``prepare_threshold`` in settings), as the ledger's
fast path does (decision 006). Decides nothing: the function and its caller do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections

SUBMIT_SQL = (
    "SELECT outcome, entry_id, entry_outcome FROM "
    "llo_window_submit(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


class Answer(NamedTuple):
    outcome: str
    entry_id: int | None
    entry_outcome: str


def available() -> bool:
    return connection.vendor == "postgresql"


def submit(
    *, window_id: int, person_id: int, preview_id: int, amount_cents: int, key: str,
    request_hash: str, groups: Sequence[str], active: Sequence[str], actor: str, role: str,
    organisation: str, at: dt.datetime,
) -> Answer:  # fmt: skip
    if not available():
        return Answer("slow", None, "")
    db: Any = connections[DEFAULT_DB_ALIAS]
    db.ensure_connection()
    from django.db.backends.postgresql.base import ServerBindingCursor

    cursor_class: Any = ServerBindingCursor
    with db._prepare_cursor(cursor_class(db.connection)) as cursor:
        cursor.execute(
            SUBMIT_SQL,
            [window_id, person_id, preview_id, amount_cents, key, request_hash, list(groups),
             list(active), actor, role, organisation, at],
        )  # fmt: skip
        row = cursor.fetchone()
    return Answer(str(row[0]), row[1], row[2] or "")
