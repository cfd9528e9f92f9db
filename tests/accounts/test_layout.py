# SPDX-License-Identifier: EUPL-1.2
"""The shape of the accounts app (DESIGN.md section 2, issue 13): storage mechanics only in
``store/``, no module over 700 lines, and every public name of the old single ``services``
module still importable from the ``services`` package."""

from __future__ import annotations

import ast
from pathlib import Path

from llo.accounts import services

APP = Path(__file__).resolve().parents[2] / "src" / "llo" / "accounts"
MAX_LINES = 700

#: The public names of ``accounts/services.py`` before it became a package (issue 13); other
#: apps, tests and benches call them as ``services.<name>``.
OLD_PUBLIC_NAMES = [
    "CHUNK",
    "RIGHTS",
    "SYSTEM",
    "BudgetUse",
    "BulkMode",
    "BulkResult",
    "DepositRow",
    "ExpiryReport",
    "Mismatch",
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
    "return_to_budget",
    "right_balances",
    "rights_to_expire",
    "transfer_on_change_of_employer",
    "use_by_employer",
    "verify_ledger",
    # Added with the learning overview (issue 15): the 60-day warning of money about to expire.
    "WARN_DAYS",
    "warn_expiring",
    # Added with the window allocator's bulk reservation (issue 18).
    "ReserveRow",
    "reserve_many",
]


def modules() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "migrations" not in p.parts)


def test_no_module_is_over_700_lines() -> None:
    long = {
        str(p.relative_to(APP)): n
        for p in modules()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_database_connections_and_vendor_switches_live_in_store() -> None:
    """SQL, cursors and ``connection.vendor`` belong to ``store/`` (it decides nothing)."""
    found = []
    for path in modules():
        if "store" in path.relative_to(APP).parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "django.db":
                names = {a.name for a in node.names} & {"connection", "connections"}
                found += [f"{path.name}:{node.lineno} imports {n}" for n in names]
            if isinstance(node, ast.Attribute) and node.attr in {"vendor", "cursor"}:
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert found == []


def test_the_old_public_names_are_still_there() -> None:
    missing = [name for name in OLD_PUBLIC_NAMES if not hasattr(services, name)]
    assert missing == []
    assert sorted(services.__all__) == sorted(OLD_PUBLIC_NAMES)
