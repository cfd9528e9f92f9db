# SPDX-License-Identifier: EUPL-1.2
"""The notifications' SQL (decision 007: SQL lives in an app's store): many notifications
written by the database from a query (issue 18)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection

from llo.notifications.models import Address, EmailState, Notification


def json_object_sql(*pairs: tuple[str, str]) -> str:
    """A JSON object built in the database from (key, SQL expression) pairs, as the
    ``params`` column of :func:`insert_from_query` takes it (jsonb on PostgreSQL, text on
    SQLite). The keys are the caller's own words, never a user's."""
    func = "jsonb_build_object" if connection.vendor == "postgresql" else "json_object"
    args = ", ".join(f"'{key}', {expr}" for key, expr in pairs)
    return f"{func}({args})"


def insert_from_query(
    *,
    topic: str,
    message: str,
    query: str,
    params: Sequence[Any],
    email: bool,
    at: dt.datetime,
    send_at_once: int,
) -> tuple[int, list[int]]:
    """One ``INSERT ... SELECT`` of a notification per row of ``query`` (columns
    ``person_id``, ``params``, ``link``, ``subject_type``, ``subject_id``), each recipient's
    e-mail address joined here (pending when there is one and ``email``). Returns how many
    were written and the ids of the first ``send_at_once`` to e-mail."""
    table = Notification._meta.db_table
    address = Address._meta.db_table
    mail = "a.email IS NOT NULL AND a.email <> ''" if email else "1 = 0"
    pending, none = EmailState.PENDING.value, EmailState.NONE.value
    insert = (
        f"INSERT INTO {table} (topic, message, params, link, subject_type, subject_id, "  # noqa: S608
        "created_at, read_at, email_to, email_state, email_attempts, emailed_at, email_error, "
        "organisation_id, person_id) "
        "SELECT %s, %s, q.params, q.link, q.subject_type, q.subject_id, %s, NULL, "
        f"CASE WHEN {mail} THEN a.email ELSE '' END, "
        f"CASE WHEN {mail} THEN '{pending}' ELSE '{none}' END, 0, NULL, '', NULL, q.person_id "
        f"FROM ({query}) AS q LEFT JOIN {address} AS a ON a.person_id = q.person_id"
    )
    values = [topic, message, at, *params]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The ids of the mail to send come back from the insert itself.
            cursor.execute(
                f"WITH made AS ({insert} RETURNING id, email_state) "  # noqa: S608
                "SELECT (SELECT count(*) FROM made), "
                "(SELECT array_agg(id ORDER BY id) FROM (SELECT id FROM made WHERE "
                f"email_state = '{pending}' ORDER BY id LIMIT %s) AS p)",
                [*values, send_at_once],
            )
            count, first = cursor.fetchone()
            return int(count), [int(i) for i in first or []]
        # SQLite writes one transaction at a time: the ids after the highest one are ours.
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # noqa: S608
        top = int(cursor.fetchone()[0])
        cursor.execute(insert, values)
        count = cursor.rowcount
        cursor.execute(
            f"SELECT id FROM {table} WHERE id > %s AND email_state = %s "  # noqa: S608
            "ORDER BY id LIMIT %s",
            [top, pending, send_at_once],
        )
        return int(count), [int(r[0]) for r in cursor.fetchall()]
