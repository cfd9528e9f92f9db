# SPDX-License-Identifier: EUPL-1.2
"""No BSN in a log line (issue 14): every log record llo's process makes is written with its
BSN-like numbers masked (llo.core.identifiers.mask_bsns), whoever logs it: llo's own
loggers, Django's ``django.request`` ("Not Found: /api/v1/providers/999990019") or a
library's.

A record factory rather than a handler filter, because a filter on one handler leaves the
others (a test's capture, a deployment's extra handler) unmasked. The message is formatted
once here, with its arguments, and the arguments dropped; an exception's traceback is
formatted by the handler later and is not rewritten (llo's errors do not carry BSNs; the
scan in tests/test_bsn_scan.py keeps it so).
"""

from __future__ import annotations

import logging
from typing import Any

from llo.core.identifiers import mask_bsns

_installed = False


def install() -> None:
    """Wrap the process's log record factory once (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return record
        masked = mask_bsns(message)
        if masked != message:
            record.msg, record.args = masked, None
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
