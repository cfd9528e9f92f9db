# SPDX-License-Identifier: EUPL-1.2
"""bench/simulate: the what-if over 10 million persons, every scheme, baseline plus one reform.

In a child process (so its peak memory is its own, read from /proc VmHWM; tracemalloc is far
too slow for numpy at this size):

1. ``llo simulate``'s work on 2027-03-01 with the reform docs/reforms/llo-bedrag-1500.yaml:
   checks, population with planned trainings, baseline and reform (every scheme open on the
   date), the split tables. Wall time and peak memory.
2. The engine against a hand-written numpy evaluation (bench/simulate/floor.py) of the STAP
   formula, and of the new LLO scheme, over the same arrays in the same run; both must give
   exactly the same eligibility and amounts.
3. 1,000 single ``decide()`` calls of varied generated persons (new LLO scheme; and STAP).

Goals (2 cores): what-if <= 10 s and <= 8 GiB; engine <= 10x the numpy floor; decide p95 <= 5 ms.
Sizes can be lowered for a quick run: LLO_BENCH_SIMULATE_PERSONS, _DECIDES; _JOBS=1 or 2.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GOALS = {"wall_s": 10.0, "peak_gib": 8.0, "floor_ratio": 10.0, "decide_p95_ms": 5.0}


def _child() -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-m", "bench.simulate.child"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench/simulate child failed:\n{done.stderr[-4000:]}")
    data: dict[str, Any] = json.loads(done.stdout)
    # The kernel's view of the finished child, as a cross-check of its own VmHWM.
    data["children_maxrss_mib"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    )
    return data


def _verdicts(data: dict[str, Any]) -> dict[str, bool]:
    what_if = data["what_if"]
    stap = next(f for f in data["floor"] if f["scheme"] == "stap")
    return {
        "wall_s": what_if["wall_s"] <= GOALS["wall_s"],
        "peak_gib": what_if["peak_mib"] / 1024 <= GOALS["peak_gib"],
        "floor_ratio": stap["ratio"] <= GOALS["floor_ratio"] and stap["same_result"],
        "decide_p95_ms": all(d["p95_ms"] <= GOALS["decide_p95_ms"] for d in data["decide"]),
    }


def _line(label: str, value: Any, goal: str = "", verdict: str = "") -> None:
    print(f"{label:<40} {value!s:>16} {goal:>10} {verdict:>7}")


def _print(data: dict[str, Any], verdicts: dict[str, bool]) -> None:
    def ok(key: str) -> str:
        return "ok" if verdicts[key] else "MISSED"

    w = data["what_if"]
    schemes = ", ".join(w["schemes"])
    print(
        f"what-if: {data['persons']:,} persons on {data['date']}, schemes {schemes}, "
        f"reform '{w['reform']}', {data['jobs']} thread(s)"
    )
    header = f"{'measure':<40} {'value':>16} {'goal':>10} {'':>7}"
    print(header)
    print("-" * len(header))
    _line("what-if wall time (s)", w["wall_s"], "<= 10", ok("wall_s"))
    _line("  CPU time, all threads (s)", w["cpu_s"])
    parts = (
        "checks_s",
        "population_s",
        "cells_s",
        "baseline_and_reform_s",
        "baseline_s",
        "reform_s",
        "tables_s",
    )
    for part in parts:
        if part in w:
            _line(f"  {part}", w[part])
    _line("what-if peak memory (MiB)", w["peak_mib"], "<= 8192", ok("peak_gib"))
    for f in data["floor"]:
        stap = f["scheme"] == "stap"
        _line(
            f"engine / numpy floor, {f['scheme']} (x)",
            f["ratio"],
            "<= 10" if stap else "",
            ok("floor_ratio") if stap else "",
        )
        _line("  engine s / numpy s", f"{f['engine_s']} / {f['numpy_s']}")
        _line("  identical results", f["same_result"])
    for d in data["decide"]:
        _line(f"decide() p95, {d['scheme']} (ms)", d["p95_ms"], "<= 5", ok("decide_p95_ms"))
        _line("  p50 / p99 (ms)", f"{d['p50_ms']} / {d['p99_ms']}")
        _line("  CPU time p50 / p95 (ms)", f"{d['cpu_p50_ms']} / {d['cpu_p95_ms']}")
    _line("peak memory of the whole child (MiB)", data["peak_mib_process"])
    start, end = data["load_average_at_start"], data["load_average_at_end"]
    print(f"load average (1, 5, 15 min) at start {start}, at end {end}; {os.cpu_count()} cores")


def main() -> dict[str, Any]:
    data = _child()
    verdicts = _verdicts(data)
    _print(data, verdicts)
    return {"goals": GOALS, "met": verdicts, **data}


if __name__ == "__main__":
    print(json.dumps(main(), indent=2, default=str))
