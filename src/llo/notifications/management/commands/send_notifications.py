# SPDX-License-Identifier: EUPL-1.2
"""``llo send_notifications``: send the e-mails of notifications that are still pending
(a mail server that was down, a process that stopped). Run it every few minutes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from llo.notifications.services import send_pending


class Command(BaseCommand):
    help = "Send pending notification e-mails (each at most five attempts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        sent, failed = send_pending(limit=options["limit"])
        self.stdout.write(f"{sent} e-mail(s) sent, {failed} not sent (tried again later).")
