# SPDX-License-Identifier: EUPL-1.2
"""``llo issue_credentials``: issue the certificates of a cohort at once (batch signing).

Every completed enrolment of the provider (``--kvk``) that has no credential yet, optionally
only for one offer (``--offer``), in chunks of ``--chunk``; each chunk is one transaction with
its audit records, so a broken run leaves whole chunks and a second run issues the rest. A
rich progress bar shows the work on a terminal; without one, a line per chunk.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llo.core import audit
from llo.core.problems import Problem
from llo.credentials import services
from llo.people.models import Organisation


class Command(BaseCommand):
    help = "Issue the certificates of all completed enrolments of a provider (a cohort)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kvk", required=True, help="KvK number of the provider.")
        parser.add_argument("--offer", type=int, help="Only enrolments in this offer (its id).")
        parser.add_argument("--chunk", type=int, default=500, help="Credentials per transaction.")
        parser.add_argument(
            "--actor", default="system:issue_credentials", help="Who does this (audit)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        provider = Organisation.objects.filter(kvk=options["kvk"]).first()
        if provider is None:
            raise CommandError(f"There is no organisation with KvK number {options['kvk']}.")
        if options["chunk"] < 1:
            raise CommandError("--chunk must be at least 1.")
        todo = services.issuable_enrolments(provider)
        if options["offer"]:
            todo = [e for e in todo if e.application.offer_id == options["offer"]]
        if not todo:
            self.stdout.write("Nothing to issue: no completed enrolment without a certificate.")
            return
        started = time.perf_counter()
        bar: Any = None
        task: Any = None
        if sys.stdout.isatty():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            bar = Progress(
                TextColumn("[bold]Issuing certificates[/bold]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}/s"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
            )
            bar.start()
            task = bar.add_task("issue", total=len(todo), rate="-")
        done = 0

        def progress(n: int) -> None:
            nonlocal done
            done += n
            rate = f"{done / max(time.perf_counter() - started, 1e-9):,.0f}"
            if bar is not None:
                bar.update(task, completed=done, rate=rate)
            else:
                self.stdout.write(f"issued {done}/{len(todo)} ({rate}/s)")
                self.stdout.flush()

        try:
            rows = services.issue_cohort(
                actor=audit.Actor(options["actor"]),
                provider=provider,
                enrolments=todo,
                progress=progress,
                chunk=options["chunk"],
            )
        except Problem as problem:
            raise CommandError(problem.detail) from None
        finally:
            if bar is not None:
                bar.stop()
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Issued {len(rows)} certificates for {provider.name} in {seconds:.1f} s "
            f"({len(rows) / max(seconds, 1e-9):,.0f}/s), both proof forms each."
        )
