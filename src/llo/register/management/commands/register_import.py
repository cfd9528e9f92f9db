# SPDX-License-Identifier: EUPL-1.2
"""``llo register_import KVK FILE``: import offers (OOAPI JSON or CSV) for a provider, all or
nothing, and print the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llo.core.audit import Actor
from llo.register.importers import import_file
from llo.register.models import Opleider


class Command(BaseCommand):
    help = "Import offers of one provider from an OOAPI JSON or CSV file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kvk", help="KvK number of the provider")
        parser.add_argument("file", type=Path)
        parser.add_argument("--publish", action="store_true", help="publish what passes")
        parser.add_argument("--no-submit", action="store_true", help="keep new offers as drafts")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        opleider = Opleider.objects.filter(organisation__kvk=options["kvk"]).first()
        if opleider is None:
            raise CommandError(f"No provider with KvK number {options['kvk']} in the register.")
        path: Path = options["file"]
        report = import_file(
            actor=Actor.system("register_import"),
            opleider=opleider,
            data=path.read_bytes(),
            filename=path.name,
            submit=not options["no_submit"],
            publish=options["publish"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        elif report.ok:
            self.stdout.write(f"Imported {report.offers} offers: {report.summary.as_dict()}")  # type: ignore[union-attr]
        else:
            for issue in report.issues:
                where = f"line {issue.line}" if issue.line else "file"
                self.stdout.write(f"{where}: {issue.field}: {issue.message}")
        if not report.ok:
            raise CommandError(f"{report.issue_count} problems; nothing was imported.")
