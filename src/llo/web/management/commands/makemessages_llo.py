# SPDX-License-Identifier: EUPL-1.2
"""Extract the msgids of llo into the Dutch catalogue, then compile it with polib.

Runs Django's ``makemessages`` for ``nl`` over ``src/llo`` (templates and Python), which needs
GNU gettext's ``xgettext``; tests and CI never run this command, they use the committed .po and
.mo files. ``make messages`` calls it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.commands import makemessages

#: The languages llo has catalogues for; English is the language of the msgids.
LOCALES = ["nl"]


class _MakeMessages(makemessages.Command):
    # msgmerge's fuzzy guesses for short msgids are mostly wrong ('conditions' became
    # 'organisaties'); a new msgid gets an empty msgstr to translate instead.
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
    # ``gettext_noop as N_`` marks texts that are translated where they are shown (persona
    # stories, vocabularies); xgettext knows ``gettext_noop`` but not the alias, so without
    # this keyword those msgids were marked obsolete on every run (issue 15, the lead's note:
    # "24 Dutch entries still in use had been marked obsolete").
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]


class Command(BaseCommand):
    help = "Update the Dutch .po file from the code and templates (needs xgettext), then compile."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-obsolete",
            action="store_true",
            help="Drop msgids that are no longer in the code (kept as #~ comments by default, "
            "so a translation is not lost when a string moves).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if shutil.which("xgettext") is None:
            raise CommandError(
                "xgettext is not installed; Django's makemessages needs it. Install GNU gettext "
                "(Debian: `apt-get install gettext`) and run this again. Tests do not need it."
            )
        source = Path(settings.BASE_DIR)
        cwd = Path.cwd()
        # makemessages scans the current directory and writes to the locale folder in it.
        os.chdir(source)
        try:
            call_command(
                _MakeMessages(),
                locale=LOCALES,
                domain="django",
                extensions=["html", "txt", "py"],
                ignore_patterns=["migrations/*", "*/migrations/*", "static/*", "*/static/*"],
                add_location="file",
                no_obsolete=options["no_obsolete"],
                verbosity=options["verbosity"],
            )
        finally:
            os.chdir(cwd)
        call_command("compilemessages_llo", verbosity=options["verbosity"])
        self.stdout.write(
            "Now translate the new or fuzzy entries in "
            f"{source / 'locale' / 'nl' / 'LC_MESSAGES' / 'django.po'} (Dutch B1, 'u'), "
            "and run `llo compilemessages_llo`."
        )
