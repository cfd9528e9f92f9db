# SPDX-License-Identifier: EUPL-1.2
"""``llo register_formula_titles [--flag]``: the published offers whose title starts like a
spreadsheet formula (``=``, ``+``, ``-``, ``@``, a tab), admitted before the register checked
titles (issue 14). Lists them (id, provider's KvK number, the title as Python writes it, so
nothing in it runs in a terminal or a spreadsheet); with ``--flag`` sends each back to review,
out of the public register, until its provider changes the title. Exit status 1 when any are
listed and not flagged, so a deployment check can run it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from llo.core import audit
from llo.register.services.workflow import flag_formula_titles, formula_titled


class Command(BaseCommand):
    help = "List (and with --flag send back to review) published offers with formula-like titles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--flag", action="store_true", help="Send them back to review (out of the register)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        offers = formula_titled()
        for offer in offers:
            self.stdout.write(f"{offer.pk}\t{offer.opleider.organisation.kvk}\t{offer.title!r}")
        if not offers:
            self.stdout.write("No published offer has a title that starts like a formula.")
            return
        if options["flag"]:
            flagged = flag_formula_titles(actor=audit.Actor.system("register_formula_titles"))
            self.stdout.write(f"{len(flagged)} offers sent back to review.")
            return
        self.stderr.write(f"{len(offers)} published offers; run with --flag to send them back.")
        raise SystemExit(1)
