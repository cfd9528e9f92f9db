# SPDX-License-Identifier: EUPL-1.2
"""BSN-like numbers are masked in every log record and in every problem answer (issue 14):
a valid BSN (11-proef) becomes asterisks; other numbers, and nine digits that fail the
11-proef, stay."""

from __future__ import annotations

import logging

import pytest

from llo.core.identifiers import BSN_MASK, mask_bsns
from llo.core.problems import InvalidParam, Problem


def test_mask_bsns_masks_only_valid_bsns() -> None:
    assert mask_bsns("Not Found: /api/v1/providers/999990019") == (
        f"Not Found: /api/v1/providers/{BSN_MASK}"
    )
    assert mask_bsns("kvk 90000001, amount 123456789, id 9999900190") == (
        "kvk 90000001, amount 123456789, id 9999900190"
    )


def test_every_log_record_is_masked(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("django.request").warning("Not Found: %s", "/opleiders/999990019")
        logging.getLogger("anything").info("bsn=%s", 999990020)
    assert [r.getMessage() for r in caplog.records] == [
        f"Not Found: /opleiders/{BSN_MASK}",
        f"bsn={BSN_MASK}",
    ]


def test_a_problem_does_not_send_a_bsn_back() -> None:
    problem = Problem(
        404,
        "Er is geen opleider met KvK-nummer 999990019.",
        invalid_params=[InvalidParam("kvk", "999990019 is not 8 digits", "format")],
    )
    body = problem.as_dict(instance="/api/v1/providers/999990019")
    assert "999990019" not in str(body)
    assert body["detail"] == f"Er is geen opleider met KvK-nummer {BSN_MASK}."
