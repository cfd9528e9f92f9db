# SPDX-License-Identifier: EUPL-1.2
"""Small-cell suppression for published figures (DESIGN.md section 4: "published figures
suppress cells under 10 persons").

Primary: a row about fewer than ``threshold`` persons shows neither its count nor its amount.
Complementary: when a total is published and exactly one row of a group is suppressed, the
smallest other row is suppressed as well, so the hidden one cannot be found by subtraction.
Pure: lists of dicts in, lists of dicts out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

THRESHOLD = 10


def suppress(
    rows: Iterable[dict[str, Any]],
    *,
    count_key: str = "grants",
    value_keys: Sequence[str] = ("amountCents",),
    threshold: int = THRESHOLD,
    complementary: bool = True,
) -> list[dict[str, Any]]:
    """A copy of ``rows`` where small cells read ``None`` and ``suppressed`` is True."""
    out = [dict(row) for row in rows]
    hidden = [i for i, row in enumerate(out) if 0 < int(row[count_key]) < threshold]
    if complementary and len(hidden) == 1 and len(out) > 1:
        others = sorted((int(row[count_key]), i) for i, row in enumerate(out) if i not in hidden)
        if others:
            hidden.append(others[0][1])
    for i, row in enumerate(out):
        row["suppressed"] = i in hidden
        if i in hidden:
            row[count_key] = None
            for key in value_keys:
                row[key] = None
    return out


def is_safe(rows: Iterable[dict[str, Any]], count_key: str = "grants") -> bool:
    """No published count is between 1 and threshold - 1."""
    return all(
        row[count_key] is None or row[count_key] == 0 or row[count_key] >= THRESHOLD for row in rows
    )
