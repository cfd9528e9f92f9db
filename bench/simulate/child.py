# SPDX-License-Identifier: EUPL-1.2
"""The measured process of bench/simulate (its own process, so its peak memory is its own).

Prints one JSON object: the what-if wall time and peak memory, the engine against the numpy
floor on the same arrays (STAP and the new LLO scheme), and single decide() latencies.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import percentile

ROOT = Path(__file__).resolve().parents[2]
ON = dt.date(2027, 3, 1)
STAP_ON = dt.date(2023, 5, 15)
REFORM = ROOT / "docs" / "reforms" / "llo-bedrag-1500.yaml"


def vm_hwm_mib() -> float:
    """Peak resident memory of this process (Linux /proc; ru_maxrss as a fallback)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best(repeats: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeats`` runs (the machine is shared; the minimum is the least
    disturbed) and the last result."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def decide_latencies(count: int, on: dt.date, scheme: str, seed: int) -> dict[str, Any]:
    from llo.schemes.decision import decide
    from llo.schemes.simulation import population_inputs

    data = population_inputs.build(count, on, seed=seed)
    facts = [population_inputs.facts_of(data, row) for row in range(count)]
    for person, offer in facts[:20]:  # warm-up: caches of parameters and dates
        decide(person, offer, on, scheme)
    times, cpu, eligible = [], [], 0
    for person, offer in facts:
        started, started_cpu = time.perf_counter(), time.thread_time()
        decision = decide(person, offer, on, scheme)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        eligible += decision.eligible
    return {
        "scheme": scheme,
        "date": on.isoformat(),
        "decides": count,
        "eligible": eligible,
        "p50_ms": round(percentile(times, 0.50), 3),
        "p95_ms": round(percentile(times, 0.95), 3),
        "p99_ms": round(percentile(times, 0.99), 3),
        # CPU time of the thread: what the wall time would be on a machine nobody else uses.
        "cpu_p50_ms": round(percentile(cpu, 0.50), 3),
        "cpu_p95_ms": round(percentile(cpu, 0.95), 3),
    }


def main() -> dict[str, Any]:
    import numpy as np

    from bench.simulate import floor
    from llo.schemes import engine
    from llo.schemes.simulation import population_inputs, run
    from llo.schemes.simulation.reform import load_reform
    from llo.schemes.system import build_system

    persons = int(os.environ.get("LLO_BENCH_SIMULATE_PERSONS", "10000000"))
    decides = int(os.environ.get("LLO_BENCH_SIMULATE_DECIDES", "1000"))
    jobs = int(os.environ.get("LLO_BENCH_SIMULATE_JOBS", "0")) or run.default_jobs(persons)
    out: dict[str, Any] = {
        "persons": persons,
        "jobs": jobs,
        "date": ON.isoformat(),
        # Other work on the machine inflates wall times; the CPU times below do not include it.
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }

    # 1. The what-if as `llo simulate` runs it: checks, population, baseline + reform, tables.
    started, cpu_started = time.perf_counter(), time.process_time()
    system = build_system()
    reform = load_reform(REFORM)
    plan = run.prepare(persons, ON, reform=reform, system=system)
    checked = time.perf_counter()
    data = population_inputs.build(persons, ON, seed=run.DEFAULT_SEED)
    built = time.perf_counter()
    result = run.run(plan, data, jobs=jobs)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    total = result.scheme("llo_regeling").total
    out["what_if"] = {
        "schemes": [s.key for s in result.schemes],
        "reform": reform.name,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "checks_s": round(checked - started, 2),
        "population_s": round(built - checked, 2),
        **{f"{k.replace(' ', '_')}_s": round(v, 2) for k, v in result.timings.items()},
        "peak_mib": round(vm_hwm_mib()),
        "eligible_baseline": total.baseline.eligible,
        "eligible_reform": total.reform.eligible if total.reform else None,
        "expected_cost_baseline_cents": total.baseline.expected_cost_cents,
        "expected_cost_reform_cents": total.reform.expected_cost_cents if total.reform else None,
    }
    del result
    gc.collect()

    # 2. Engine against the hand-written numpy floor, over the same arrays, same process.
    inputs = data.inputs
    comparisons = []
    plans: list[tuple[str, dt.date, Callable[..., dict[str, Any]], dict[str, Any]]] = [
        ("stap", STAP_ON, floor.stap, floor.stap_parameters(system, STAP_ON)),
        ("llo_regeling", ON, floor.llo, floor.llo_parameters(system, ON)),
    ]
    for key, on, numpy_formula, parameters in plans:
        scheme = system.schemes[key]

        def with_engine(on: dt.date = on, key: str = key) -> dict[str, Any]:
            return engine.evaluate(inputs, on, [key])

        def with_numpy(
            formula: Callable[..., dict[str, Any]] = numpy_formula,
            on: dt.date = on,
            parameters: dict[str, Any] = parameters,
        ) -> dict[str, Any]:
            return formula(inputs, on, parameters)

        engine_s, outputs = best(2, with_engine)
        numpy_s, mine = best(2, with_numpy)
        same = bool(
            np.array_equal(outputs[scheme.eligible], mine["eligible"])
            and np.array_equal(outputs[scheme.amount], mine["amount"])
        )
        comparisons.append(
            {
                "scheme": key,
                "date": on.isoformat(),
                "engine_s": round(engine_s, 3),
                "numpy_s": round(numpy_s, 3),
                "ratio": round(engine_s / numpy_s, 2),
                "same_result": same,
                "eligible": int(np.count_nonzero(mine["eligible"])),
            }
        )
        del outputs, mine
        gc.collect()
    out["floor"] = comparisons
    del data
    gc.collect()

    # 3. Single decisions of varied generated persons.
    out["decide"] = [
        decide_latencies(decides, ON, "llo_regeling", seed=4242),
        decide_latencies(decides, STAP_ON, "stap", seed=4343),
    ]
    out["peak_mib_process"] = round(vm_hwm_mib())
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return out


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llo.settings")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    json.dump(main(), sys.stdout)
