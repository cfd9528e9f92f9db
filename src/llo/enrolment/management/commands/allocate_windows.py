# SPDX-License-Identifier: EUPL-1.2
"""``llo allocate_windows``: decide every window that has applications to decide now, for a
scheduled job (cron, every minute): a first-come window while it is open (entries older than
the allocator's watermark), a lottery or priority window once after it closed.

Running it again, or two runs at the same time, changes nothing twice: each window is decided
under its row lock by :func:`llo.enrolment.services.allocate_window`, which takes only entries
without an outcome, and a lottery or priority window that another run decided between our
selection and our lock answers 409 ``allocated``, which is skipped, not a failure. A window
whose allocation fails is reported and the others go on; the exit status is then non-zero so
the scheduler notices (its transaction rolled back, so the next run tries it again)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from llo.core import audit
from llo.core.problems import Problem
from llo.enrolment import selectors, services

#: Problems that mean "someone else already did it", not a failure of this run.
DONE_ELSEWHERE = frozenset({"allocated"})


class Command(BaseCommand):
    help = "Decide the applications of every window that can be decided now (run every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        actor = audit.Actor.system("allocate_windows")
        failed = 0
        due = selectors.windows_to_allocate()
        for window in due:
            try:
                report = services.allocate_window(window, actor=actor)
            except Problem as exc:
                if exc.code in DONE_ELSEWHERE:
                    self.stdout.write(f"window {window.pk}: decided by another run")
                    continue
                failed += 1
                self.stderr.write(f"window {window.pk}: {exc.detail} ({exc.code})")
                continue
            self.stdout.write(
                f"window {window.pk}: {report.entries} entries, {report.granted} granted, "
                f"{report.waiting} waiting, {report.refused} refused; "
                f"{report.granted_cents} cents; seed {report.seed or '-'}"
            )
        if not due:
            self.stdout.write("No window has applications to decide now.")
        if failed:
            raise CommandError(f"{failed} of {len(due)} window(s) could not be decided.")
