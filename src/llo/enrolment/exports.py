# SPDX-License-Identifier: EUPL-1.2
"""The spending register as open data: CSV and JSON with the same columns (camelCase, as the
API), one row per provider and offer, a suppressed cell empty (CSV) or null (JSON). The CSV is
written by the one CSV writer (``llo.core.csvio``): an offer or provider name that starts
like a spreadsheet formula is neutralised (issue 14, finding 4)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from llo.core import csvio
from llo.enrolment.selectors import SpendingRow
from llo.enrolment.suppression import THRESHOLD

#: The columns of the open-data CSV of the spending register.
SPENDING_COLUMNS = ("year", "provider", "providerId", "offer", "offerId", "grants", "amountCents")


def spending_records(rows: Sequence[SpendingRow]) -> list[dict[str, Any]]:
    """The rows as JSON objects (every column but the year, which the document states once)."""
    return [
        {
            "provider": r.provider,
            "providerId": r.provider_id,
            "offer": r.offer,
            "offerId": r.offer_id,
            "grants": r.grants,
            "amountCents": r.amount_cents,
            "suppressed": r.suppressed,
        }
        for r in rows
    ]


def spending_csv_lines(year: int, rows: Sequence[SpendingRow]) -> Iterator[str]:
    """Open data as CSV (commas, no byte order mark: the usual form of open data): one row
    per provider and offer; a suppressed cell is empty."""
    return csvio.Writer(",").lines(
        [*SPENDING_COLUMNS, "suppressed"],
        (
            [
                year,
                *(r[column] for column in SPENDING_COLUMNS[1:]),
                "true" if r["suppressed"] else "false",
            ]
            for r in spending_records(rows)
        ),
    )


def spending_csv_text(year: int, rows: Sequence[SpendingRow]) -> str:
    """The whole open-data CSV as one text."""
    return "".join(spending_csv_lines(year, rows))


def spending_json(year: int, rows: Sequence[SpendingRow]) -> dict[str, Any]:
    """Open data as one JSON document: the year, the suppression threshold and the rows."""
    return {"year": year, "threshold": THRESHOLD, "rows": spending_records(rows)}
