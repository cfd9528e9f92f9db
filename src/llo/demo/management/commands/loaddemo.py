# SPDX-License-Identifier: EUPL-1.2
"""``llo loaddemo``: load the deterministic demo data (personas, ~300 organisations and
~5,000 persons). Safe to run again: a second run finds every row and writes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from llo.demo import loader

_STEPS = {
    "organisations": "Organisations",
    "persons": "Persons (BSN encrypted)",
    "employments": "Employments",
}


class Command(BaseCommand):
    help = "Load the deterministic demo data (safe to run again: no duplicates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--persons",
            type=int,
            default=loader.DEMO_PERSONS,
            help=f"How many generated persons (default {loader.DEMO_PERSONS}).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=loader.DEMO_SEED,
            help=f"Seed of the generator (default {loader.DEMO_SEED}).",
        )

    def _stream(self) -> Any:
        """Django's stream (so call_command(stdout=...) captures the output), unwrapped:
        OutputWrapper would add a newline to every piece rich writes."""
        return getattr(self.stdout, "_out", self.stdout)

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self._stream(), highlight=False)
        tasks: dict[str, TaskID] = {}
        with Progress(
            TextColumn("{task.description:<26}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            disable=options["verbosity"] == 0,
        ) as bar:

            def progress(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = bar.add_task(_STEPS.get(step, step), total=total)
                bar.update(tasks[step], completed=done, total=total)

            result = loader.load(
                persons=options["persons"], seed=options["seed"], progress=progress
            )

        if options["verbosity"] == 0:
            return
        table = Table(title="Demo data", show_lines=False)
        table.add_column("rows")
        table.add_column("added now", justify="right")
        table.add_column("in the database", justify="right")
        for key, total in result.totals.items():
            table.add_row(key, f"{result.created.get(key, 0):,}", f"{total:,}")
        console.print(table)
        if result.changed:
            console.print(f"Demo data loaded in {result.seconds:.1f} s (seed {options['seed']}).")
        else:
            console.print("The demo data was already there: nothing changed.")
