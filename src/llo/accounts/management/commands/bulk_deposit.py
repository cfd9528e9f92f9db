# SPDX-License-Identifier: EUPL-1.2
"""``llo bulk_deposit``: credit many persons from one budget with a CSV file, exactly once.

The whole file is one database transaction: if the process dies halfway (a crash, kill -9)
nothing of it remains, and running the same command again with the same
``--idempotency-key`` writes it once; running it a third time changes nothing and says so.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llo.accounts import services
from llo.accounts.models import Budget
from llo.core import audit
from llo.core.money import Money
from llo.core.problems import Problem


class Command(BaseCommand):
    help = (
        "Deposit into learning accounts from a CSV file (bsn or person_id; amount or amount_cents)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--budget", type=int, required=True, help="Number of the budget.")
        parser.add_argument("--file", type=Path, required=True, help="The CSV file (UTF-8).")
        parser.add_argument(
            "--idempotency-key",
            required=True,
            help="A key unique for this file; run again with the same key to finish a broken run.",
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Write the good lines, report the bad (default: all lines good or nothing).",
        )
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help="Deposit date (default today)."
        )
        parser.add_argument("--chunk", type=int, default=services.CHUNK, help="Rows per step.")
        parser.add_argument(
            "--throttle",
            type=float,
            default=0.0,
            help="Seconds to wait after each step, to go easy on a busy database (and for tests).",
        )
        parser.add_argument("--actor", default="system:bulk_deposit", help="Who does this (audit).")

    def handle(self, *args: Any, **options: Any) -> None:
        budget = (
            Budget.objects.select_related("account", "funder__organisation")
            .filter(pk=options["budget"])
            .first()
        )
        if budget is None:
            raise CommandError(f"There is no budget {options['budget']}.")
        try:
            text = options["file"].read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        throttle = options["throttle"]
        interactive = sys.stdout.isatty()
        progress_bar: Any = None
        task: Any = None
        if interactive:
            from rich.progress import Progress

            progress_bar = Progress()
            progress_bar.start()

        def progress(done: int, total: int) -> None:
            nonlocal task
            if progress_bar is not None:
                if task is None:
                    task = progress_bar.add_task("Depositing", total=total)
                progress_bar.update(task, completed=done)
            else:
                self.stdout.write(f"progress {done}/{total}")
                self.stdout.flush()
            if throttle:
                time.sleep(throttle)

        mode = services.BulkMode.PARTIAL if options["partial"] else services.BulkMode.ALL_OR_NOTHING
        try:
            result = services.deposit_csv(
                actor=audit.Actor(options["actor"]),
                budget=budget,
                text=text,
                on=options["date"],
                idempotency_key=options["idempotency_key"],
                mode=mode,
                progress=progress,
                chunk=options["chunk"],
            )
        except Problem as problem:
            lines = [problem.detail, *(f"  {p.name}: {p.reason}" for p in problem.invalid_params)]
            raise CommandError("\n".join(lines)) from None
        finally:
            if progress_bar is not None:
                progress_bar.stop()
        if result.replayed:
            self.stdout.write(
                f"already done: transaction {result.transaction_id} deposited "
                f"{Money(result.total_cents)} to {result.created} persons; nothing changed"
            )
        else:
            self.stdout.write(
                f"done: transaction {result.transaction_id} deposited {Money(result.total_cents)} "
                f"to {result.created} persons"
            )
        for error in result.rejected:
            self.stdout.write(f"  rejected line {error.line}, {error.field}: {error.reason}")
