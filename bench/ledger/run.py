# SPDX-License-Identifier: EUPL-1.2
"""bench/ledger: how fast the ledger moves money, compared with PostgreSQL itself.

1. **reserve + pay at 8 clients** (each pair: a reservation on a right, then the payment of it
   to a provider, two audited, balanced, idempotent transactions) per second, as a ratio to
   pgbench's TPC-B at 8 clients on the same server in the same run: ledger transactions per
   second against TPC-B transactions per second (goal: >= 40 %), and pairs per second too.
   The two take turns three times (LLO_BENCH_RATE_REPEAT); the ratio is of the medians.
2. **a bulk deposit of 1,000,000 rights** (one ledger transaction budget → pool, 1,000,000
   deposit lines in a partition of their own with every amount, date and person checked, the
   request fingerprinted for idempotency, audited) as a ratio to a raw COPY of the same
   1,000,000 rows (person, amount, valid until) into a bare table. Goal: >= 20 %. What the
   deposit leaves for later is measured too: a person's first read that makes their line a
   right, and making rights of all the other lines (the nightly job).

Needs PostgreSQL: ``make bench`` runs ``scripts/with-postgres.sh python -m bench``, which sets
DATABASE_URL and LLO_PG_BIN. Work happens in two databases of its own (``llo_bench_ledger``,
``llo_bench_pgbench``) so the other benchmarks' data is left alone; the Django parts run in
child processes (``python -m bench.ledger.run <part>``) configured for that database.
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import json
import multiprocessing as mp
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import checkpoint, database_url, migrate, recreate_database, run_part
from llo.core.money import Money

LEDGER_DB = "llo_bench_ledger"
PGBENCH_DB = "llo_bench_pgbench"
CLIENTS = int(os.environ.get("LLO_BENCH_CLIENTS", "8"))
SECONDS = float(os.environ.get("LLO_BENCH_SECONDS", "15"))
#: Before the timed runs, each side runs this long once, not counted: the ledger's tables grow
#: from empty, and the first statistics PostgreSQL gathers on them change its plans.
WARMUP_SECONDS = float(os.environ.get("LLO_BENCH_WARMUP_SECONDS", "5"))
BULK_ROWS = int(os.environ.get("LLO_BENCH_BULK_ROWS", "1000000"))
#: The raw COPY and the bulk deposit each run this often (each deposit to a budget of its own);
#: the ratio is of the medians.
BULK_REPEAT = int(os.environ.get("LLO_BENCH_BULK_REPEAT", "3"))
#: pgbench and the reserve + pay clients each run this often, taking turns.
RATE_REPEAT = int(os.environ.get("LLO_BENCH_RATE_REPEAT", "3"))
RIGHTS_PER_CLIENT = 20
ON = dt.date(2026, 3, 1)


#: One right per person with everything a right holds: the second baseline, what a deposit
#: that made every right at once would write.
RIGHT_COLUMNS = (
    "person_id", "deposited_cents", "valid_until", "employment_id", "cao",
    "budget_id", "funder_id", "kind", "deposit_id", "info_text", "conditions", "valid_from",
    "portability", "status", "created_at",
)  # fmt: skip


def _child(part: str, *args: str, timeout: int = 3600) -> dict[str, Any]:
    return run_part("ledger", LEDGER_DB, part, *args, timeout=timeout)


# --- pgbench ---------------------------------------------------------------------------------


def _pgbench() -> Path:
    return Path(os.environ.get("LLO_PG_BIN", "/usr/lib/postgresql/15/bin")) / "pgbench"


def pgbench_init() -> None:
    """pgbench's tables at scale CLIENTS, made once: each run then starts from a checkpoint,
    as each run of the ledger clients does."""
    recreate_database(PGBENCH_DB)
    subprocess.run(
        [str(_pgbench()), "-i", "-q", "-s", str(CLIENTS), database_url(PGBENCH_DB)],
        check=True,
        capture_output=True,
        timeout=600,
    )


def pgbench_tps(seconds: float = SECONDS) -> float:
    pgbench = _pgbench()
    url = database_url(PGBENCH_DB)
    result = subprocess.run(
        [str(pgbench), "-n", "-c", str(CLIENTS), "-j", str(CLIENTS), "-T", str(int(seconds)), url],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result)
    if match is None:  # pragma: no cover - older pgbench output
        match = re.search(r"tps = ([\d.]+)", result)
    assert match, result
    return float(match.group(1))


# --- children (configured for the ledger database) ----------------------------------------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llo.settings")
    import django

    django.setup()


def part_setup() -> dict[str, Any]:
    """A fund, a provider, and RIGHTS_PER_CLIENT rights per client with plenty of money."""
    _django()
    from llo.accounts import services
    from llo.people.models import Organisation, Person

    # A state scheme reaches anyone (decision 010), so no employment rows are needed for the
    # bench's persons; the ledger's work is the same for every kind of funder.
    fund = Organisation.objects.create(kvk="91000001", name="Regeling", kind="ministry")
    provider = Organisation.objects.create(kvk="91000002", name="Opleider", kind="provider")
    funder = services.ensure_funder(fund)
    n = CLIENTS * RIGHTS_PER_CLIENT
    budget = services.create_budget(
        actor=services.SYSTEM,
        funder=funder,
        name="bench",
        total=Money(n * 10**9),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    persons = Person.objects.bulk_create(
        Person(
            bsn_encrypted="x",
            bsn_hash=f"bench-{i}",
            display_name=f"P{i}",
            birth_date=dt.date(1980, 1, 1),
            highest_level="eqf_3",
            labour_position="employed",
            gemeente_id="GM0599",
        )
        for i in range(n)
    )
    result = services.bulk_deposit(
        actor=services.SYSTEM,
        budget=budget,
        rows=[services.DepositRow(10**9, person_id=p.pk, line=i) for i, p in enumerate(persons)],
        on=ON,
    )
    from llo.accounts.models import Right

    assert result.transaction_id is not None
    services.claim_deposits([result.transaction_id])  # as the persons' first reads would
    rights = list(
        Right.objects.filter(budget=budget, deposit_id=result.transaction_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return {"rights": rights, "provider": provider.pk}


def _client(
    index: int, run: str, seconds: float, rights: list[int], provider: int, start: Any, out: Any
) -> None:
    _django()
    from django.db import connection

    from llo.accounts import services
    from llo.accounts.models import Right
    from llo.core import audit
    from llo.people.models import Organisation

    actor = audit.Actor("bench:client")
    objects = list(Right.objects.filter(pk__in=rights))
    payee = Organisation.objects.get(pk=provider)
    start.wait()  # a barrier: every client is ready (imported, connected) before the clock runs
    cpu = time.process_time()
    deadline = time.time() + seconds
    done = 0
    i = 0
    while time.time() < deadline:
        right = objects[i % len(objects)]
        i += 1
        reservation = services.reserve(
            actor=actor,
            right=right,
            amount=Money(100),
            on=ON,
            provider=payee,
            idempotency_key=f"b{run}-{index}-{i}-r",
        )
        services.pay_provider(
            actor=actor, reservation=reservation, on=ON, idempotency_key=f"b{run}-{index}-{i}-p"
        )
        done += 1
    cpu = time.process_time() - cpu
    connection.close()
    out.put((done, cpu))


def part_clients(setup_json: str, seconds: float = SECONDS) -> dict[str, Any]:
    setup = json.loads(setup_json)
    rights, provider = setup["rights"], setup["provider"]
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(CLIENTS + 1)
    out = ctx.Queue()
    run = os.urandom(4).hex()  # keys of their own, so a second run in the same database is new work
    procs = [
        ctx.Process(
            target=_client,
            args=(
                i,
                run,
                seconds,
                rights[i * RIGHTS_PER_CLIENT : (i + 1) * RIGHTS_PER_CLIENT],
                provider,
                start,
                out,
            ),
        )
        for i in range(CLIENTS)
    ]
    for p in procs:
        p.start()
    start.wait(timeout=300)
    began = time.time()
    results = [out.get(timeout=seconds + 300) for _ in procs]
    elapsed = time.time() - began
    for p in procs:
        p.join(timeout=60)
    counts = [done for done, _ in results]
    return {
        "pairs": sum(counts),
        "seconds": elapsed,
        "per_client": counts,
        # The clients' own CPU (Python and its system calls) per pair, all clients together.
        "client_cpu_us_per_pair": 1e6 * sum(cpu for _, cpu in results) / max(1, sum(counts)),
    }


def part_check() -> dict[str, Any]:
    _django()
    from llo.accounts import services

    return {"mismatches": len(services.verify_ledger())}


def part_bulk() -> dict[str, Any]:
    """1,000,000 persons, then: raw COPY of the rows vs the bulk deposit service."""
    _django()
    from django.db import connection, transaction

    from llo.accounts import services
    from llo.accounts.models import Budget, DepositLine, Funder, LedgerTransaction, Right

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_person")
        first = cursor.fetchone()[0] + 1
        cursor.execute(
            "INSERT INTO people_person (bsn_encrypted, bsn_hash, display_name, birth_date, "
            "highest_level, labour_position, gemeente_id, created_at) "
            "SELECT 'x', 'bulk-' || g, 'P' || g, DATE '1980-01-01', 'eqf_3', 'employed', "
            "'GM0599', now() FROM generate_series(1, %s) g",
            [BULK_ROWS],
        )
        cursor.execute("SELECT id FROM people_person WHERE bsn_hash LIKE 'bulk-%%' ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
        # A table of persons in use has been vacuumed: its pages are marked all-visible, which
        # the deposit's check of every person relies on (an index-only scan). Fresh from the
        # INSERT it is not, and the first reader would pay for that instead of autovacuum.
        cursor.execute("VACUUM ANALYZE people_person")
    assert len(ids) == BULK_ROWS
    assert ids[0] >= first
    until = dt.date(2028, 3, 1)

    # The baseline: the same rows, COPY'd into a bare table, nothing checked.
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_deposit")
        cursor.execute(
            "CREATE TABLE bench_raw_deposit "
            "(person_id bigint, amount_cents bigint, valid_until date)"
        )

    buffer = io.StringIO()
    for pid in ids:
        buffer.write(f"{pid}\t40000\t{until.isoformat()}\n")
    data = buffer.getvalue()
    raws = []
    for _ in range(BULK_REPEAT):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE bench_raw_deposit")
        checkpoint()
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY bench_raw_deposit (person_id, amount_cents, valid_until) FROM STDIN"
            ) as copy,
        ):
            copy.write(data)
        raws.append(time.perf_counter() - started)

    funder = Funder.objects.get()
    budgets = [
        services.create_budget(
            actor=services.SYSTEM,
            funder=funder,
            name=f"bulk {n}",
            total=Money(BULK_ROWS * 40_000),
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )
        for n in range(BULK_REPEAT)
    ]
    budget = budgets[0]

    # A second baseline: one right per person, COPY'd into the rights table with its indexes
    # and reference checks, then rolled back: what a deposit that made every right at once
    # would need from the database alone (the design before decision 005).
    with transaction.atomic():
        txn = LedgerTransaction.objects.create(
            idempotency_key="bench-baseline", request_hash="-", cause="deposit",
            effective_date=ON, created_at=dt.datetime.now(dt.UTC), actor="bench", amount_cents=1,
        )  # fmt: skip
        created = dt.datetime.now(dt.UTC)
        tail = (
            f"\t{budget.pk}\t{funder.pk}\tmoney\t{txn.pk}\t\t{{}}\t{ON}\tperson\tactive\t"
            f"{created}\n"
        )
        rights_text = "".join(f"{p}\t40000\t{until}\t\\N\t{tail}" for p in ids)
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {services.RIGHTS} ({', '.join(RIGHT_COLUMNS)}) FROM STDIN"
            ) as copy,
        ):
            copy.write(rights_text)
        same_rows = time.perf_counter() - started
        transaction.set_rollback(True)
    with connection.cursor() as cursor:  # its dead rows gone, as autovacuum would do
        cursor.execute(f"VACUUM ANALYZE {services.RIGHTS}")

    rows = [
        services.DepositRow(40_000, person_id=pid, valid_until=until, line=i)
        for i, pid in enumerate(ids)
    ]
    ours = []
    deposits = []
    for n, each in enumerate(budgets):
        checkpoint()
        started = time.perf_counter()
        result = services.bulk_deposit(
            actor=services.SYSTEM,
            budget=Budget.objects.get(pk=each.pk),
            rows=rows,
            on=ON,
            idempotency_key=f"bench-bulk-{n}",
        )
        ours.append(time.perf_counter() - started)
        assert result.created == BULK_ROWS
        assert result.transaction_id is not None
        deposits.append(result.transaction_id)
    csv_text = "person_id,amount_cents,valid_until\n" + "".join(
        f"{pid},40000,{until.isoformat()}\n" for pid in ids
    )
    started = time.perf_counter()
    rows_from_csv, errors = services.parse_csv_rows(csv_text)
    parse = time.perf_counter() - started
    assert not errors
    assert len(rows_from_csv) == BULK_ROWS
    assert DepositLine.objects.filter(deposit_id__in=deposits).count() == BULK_ROWS * BULK_REPEAT
    assert not Right.objects.filter(deposit_id__in=deposits).exists()

    # What the deposit leaves for later, measured too: a person's first read makes their
    # right (one claim per request, like a person opening their overview), and the nightly
    # job makes rights of the rest.
    readers = ids[:: max(1, len(ids) // 1000)][:1000]
    # A web request does not hold this process's millions of rows: without them, so that
    # Python's collector does not walk them during the reads measured.
    del rows, rows_from_csv, csv_text
    gc.collect()

    def reads() -> list[float]:
        times = []
        for pid in readers:
            started = time.perf_counter()
            services.claim_rights([pid])
            times.append(time.perf_counter() - started)
        return times

    first, again = reads(), reads()
    started = time.perf_counter()
    rest = services.claim_deposits(deposits)
    claim_rest = time.perf_counter() - started
    assert rest == BULK_REPEAT * (BULK_ROWS - len(readers))
    assert Right.objects.filter(deposit_id__in=deposits).count() == BULK_REPEAT * BULK_ROWS
    return {
        "claim_first_read_ms": 1000 * statistics.median(first),
        "claim_first_read_p95_ms": 1000 * statistics.quantiles(first, n=20)[18],
        "claim_nothing_left_ms": 1000 * statistics.median(again),
        "claim_rest_s": claim_rest,
        "claim_rest_rows": rest,
        "rows": BULK_ROWS,
        "raw_copy_s": statistics.median(raws),
        "raw_copy_runs_s": raws,
        "same_rows_copy_s": same_rows,
        "bulk_deposit_s": statistics.median(ours),
        "bulk_deposit_runs_s": ours,
        "csv_parse_s": parse,
    }


# --- the benchmark ---------------------------------------------------------------------------


def _runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def main() -> dict[str, Any]:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench/ledger needs PostgreSQL: run it with `make bench`")
        return {"skipped": "needs PostgreSQL"}
    recreate_database(LEDGER_DB)
    migrate(LEDGER_DB)
    setup = _child("setup")
    # pgbench and the ledger take turns, RATE_REPEAT times each, so a slow or busy moment of
    # the machine weighs on both sides; the ratio is of the medians.
    tps_runs: list[float] = []
    client_runs: list[dict[str, Any]] = []
    setup_json = json.dumps(setup)
    pgbench_init()
    pgbench_tps(WARMUP_SECONDS)
    _child("clients", setup_json, str(WARMUP_SECONDS))
    for _ in range(RATE_REPEAT):
        checkpoint()  # before every timed run of either side: no run pays for another's writes
        tps_runs.append(pgbench_tps())
        checkpoint()
        client_runs.append(_child("clients", setup_json))
    tps = statistics.median(tps_runs)
    pairs_runs = [c["pairs"] / c["seconds"] for c in client_runs]
    pairs_per_s = statistics.median(pairs_runs)
    client_cpu = statistics.median(c["client_cpu_us_per_pair"] for c in client_runs)
    bulk = _child("bulk")
    check = _child("check")
    ratio_pairs = pairs_per_s / tps
    # A reserve and a pay are two ledger transactions, each atomic, audited and idempotent on
    # its own, as a TPC-B transaction is one: the goal compares transactions per second.
    ratio_tx = 2 * pairs_per_s / tps
    ratio_bulk = bulk["raw_copy_s"] / bulk["bulk_deposit_s"]
    ratio_same = bulk["same_rows_copy_s"] / bulk["bulk_deposit_s"]
    rows = [
        (
            f"pgbench TPC-B, {CLIENTS} clients (median of {RATE_REPEAT})",
            f"{tps:,.0f} tps ({', '.join(f'{t:,.0f}' for t in tps_runs)})",
        ),
        (
            f"ledger reserve+pay, {CLIENTS} clients (median of {RATE_REPEAT})",
            f"{pairs_per_s:,.0f} pairs/s ({2 * pairs_per_s:,.0f} tx/s; "
            f"{', '.join(f'{p:,.0f}' for p in pairs_runs)})",
        ),
        ("  clients' own CPU per pair", f"{client_cpu:,.0f} µs"),
        ("  ratio per transaction (goal >= 40 %)", f"{100 * ratio_tx:.1f} %"),
        ("  ratio per reserve+pay pair", f"{100 * ratio_pairs:.1f} %"),
        (
            f"raw COPY of {bulk['rows']:,} rows (median of {BULK_REPEAT})",
            f"{bulk['raw_copy_s']:.2f} s ({_runs(bulk['raw_copy_runs_s'])})",
        ),
        (
            f"bulk deposit of {bulk['rows']:,} rights (median of {BULK_REPEAT})",
            f"{bulk['bulk_deposit_s']:.2f} s ({_runs(bulk['bulk_deposit_runs_s'])})",
        ),
        ("  ratio to the raw COPY (goal >= 20 %)", f"{100 * ratio_bulk:.1f} %"),
        (
            "COPY of one right per person into the rights table",
            f"{bulk['same_rows_copy_s']:.2f} s",
        ),
        ("  ratio to that COPY", f"{100 * ratio_same:.1f} %"),
        ("  + reading the same rows as CSV", f"{bulk['csv_parse_s']:.2f} s"),
        (
            f"a person's first read: {BULK_REPEAT} lines -> rights",
            f"p50 {bulk['claim_first_read_ms']:.2f} ms, "
            f"p95 {bulk['claim_first_read_p95_ms']:.2f} ms",
        ),
        ("  a read with nothing left to claim", f"p50 {bulk['claim_nothing_left_ms']:.2f} ms"),
        (
            f"the other {bulk['claim_rest_rows']:,} lines -> rights (nightly job)",
            f"{bulk['claim_rest_s']:.2f} s",
        ),
        (
            "ledger check after the run",
            "ok" if check["mismatches"] == 0 else f"{check['mismatches']} mismatches",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)} | value")
    print(f"{'-' * width}-|-{'-' * 30}")
    for name, value in rows:
        print(f"{name.ljust(width)} | {value}")
    return {
        "pgbench_tps": tps,
        "pgbench_tps_runs": tps_runs,
        "reserve_pay_pairs_per_s": pairs_per_s,
        "reserve_pay_pairs_per_s_runs": pairs_runs,
        "reserve_pay_per_client": [c["per_client"] for c in client_runs],
        "client_cpu_us_per_pair": client_cpu,
        "ratio_transactions_to_pgbench": ratio_tx,
        "ratio_pairs_to_pgbench": ratio_pairs,
        "bulk_rows": bulk["rows"],
        "raw_copy_s": bulk["raw_copy_s"],
        "raw_copy_runs_s": bulk["raw_copy_runs_s"],
        "bulk_deposit_s": bulk["bulk_deposit_s"],
        "bulk_deposit_runs_s": bulk["bulk_deposit_runs_s"],
        "csv_parse_s": bulk["csv_parse_s"],
        "ratio_bulk_to_raw_copy": ratio_bulk,
        "same_rows_copy_s": bulk["same_rows_copy_s"],
        "ratio_bulk_to_same_rows_copy": ratio_same,
        "claim_first_read_ms": bulk["claim_first_read_ms"],
        "claim_first_read_p95_ms": bulk["claim_first_read_p95_ms"],
        "claim_nothing_left_ms": bulk["claim_nothing_left_ms"],
        "claim_rest_s": bulk["claim_rest_s"],
        "ledger_mismatches": check["mismatches"],
        "clients": CLIENTS,
        "window_seconds": SECONDS,
        "warmup_seconds": WARMUP_SECONDS,
        "rate_repeat": RATE_REPEAT,
        "goals": {"reserve_pay_ratio": 0.40, "bulk_ratio": 0.20},
    }


if __name__ == "__main__":
    part = sys.argv[1]
    handlers = {"setup": part_setup, "check": part_check, "bulk": part_bulk}
    if part == "clients":
        output = part_clients(sys.argv[2], *(float(s) for s in sys.argv[3:4]))
    else:
        output = handlers[part]()
    print(json.dumps(output))
