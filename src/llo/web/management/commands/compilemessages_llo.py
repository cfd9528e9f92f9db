# SPDX-License-Identifier: EUPL-1.2
"""Compile the .po catalogues under LOCALE_PATHS into .mo files with polib.

Django's own ``compilemessages`` needs GNU gettext's ``msgfmt``; polib is pure Python, so
neither a developer nor CI needs gettext installed. The .mo files are committed, and
``tests/web/test_translations.py`` checks that each equals a fresh compile of its .po.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def catalogues() -> list[Path]:
    """Every .po file under the project's LOCALE_PATHS, sorted."""
    found: list[Path] = []
    for base in settings.LOCALE_PATHS:
        found.extend(sorted(Path(base).glob("*/LC_MESSAGES/*.po")))
    return found


def compile_po(po_path: Path) -> bytes:
    """The .mo bytes for one .po file (translated entries only; fuzzy ones are left out)."""
    return bytes(polib.pofile(str(po_path)).to_binary())


class Command(BaseCommand):
    help = "Compile .po files to .mo files with polib (no GNU gettext needed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail when a .mo file is missing or differs from its .po.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pos = catalogues()
        if not pos:
            raise CommandError(f"No .po files found under {list(settings.LOCALE_PATHS)}.")
        stale: list[Path] = []
        for po_path in pos:
            mo_path = po_path.with_suffix(".mo")
            data = compile_po(po_path)
            current = mo_path.read_bytes() if mo_path.exists() else None
            if current == data:
                self.stdout.write(f"up to date: {mo_path}")
                continue
            if options["check"]:
                stale.append(mo_path)
                continue
            mo_path.write_bytes(data)
            self.stdout.write(self.style.SUCCESS(f"compiled: {mo_path}"))
        if stale:
            names = ", ".join(str(p) for p in stale)
            raise CommandError(
                f"Out of date: {names}. Run `llo compilemessages_llo` and commit the .mo files."
            )
