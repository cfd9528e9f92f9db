# SPDX-License-Identifier: EUPL-1.2
"""``llo simulate``: the what-if over a synthetic population.

::

    llo simulate --population 1000000 --date 2027-03-01 --reform docs/reforms/llo-1500-euro.yaml
        [--seed 20261123] [--schemes llo_regeling] [--json out.json] [--html out.html]

Builds the population (deterministic from the seed), evaluates every scheme that takes
applications on the date for the baseline and the reform, and prints the tables (with a
progress bar on stderr). A bad reform file, date or scheme stops the command before anything
runs, with the file, line and item; the JSON and HTML files are written only after a run
that succeeded.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from llo.schemes.errors import RulesError


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", "").replace(".", ""))
    except ValueError:
        raise CommandError(f"--population: '{text}' is not a whole number") from None
    return value


class Command(BaseCommand):
    help = "What-if: evaluate every scheme over a synthetic population, baseline and reform."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--population", required=True, help="number of persons, e.g. 1000000 or 10_000_000"
        )
        parser.add_argument("--date", required=True, help="application date (YYYY-MM-DD)")
        parser.add_argument("--reform", help="reform file (YAML with parameter changes)")
        parser.add_argument("--seed", type=int, help="random seed (default 20261123)")
        parser.add_argument(
            "--schemes", help="comma-separated scheme keys (default: every open scheme)"
        )
        parser.add_argument("--json", dest="json_path", help="write the result as JSON here")
        parser.add_argument("--html", dest="html_path", help="write an HTML report here")
        parser.add_argument(
            "--jobs",
            type=int,
            choices=(1, 2),
            help="1: baseline and reform one after the other; 2: side by side (default by size)",
        )
        parser.add_argument(
            "--language", default="en", choices=("en", "nl"), help="language of the report"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"]):
            self._handle(options)

    def _handle(self, options: dict[str, Any]) -> None:
        from llo.schemes.simulation import report, run
        from llo.schemes.simulation.reform import load_reform

        persons = _positive(str(options["population"]))
        try:
            on = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"--date: '{options['date']}' is not a date (YYYY-MM-DD)") from None
        outputs = [Path(p) for p in (options.get("json_path"), options.get("html_path")) if p]
        for path in outputs:
            if not path.parent.is_dir():
                raise CommandError(f"cannot write {path}: the folder {path.parent} does not exist")
        schemes = [s.strip() for s in (options.get("schemes") or "").split(",") if s.strip()]
        err = Console(file=cast(IO[str], sys.stderr), highlight=False)
        try:
            reform = None
            if options.get("reform"):
                path = Path(options["reform"])
                reform = load_reform(path, display=str(options["reform"]))
            seed = options["seed"] if options.get("seed") is not None else run.DEFAULT_SEED
            if options["no_progress"]:
                result = run.simulate(
                    persons, on, seed=seed, reform=reform, schemes=schemes or None,
                    jobs=options.get("jobs"),
                )  # fmt: skip
            else:
                with Progress(
                    TextColumn("{task.description:<22}"),
                    BarColumn(),
                    TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(),
                    console=err,
                    transient=True,
                ) as bar:
                    task = bar.add_task("checking", total=None)

                    def progress(what: str, done: int, total: int) -> None:
                        bar.update(task, description=what, completed=done, total=total)

                    result = run.simulate(
                        persons, on, seed=seed, reform=reform, schemes=schemes or None,
                        progress=progress, jobs=options.get("jobs"),
                    )  # fmt: skip
        except RulesError as exc:
            raise CommandError(str(exc)) from None
        report.print_report(result, report.console_for(cast(IO[str], self.stdout)))
        timings = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
        self.stdout.write(f"Time: {timings}")
        if options.get("json_path"):
            report.write_json(result, Path(options["json_path"]))
            self.stdout.write(f"JSON: {options['json_path']}")
        if options.get("html_path"):
            report.write_html(result, Path(options["html_path"]))
            self.stdout.write(f"HTML: {options['html_path']}")
