# SPDX-License-Identifier: EUPL-1.2
"""``llo demo_logins``: where the demo runs and whom you can log in as (personas.LOGINS)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from llo.core.roles import Role
from llo.demo.personas import LOGINS


class Command(BaseCommand):
    help = "Print the demo URL and the demo logins per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="Where the demo is served."
        )

    def _stream(self) -> Any:
        """Django's stream (so call_command(stdout=...) captures the output), unwrapped:
        OutputWrapper would add a newline to every piece rich writes."""
        return getattr(self.stdout, "_out", self.stdout)

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self._stream(), highlight=False, width=120)
        url = options["url"]
        console.print(f"\nllo demo: [bold]{url}[/bold]")
        console.print(
            "Choose [bold]Demo login[/bold], then pick a persona, or type its BSN or KvK number "
            "and role.\n"
        )
        table = Table(title="Demo logins")
        table.add_column("persona")
        table.add_column("role")
        table.add_column("BSN / KvK")
        table.add_column("situation", overflow="fold")
        for login in LOGINS:
            number = f"BSN {login.bsn}" if login.bsn else f"KvK {login.kvk}"
            table.add_row(login.label, str(Role(login.role).label), number, login.story)
        console.print(table)
