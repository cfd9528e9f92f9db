# SPDX-License-Identifier: EUPL-1.2
"""``llo rules``: the rules as code, for policy staff.

``llo rules test [--scheme stap] [-k name] [--verbose]``
    Check and run every scheme's YAML tests (OpenFisca's runner). Exit code 0 when all pass.
``llo rules list [--on 2022-05-01] [--parameters] [--variables]``
    The schemes, their validity and rule version; with ``--parameters`` every parameter value
    in force on the date, with its status (confirmed, unconfirmed, scenario); with
    ``--variables`` every name a YAML test can use, with its meaning.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from llo.core.timeutil import today
from llo.schemes.errors import RulesError


class Command(BaseCommand):
    help = "Rules as code: run the YAML tests of the schemes, or list schemes and parameters."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{test,list}")
        test = sub.add_parser("test", help="check and run every scheme's YAML tests")
        test.add_argument("--scheme", help="only this scheme (stap, llo_regeling, funder, common)")
        test.add_argument("-k", "--name-filter", dest="name_filter", help="only matching tests")
        test.add_argument(
            "--trace", action="store_true", help="print OpenFisca's computation log per test"
        )
        listing = sub.add_parser("list", help="list the schemes (and their parameters)")
        listing.add_argument("--on", help="date for the parameter values (YYYY-MM-DD)")
        listing.add_argument("--parameters", action="store_true", help="show parameter values")
        listing.add_argument(
            "--variables", action="store_true", help="show the names usable in YAML tests"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "test":
            from llo.schemes import yaml_tests

            code = yaml_tests.run(
                options.get("scheme"),
                name_filter=options.get("name_filter"),
                verbose=bool(options.get("trace")),
                out=self.stdout,
            )
            if code:
                self.stdout.flush()
                sys.exit(code)
            return
        self._list(options)

    def _list(self, options: dict[str, Any]) -> None:
        from llo.schemes.system import build_system

        try:
            on = dt.date.fromisoformat(options["on"]) if options.get("on") else None
        except ValueError:
            raise CommandError(f"--on: '{options['on']}' is not a date (YYYY-MM-DD)") from None
        try:
            system = build_system()
        except RulesError as exc:
            raise CommandError(f"The rules could not be loaded:\n{exc}") from None
        console = Console(file=cast(IO[str], self.stdout), width=120, soft_wrap=True)
        table = Table(title="Schemes")
        for column in ("key", "title", "status", "applications", "rule version", "conditions"):
            table.add_column(column, no_wrap=column in {"key", "rule version"})
        for scheme in system.schemes.values():
            start = scheme.valid_from.isoformat() if scheme.valid_from else "funder's dates"
            end = scheme.valid_until.isoformat() if scheme.valid_until else "..."
            table.add_row(
                scheme.key,
                scheme.title,
                scheme.status,
                f"{start} to {end}",
                scheme.rule_version,
                str(len(scheme.conditions)),
            )
        console.print(table)
        if options.get("parameters"):
            self._parameters(console, system, on or today())
        if options.get("variables"):
            self._variables(console, system)

    def _variables(self, console: Console, system: Any) -> None:
        from llo.schemes.base import is_condition, is_input

        table = Table(title="Variables (names for input and output in YAML tests)")
        for column in ("name", "kind", "type", "meaning"):
            table.add_column(column, no_wrap=column == "name")
        for name in sorted(system.variables):
            variable = system.variables[name]
            kind = (
                "fact"
                if is_input(variable)
                else "condition"
                if is_condition(variable)
                else "result"
            )
            kind_of = getattr(variable.value_type, "__name__", str(variable.value_type))
            if kind_of == "Enum":
                kind_of = "code: " + ", ".join(m.name for m in variable.possible_values)
            table.add_row(name, kind, kind_of, variable.label or "")
        console.print(table)

    def _parameters(self, console: Console, system: Any, on: dt.date) -> None:
        from openfisca_core.parameters import Parameter

        table = Table(title=f"Parameters in force on {on.isoformat()}")
        for column in ("parameter", "value", "from", "status"):
            table.add_column(column)
        instant = on.isoformat()
        found = [n for n in system.parameters.get_descendants() if isinstance(n, Parameter)]
        for node in sorted(found, key=lambda n: n.name):
            applies = next((v for v in node.values_list if v.instant_str <= instant), None)
            if applies is None or applies.value is None:
                continue
            table.add_row(
                node.name,
                str(applies.value),
                applies.instant_str,
                str(applies.metadata.get("status", "")),
            )
        console.print(table)
