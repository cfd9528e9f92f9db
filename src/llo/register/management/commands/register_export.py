# SPDX-License-Identifier: EUPL-1.2
"""``llo register_export KVK [FILE]``: the offers of a provider in the OOAPI v6 shape."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llo.register.exports import export_provider
from llo.register.models import Opleider


class Command(BaseCommand):
    help = "Export the offers of one provider as OOAPI v6 JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kvk")
        parser.add_argument("file", nargs="?", default="-")

    def handle(self, *args: Any, **options: Any) -> None:
        opleider = Opleider.objects.filter(organisation__kvk=options["kvk"]).first()
        if opleider is None:
            raise CommandError(f"No provider with KvK number {options['kvk']} in the register.")
        if options["file"] == "-":
            for part in export_provider(opleider):
                sys.stdout.write(part)
            return
        with open(options["file"], "w", encoding="utf-8") as fh:
            for part in export_provider(opleider):
                fh.write(part)
