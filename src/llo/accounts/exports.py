# SPDX-License-Identifier: EUPL-1.2
"""Output formats of learning accounts: the funder's export of a budget's rights as CSV
(semicolons, UTF-8 with BOM, decimal commas: it opens as it should in Dutch Excel)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from llo.accounts.selectors import ExportRow

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


class _Echo:
    """A file that hands back what is written to it: the csv writer then makes one line at a
    time, to stream."""

    def write(self, value: str) -> str:
        return value


def budget_csv(rows: Iterable[ExportRow]) -> Iterator[str]:
    """The lines of a budget's export, the header first (after a BOM)."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(BUDGET_COLUMNS)
    for row in rows:
        r = row.right
        yield writer.writerow(
            [
                r.pk,
                r.person_id,
                r.person.display_name,
                r.kind,
                r.status,
                r.valid_from.isoformat(),
                r.valid_until.isoformat() if r.valid_until else "",
                euros(r.deposited_cents or 0),
                euros(r.balance_cents or 0),
                euros(row.reserved_cents),
                r.cao,
            ]
        )


def euros(cents: int) -> str:
    """Plain euros with a decimal comma for spreadsheets: 1234,50."""
    return f"{cents // 100},{cents % 100:02d}" if cents >= 0 else f"-{euros(-cents)}"
