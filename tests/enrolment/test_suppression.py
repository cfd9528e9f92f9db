# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from llo.enrolment.suppression import is_safe, suppress


def test_small_cells_hidden_with_a_complement() -> None:
    rows = [
        {"grants": 3, "amountCents": 300},
        {"grants": 40, "amountCents": 4000},
        {"grants": 12, "amountCents": 1200},
    ]
    out = suppress(rows)
    assert [r["grants"] for r in out] == [None, 40, None]
    assert [r["suppressed"] for r in out] == [True, False, True]
    assert out[0]["amountCents"] is None


@given(st.lists(st.integers(0, 50), max_size=12))
def test_never_publishes_a_small_cell(counts: list[int]) -> None:
    out = suppress([{"grants": n, "amountCents": n * 100} for n in counts])
    assert is_safe(out)
    hidden = [r for r in out if r["suppressed"]]
    assert len(hidden) != 1 or len(out) == 1
