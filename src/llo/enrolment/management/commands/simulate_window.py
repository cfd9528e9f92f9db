# SPDX-License-Identifier: EUPL-1.2
"""``llo simulate_window --policy fcfs|lottery|priority``: grants and money per education
group for a window over a synthetic population, with the same budget for each policy."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from llo.core.money import Money
from llo.enrolment import simulation


class Command(BaseCommand):
    help = "Simulate a funding window under an allocation policy (see docs/enrolment.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--policy", choices=["fcfs", "lottery", "priority", "all"], default="all"
        )
        parser.add_argument(
            "--population", type=int, default=100_000, help="persons in the simulated population"
        )
        parser.add_argument("--seed", type=int, default=2023, help="seed of the population")
        parser.add_argument(
            "--budget-percent",
            type=int,
            default=30,
            # argparse formats help with %: a bare '%' made --help crash (issue 15).
            help="budget as a %% of the demand",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        policies = (
            ["fcfs", "lottery", "priority"] if options["policy"] == "all" else [options["policy"]]
        )
        base = simulation.run(
            "fcfs",
            n_population=options["population"],
            seed=options["seed"],
            budget_percent=options["budget_percent"],
        )
        out = self.stdout
        out.write(
            f"budget {Money(base.budget_cents).format()}; "
            f"applicants {sum(g.applicants for g in base.groups):,}"
        )
        out.write(
            f"{'policy':9} {'group':7} {'applicants':>10} {'grants':>7} {'share':>6} {'money':>18}"
        )
        for policy in policies:
            result = (
                base
                if policy == "fcfs"
                else simulation.run(
                    policy,
                    n_population=options["population"],
                    seed=options["seed"],
                    budget_percent=options["budget_percent"],
                )
            )
            total = sum(g.grants for g in result.groups)
            for g in result.groups:
                share = g.grants / total if total else 0
                out.write(
                    f"{policy:9} {g.group:7} {g.applicants:>10,} {g.grants:>7,} {share:>6.1%} "
                    f"{Money(g.amount_cents).format():>18}"
                )
            ratio = result.low_share / base.low_share if base.low_share else float("inf")
            out.write(
                f"{policy:9} overspend {max(0, result.granted_cents - result.budget_cents)} "
                f"cents; low-educated share {result.low_share:.1%} = {ratio:.2f}x fcfs"
            )
