# SPDX-License-Identifier: EUPL-1.2
"""Run the benchmarks: `python -m bench [name ...]` (all when no name is given)."""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def discover() -> list[str]:
    return sorted(p.parent.name for p in HERE.glob("*/run.py"))


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llo.settings")
    import django

    django.setup()
    names = argv or discover()
    unknown = [n for n in names if n not in discover()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(discover())}")
        return 2
    RESULTS.mkdir(exist_ok=True)
    failed = 0
    for name in names:
        print(f"\n== bench/{name} ==", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}.run")
            result = module.main()
        except Exception:
            traceback.print_exc()
            failed += 1
            continue
        result = {
            "benchmark": name,
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "seconds": round(time.perf_counter() - started, 2),
            **result,
        }
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
        print(f"-> bench/results/{name}.json")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
