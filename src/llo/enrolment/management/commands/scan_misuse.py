# SPDX-License-Identifier: EUPL-1.2
"""``llo scan_misuse``: run the misuse rules over a year's applications and fill the signals
queue of register staff (``/beheer/signalen``). Run every night; a second run adds nothing
that is already flagged (one flag per rule and subject)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from llo.core import audit
from llo.core.timeutil import today
from llo.enrolment import services


class Command(BaseCommand):
    help = "Run the misuse rules over a year's applications and fill the signals queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=int, help="the year of the applications (default: this year)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or today().year
        created = services.scan_misuse(year=year, actor=audit.Actor.system("scan_misuse"))
        by_rule = Counter(f.rule for f in created)
        found = ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items())) or "none"
        self.stdout.write(f"{year}: {len(created)} new signals ({found})")
