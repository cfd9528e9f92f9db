# SPDX-License-Identifier: EUPL-1.2
"""``llo check_ledger``: every cached balance equals the sum of its postings, all postings sum
to zero, and the business data agrees with the money (:mod:`llo.core.invariants`: one active
application per person and start date, reservations within rights and within grants). Exit
status 1 when not (for monitoring)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from llo.accounts import selectors
from llo.core import invariants


class Command(BaseCommand):
    help = (
        "Check that every balance equals the sum of its postings, every budget's pool the "
        "deposits of its rights not used yet, and the business invariants (one active "
        "application per person and start date; reservations within rights and grants)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = selectors.verify_ledger()
        for m in problems:
            self.stderr.write(
                f"account {m.account_id}: cached {m.cached}, {m.expected} {m.from_postings}"
            )
        breaches = invariants.breaches()
        for breach in breaches:
            self.stderr.write(str(breach))
        if problems or breaches:
            raise CommandError(
                f"{len(problems)} accounts do not add up; "
                f"{len(breaches)} breaches of the business invariants"
            )
        self.stdout.write(
            "ledger ok: every balance equals the sum of its postings; business invariants "
            f"hold ({', '.join(invariants.rules())})"
        )
