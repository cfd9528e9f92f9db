# SPDX-License-Identifier: EUPL-1.2
"""``llo check_ledger``: every cached balance equals the sum of its postings, and all postings
sum to zero. Exit status 1 when not (for monitoring)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from llo.accounts import selectors


class Command(BaseCommand):
    help = (
        "Check that every balance equals the sum of its postings, and every budget's pool the "
        "deposits of its rights not used yet."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = selectors.verify_ledger()
        if problems:
            for m in problems:
                self.stderr.write(
                    f"account {m.account_id}: cached {m.cached}, {m.expected} {m.from_postings}"
                )
            raise CommandError(f"{len(problems)} accounts do not add up")
        self.stdout.write("ledger ok: every balance equals the sum of its postings")
