# SPDX-License-Identifier: EUPL-1.2
"""``llo recompute_gap``: compute the whole gap table (demand of the region partners against
the regional portfolio) again. Run it nightly and after a large register import; a statement
that a partner records updates its own region at once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from llo.core.audit import Actor
from llo.regions.services import gap


class Command(BaseCommand):
    help = "Recompute the gap table of the 35 regions (last, this and next year by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="a year (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        run = gap.recompute(actor=Actor.system("recompute_gap"), years=options["year"])
        years = f"{run.first_year}-{run.last_year}"
        self.stdout.write(f"Gap table {years}: {run.cells:,} cells in {run.seconds:.2f} s.")
