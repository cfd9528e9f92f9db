# SPDX-License-Identifier: EUPL-1.2
"""Business invariants: rules about the stored data that the ledger's own check (every balance
the sum of its postings) cannot see, checked by ``llo check_ledger``.

Issue 14, finding 1: two parallel applications reserved €20 for a €10 training, and the
ledger check said "ok" because the postings balanced; the duplicate was in the business data.
Each app registers its rules here (from its ``AppConfig.ready``), so the command in
``accounts`` runs the rules of ``enrolment`` too without importing a higher layer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Breach:
    """One row (or group of rows) that breaks a rule."""

    rule: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.subject}: {self.detail}"


Check = Callable[[], list[Breach]]

_CHECKS: dict[str, Check] = {}


def register(rule: str, check: Check) -> None:
    """Add ``check`` under ``rule`` (registering a rule again replaces it)."""
    _CHECKS[rule] = check


def rules() -> list[str]:
    return sorted(_CHECKS)


def breaches() -> list[Breach]:
    """Every breach of every registered rule, in rule order (should be none)."""
    found: list[Breach] = []
    for rule in rules():
        found.extend(_CHECKS[rule]())
    return found
