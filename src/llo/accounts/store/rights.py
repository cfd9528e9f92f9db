# SPDX-License-Identifier: EUPL-1.2
"""Set-based SQL over rights: the bulk expiry of rights never used, and use per employer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import connection

from llo.accounts.models import Right, RightStatus
from llo.accounts.store.lines import LINES

RIGHTS = Right._meta.db_table


def expire_never_used(budget_id: int, on: dt.date) -> list[int]:
    """Mark expired, in one statement, every active right of a budget past its last day that
    never had money moved (no account of its own); returns their deposits in cents."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {RIGHTS} SET status = %s WHERE budget_id = %s AND status = %s "  # noqa: S608
            "AND account_id IS NULL AND deposited_cents IS NOT NULL AND valid_until < %s "
            "RETURNING deposited_cents",
            [RightStatus.EXPIRED.value, budget_id, RightStatus.ACTIVE.value, on],
        )
        return [row[0] for row in cursor.fetchall()]


def use_by_employer(budget_id: int, deposits: Sequence[int]) -> list[tuple[str | None, int, int]]:
    """(employer name or None, persons, cents deposited) per employer of the persons a
    budget's rights and the lines of its ``deposits`` were deposited to, by name."""
    deposits = list(deposits) or [0]
    marks = ", ".join(["%s"] * len(deposits))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.name, COUNT(DISTINCT u.person_id), SUM(u.cents) FROM ("  # noqa: S608
            f"SELECT person_id, employment_id, deposited_cents AS cents FROM {RIGHTS} "
            "WHERE budget_id = %s AND transferred_from_id IS NULL "
            f"UNION ALL SELECT person_id, employment_id, cents FROM {LINES} "
            f"WHERE deposit_id IN ({marks})"
            ") u LEFT JOIN people_employment e ON e.id = u.employment_id "
            "LEFT JOIN people_organisation o ON o.id = e.employer_id "
            "GROUP BY o.name ORDER BY o.name",
            [budget_id, *deposits],
        )
        return [(name, int(p), int(c or 0)) for name, p, c in cursor.fetchall()]
