# SPDX-License-Identifier: EUPL-1.2
"""Use cases of applications, windows, enrolment and payment: the only code that changes
enrolment state. Each runs in one transaction with its audit record and names in its
docstring the row locks it takes (:mod:`llo.enrolment.store.locks` has their one order).
Every status change is a row of the lifecycle table (:mod:`llo.enrolment.lifecycle`), and
the money moves that row names (:mod:`.money`), only through :mod:`llo.accounts.services`.

One module per family, named after what it does:

==================  =====================================================================
``applying``        preview (decision and funding plan), apply without a window
``consent``         an adviser acts for a person with their consent
``opening``         a funder opens a window: dates, money, rules, order, groups
``windows``         a window's intake (submit)
``allocating``      a window's allocator, set-based
``waiting``         the waiting list: grant when money comes free, lapse at the end
``progress``        enrol, start, attendance, complete, drop out, cancel
``review``          staff close a provider's review case
``misuse``          the misuse scan, gift reports, one flag's decision
``transitions``     taking a row of the lifecycle table (status, audit, money)
``money``           the money movements the table names
``facts``           what llo's applications add to the rules' facts; the person's statements
==================  =====================================================================

The names below stay importable from ``llo.enrolment.services``. Reads and reports live in
:mod:`llo.enrolment.selectors` and CSV in :mod:`llo.enrolment.exports`; they are re-exported
here only so that older imports keep working.
"""

from llo.enrolment.exports import SPENDING_COLUMNS, spending_csv_text
from llo.enrolment.selectors import (
    GRANTED_STATUSES,
    applications_of,
    pending_entries,
    spending,
    statement,
    statement_totals,
)
from llo.enrolment.services.allocating import WATERMARK, AllocationReport, allocate_window
from llo.enrolment.services.applying import apply, preview
from llo.enrolment.services.common import SYSTEM
from llo.enrolment.services.consent import check_acting_for, give_consent, revoke_consent
from llo.enrolment.services.facts import offer_facts, person_facts, state_facts
from llo.enrolment.services.interest import pre_register, tell_opened
from llo.enrolment.services.misuse import decide_flag, report_gift, scan_misuse
from llo.enrolment.services.opening import WindowRequest, free_cents, open_window
from llo.enrolment.services.progress import (
    cancel,
    cancel_and_promote,
    cancel_own,
    complete,
    drop_out,
    enrol,
    report_attendance,
    start,
)
from llo.enrolment.services.review import close_case
from llo.enrolment.services.waiting import (
    WaitingReport,
    lapse_waiting,
    leave_waiting_list,
    promote_waiting,
)
from llo.enrolment.services.windows import Submitted, submit, submit_fast
from llo.enrolment.store.intake import BATCH as ALLOCATION_BATCH

__all__ = [
    "ALLOCATION_BATCH",
    "GRANTED_STATUSES",
    "SPENDING_COLUMNS",
    "SYSTEM",
    "WATERMARK",
    "AllocationReport",
    "Submitted",
    "WaitingReport",
    "WindowRequest",
    "allocate_window",
    "applications_of",
    "apply",
    "cancel",
    "cancel_and_promote",
    "cancel_own",
    "check_acting_for",
    "close_case",
    "complete",
    "decide_flag",
    "drop_out",
    "enrol",
    "free_cents",
    "give_consent",
    "lapse_waiting",
    "leave_waiting_list",
    "offer_facts",
    "open_window",
    "pending_entries",
    "person_facts",
    "pre_register",
    "preview",
    "promote_waiting",
    "report_attendance",
    "report_gift",
    "revoke_consent",
    "scan_misuse",
    "spending",
    "spending_csv_text",
    "start",
    "state_facts",
    "statement",
    "statement_totals",
    "submit",
    "submit_fast",
    "tell_opened",
]
