# SPDX-License-Identifier: EUPL-1.2
"""``llo run_jobs``: the worker for background jobs (llo.core.jobs). Run one or more beside
the web workers (systemd, a container); ``--once`` runs what is queued and stops (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from llo.core import jobs


class Command(BaseCommand):
    help = "Run queued background jobs (imports, deposit files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="stop when the queue is empty")
        parser.add_argument("--idle-sleep", type=float, default=1.0)
        parser.add_argument("--max-jobs", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        count = jobs.work(
            once=options["once"], idle_sleep=options["idle_sleep"], max_jobs=options["max_jobs"]
        )
        self.stdout.write(f"{count} jobs run")
