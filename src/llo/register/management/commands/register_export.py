# SPDX-License-Identifier: EUPL-1.2
"""``llo register_export KVK [FILE] [--format json|csv]``: the offers of a provider in the
OOAPI v6 shape (default) or as CSV in the columns of the CSV import, written by the one CSV
writer (``llo.core.csvio``: spreadsheet formulas neutralised)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llo.register.exports import export_provider, export_provider_csv
from llo.register.models import Opleider


class Command(BaseCommand):
    help = "Export the offers of one provider as OOAPI v6 JSON or as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kvk")
        parser.add_argument("file", nargs="?", default="-")
        parser.add_argument("--format", choices=("json", "csv"), default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        opleider = Opleider.objects.filter(organisation__kvk=options["kvk"]).first()
        if opleider is None:
            raise CommandError(f"No provider with KvK number {options['kvk']} in the register.")
        parts = (export_provider_csv if options["format"] == "csv" else export_provider)(opleider)
        if options["file"] == "-":
            for part in parts:
                sys.stdout.write(part)
            return
        # newline="": the CSV writer ends its lines in CR LF itself (RFC 4180).
        with open(options["file"], "w", encoding="utf-8", newline="") as fh:
            for part in parts:
                fh.write(part)
