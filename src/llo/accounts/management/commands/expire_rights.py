# SPDX-License-Identifier: EUPL-1.2
"""``llo expire_rights``: rights past their last day, and budgets past their period, give
their money back to the funder. Run daily; running twice changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from llo.accounts import services
from llo.core import audit
from llo.core.money import Money
from llo.core.timeutil import today


class Command(BaseCommand):
    help = "Expire rights past their date and return their money to the funder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            help="Expire what ended before this date (default: today in the Netherlands).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["date"] or today()
        report = services.expire_all(actor=audit.Actor.system("expire_rights"), on=on)
        self.stdout.write(
            f"{report.rights} rights and {report.budgets} budgets expired on {on.isoformat()}; "
            f"{Money(report.returned_cents)} returned to funders"
        )
