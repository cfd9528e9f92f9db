# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llo.api.openapi import COMMITTED, generate, render


class Command(BaseCommand):
    help = "Print the OpenAPI document, write it to docs/api/openapi.json, or check it for drift."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--write", action="store_true", help="write docs/api/openapi.json")
        group.add_argument("--check", action="store_true", help="fail when the file drifted")

    def handle(self, *args: Any, write: bool, check: bool, **options: Any) -> None:
        text = render(generate())
        if write:
            COMMITTED.parent.mkdir(parents=True, exist_ok=True)
            COMMITTED.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {COMMITTED}")
        elif check:
            if not COMMITTED.exists() or COMMITTED.read_text(encoding="utf-8") != text:
                raise CommandError(f"{COMMITTED} differs from the code: run `llo openapi --write`")
            self.stdout.write("openapi.json is up to date")
        else:
            self.stdout.write(text)
