# SPDX-License-Identifier: EUPL-1.2
"""``llo import_shortages FILE``: load kansberoepen and krapteberoepen per region from a CSV
file (region, occupation, kind, validFrom, validUntil, source). All or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llo.core.audit import Actor
from llo.regions.services import shortages


class Command(BaseCommand):
    help = "Load shortage lists per region from a CSV file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        try:
            count = shortages.import_csv(
                actor=Actor.system("import_shortages"),
                data=path.read_text(encoding="utf-8-sig"),
            )
        except shortages.ShortageFileError as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"{len(exc.issues)} problem(s); nothing was imported.") from exc
        self.stdout.write(f"{count} shortage rows loaded.")
