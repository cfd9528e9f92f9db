# SPDX-License-Identifier: EUPL-1.2
"""``llo allocate_window <id>``: the single writer of a window allocates its intake."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llo.core.problems import Problem
from llo.enrolment import services
from llo.enrolment.models import Window


class Command(BaseCommand):
    help = (
        "Allocate the intake of a funding window (FCFS while open; lottery/priority after closing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("window", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        window = Window.objects.filter(pk=options["window"]).first()
        if window is None:
            raise CommandError(f"There is no window {options['window']}.")
        try:
            report = services.allocate_window(window)
        except Problem as exc:
            raise CommandError(exc.detail) from None
        self.stdout.write(
            f"{report.entries} entries: {report.granted} granted, {report.waiting} waiting, "
            f"{report.refused} refused; {report.granted_cents} cents; seed {report.seed or '-'}"
        )
