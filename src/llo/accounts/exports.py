# SPDX-License-Identifier: EUPL-1.2
"""Output formats of learning accounts: the funder's export of a budget's rights as CSV
(semicolons, UTF-8 with BOM, decimal commas: it opens as it should in Dutch Excel), written
by the one CSV writer (``llo.core.csvio``): a person's display name that starts like a
formula is neutralised (issue 14, finding 4)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from llo.accounts.selectors import ExportRow
from llo.core import csvio

#: The columns of a budget's export, in order.
BUDGET_COLUMNS = (
    "right",
    "person_id",
    "name",
    "kind",
    "status",
    "valid_from",
    "valid_until",
    "deposited",
    "balance",
    "reserved",
    "cao",
)


def budget_csv(rows: Iterable[ExportRow]) -> Iterator[str]:
    """The lines of a budget's export, the header first (after a BOM)."""
    return csvio.Writer(";").lines(BUDGET_COLUMNS, (_cells(row) for row in rows), bom=True)


def _cells(row: ExportRow) -> list[csvio.Cell]:
    r = row.right
    return [
        r.pk,
        r.person_id,
        row.name,
        r.kind,
        r.status,
        r.valid_from,
        r.valid_until,
        euros(r.deposited_cents or 0),
        euros(r.balance_cents or 0),
        euros(row.reserved_cents),
        r.cao,
    ]


def euros(cents: int) -> str:
    """Plain euros with a decimal comma for spreadsheets: 1234,50."""
    return f"{cents // 100},{cents % 100:02d}" if cents >= 0 else f"-{euros(-cents)}"
