# SPDX-License-Identifier: EUPL-1.2
"""The use cases of learning accounts: the only code that moves money (DESIGN.md section 2).

One module per family, named after what it does:

* :mod:`~llo.accounts.services.budgets`: a funder's accounts, a budget set aside;
* :mod:`~llo.accounts.services.deposits`: deposits to persons (one, many, a CSV file);
* :mod:`~llo.accounts.services.information`: rights shown for information only;
* :mod:`~llo.accounts.services.reservations`: reserve, release, pay, claw back, give back;
* :mod:`~llo.accounts.services.reserve_many`: many reservations in one use case (a window's
  grants);
* :mod:`~llo.accounts.services.expiry`: rights and budgets past their last day;
* :mod:`~llo.accounts.services.transfer`: a right when its holder changes employer;
* :mod:`~llo.accounts.services.rights` and :mod:`~llo.accounts.services.common`: the steps
  and the idempotency they share.

Each use case is one database transaction that also writes its audit record, idempotent
through a unique key on its ledger transaction (same key and request: the first result; same
key, another request: 409); its docstring names the row locks it takes
(:mod:`llo.accounts.store.locks` has their one order). Reads live in
:mod:`llo.accounts.selectors`, storage mechanics in :mod:`llo.accounts.store`.

This package re-exports every public name the single ``services`` module had, so
``from llo.accounts import services; services.reserve(...)`` keeps working.
"""

from llo.accounts.deposit_rows import add_months
from llo.accounts.selectors import (
    BudgetUse,
    Mismatch,
    balance_from_postings,
    budget_use,
    paid_for,
    reach_of,
    right_balances,
    rights_to_expire,
    use_by_employer,
    verify_ledger,
)
from llo.accounts.services.budgets import conditions_problem, create_budget, ensure_funder
from llo.accounts.services.common import SYSTEM, cents_to_move, digest, new_key
from llo.accounts.services.deposits import (
    CHUNK,
    BulkMode,
    BulkResult,
    DepositRow,
    bulk_deposit,
    claim_budgets,
    claim_deposits,
    claim_rights,
    deposit,
    deposit_csv,
    parse_csv_rows,
)
from llo.accounts.services.expiry import (
    WARN_DAYS,
    ExpiryReport,
    expire_all,
    expire_budget,
    expire_right,
    expire_unused,
    warn_expiring,
)
from llo.accounts.services.information import register_information_right
from llo.accounts.services.reservations import (
    claw_back,
    pay_provider,
    release,
    reserve,
    return_to_budget,
)
from llo.accounts.services.reserve_many import ReserveRow, reserve_many
from llo.accounts.services.transfer import (
    TransferOutcome,
    TransferResult,
    transfer_on_change_of_employer,
)
from llo.accounts.store.rights import RIGHTS

__all__ = [
    "CHUNK",
    "RIGHTS",
    "SYSTEM",
    "WARN_DAYS",
    "BudgetUse",
    "BulkMode",
    "BulkResult",
    "DepositRow",
    "ExpiryReport",
    "Mismatch",
    "ReserveRow",
    "TransferOutcome",
    "TransferResult",
    "add_months",
    "balance_from_postings",
    "budget_use",
    "bulk_deposit",
    "cents_to_move",
    "claim_budgets",
    "claim_deposits",
    "claim_rights",
    "claw_back",
    "conditions_problem",
    "create_budget",
    "deposit",
    "deposit_csv",
    "digest",
    "ensure_funder",
    "expire_all",
    "expire_budget",
    "expire_right",
    "expire_unused",
    "new_key",
    "paid_for",
    "parse_csv_rows",
    "pay_provider",
    "reach_of",
    "register_information_right",
    "release",
    "reserve",
    "reserve_many",
    "return_to_budget",
    "right_balances",
    "rights_to_expire",
    "transfer_on_change_of_employer",
    "use_by_employer",
    "verify_ledger",
    "warn_expiring",
]
