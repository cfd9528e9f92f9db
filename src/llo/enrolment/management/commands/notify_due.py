# SPDX-License-Identifier: EUPL-1.2
"""``llo notify_due``: tell people what is due (issue 15): money of a right that can be used
for 60 more days or less, and a round they pre-registered for that has opened. Run nightly
(and, for the rounds, every hour); running it again tells nobody twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from llo.accounts import services as accounts
from llo.core.timeutil import today
from llo.enrolment.services import interest


class Command(BaseCommand):
    help = "Warn of rights about to expire and tell pre-registered people a round opened."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            help="Warn of rights ending within 60 days of this date (default: today).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        on = options["date"] or today()
        warned = accounts.warn_expiring(on=on)
        opened = interest.tell_opened()
        self.stdout.write(
            f"{warned} people warned of money that expires within "
            f"{accounts.WARN_DAYS} days of {on.isoformat()}; "
            f"{opened} told that a round they pre-registered for has opened"
        )
