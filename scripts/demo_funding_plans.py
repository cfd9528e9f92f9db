# SPDX-License-Identifier: EUPL-1.2
"""Write (or check) the funding plans of every demo persona for every demo offer they could
apply for: ``llo loaddemo`` into a scratch SQLite database at a frozen instant, then
``llo.demo.funding_snapshot.snapshot()``.

    .venv/bin/python scripts/demo_funding_plans.py            # write the fixture
    .venv/bin/python scripts/demo_funding_plans.py --check    # compare with it, list changes

The fixture (``tests/demo/data/demo_funding_plans.json``) was first written before the rules
moved into OpenFisca (issue 13); ``tests/demo/test_demo_funding_plans.py`` compares today's
plans with it and names every intended difference.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "demo" / "data" / "demo_funding_plans.json"


def dump(data: dict) -> str:
    """One line per offer, so a change in the fixture reads as one line in a diff."""
    lines = ["{", f'  "on": {json.dumps(data["on"])},', '  "personas": {']
    people = list(data["personas"].items())
    for n, (key, persona) in enumerate(people):
        lines.append(f"    {json.dumps(key)}: {{")
        lines.append(f'      "rights": {json.dumps(persona["rights"], ensure_ascii=False)},')
        lines.append('      "plans": {')
        plans = list(persona["plans"].items())
        for i, (offer, plan) in enumerate(plans):
            comma = "," if i < len(plans) - 1 else ""
            lines.append(f"        {json.dumps(offer)}: {json.dumps(plan)}{comma}")
        lines.append("      }")
        lines.append("    }" + ("," if n < len(people) - 1 else ""))
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the fixture")
    parser.add_argument("--out", type=Path, default=FIXTURE)
    parser.add_argument("--persons", type=int, default=None, help="generated persons")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="llo-plans-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/demo.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llo.settings")
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command

    from llo.demo import funding_snapshot, loader

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with time_machine.travel(funding_snapshot.FROZEN_AT, tick=False):
        persons = loader.DEMO_PERSONS if args.persons is None else args.persons
        call_command("loaddemo", persons=persons, verbosity=0)
        loaded = time.perf_counter()
        data = funding_snapshot.snapshot()
    done = time.perf_counter()
    count = sum(len(p["plans"]) for p in data["personas"].values())
    print(
        f"demo loaded in {loaded - started:.1f} s; {count} plans in {done - loaded:.1f} s",
        file=sys.stderr,
    )
    if not args.check:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(dump(data), encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
        return 0
    from llo.demo.funding_snapshot import differences

    found = differences(json.loads(args.out.read_text(encoding="utf-8")), data)
    for line in found:
        print(line)
    print(f"{len(found)} differences", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
