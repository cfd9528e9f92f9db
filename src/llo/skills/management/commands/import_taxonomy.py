# SPDX-License-Identifier: EUPL-1.2
"""``llo import_taxonomy``: load ESCO's occupations, skills and occupation-skill relations
(ESCO's own CSV download: occupations_nl.csv, skills_nl.csv, occupationSkillRelations_nl.csv).
All or nothing: a file with a broken relation is refused whole and every problem is listed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from llo.core.audit import Actor
from llo.skills import services

_STEPS = {
    "checking": "Checking the files",
    "occupations": "Occupations",
    "skills": "Skills",
    "relations": "Occupation-skill relations",
}


class Command(BaseCommand):
    help = (
        "Import a taxonomy in ESCO's CSV layout (occupations, skills, relations). All or "
        "nothing: a broken file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--occupations", type=Path, help="occupations_nl.csv")
        parser.add_argument("--skills", type=Path, help="skills_nl.csv")
        parser.add_argument("--relations", type=Path, help="occupationSkillRelations_nl.csv")

    def _stream(self) -> Any:
        return getattr(self.stdout, "_out", self.stdout)

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path | None] = [options["occupations"], options["skills"], options["relations"]]
        if not any(paths):
            raise CommandError("Give --occupations, --skills and/or --relations.")
        for path in paths:
            if path is not None and not path.is_file():
                raise CommandError(f"{path} does not exist.")
        texts = [p.read_text(encoding="utf-8-sig") if p else None for p in paths]
        names = tuple(p.name if p else "-" for p in paths)
        console = Console(file=self._stream(), highlight=False)
        tasks: dict[str, TaskID] = {}
        try:
            with Progress(
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                disable=options["verbosity"] == 0,
            ) as bar:

                def progress(step: str, done: int, total: int) -> None:
                    if step not in tasks:
                        tasks[step] = bar.add_task(_STEPS.get(step, step), total=total)
                    bar.update(tasks[step], completed=done, total=total)

                counts = services.import_taxonomy(
                    actor=Actor.system("import_taxonomy"),
                    occupations=texts[0],
                    skills=texts[1],
                    relations=texts[2],
                    names=(names[0], names[1], names[2]),
                    progress=progress,
                )
        except services.TaxonomyError as exc:
            for issue in exc.issues[:200]:
                self.stderr.write(str(issue))
            if len(exc.issues) > 200:
                self.stderr.write(f"... and {len(exc.issues) - 200} more")
            raise CommandError(f"{len(exc.issues)} problem(s); nothing was imported.") from exc
        if options["verbosity"]:
            table = Table(title="Taxonomy imported")
            table.add_column("rows")
            table.add_column("in the files", justify="right")
            for key, value in counts.items():
                table.add_row(key, f"{value:,}")
            console.print(table)
