# SPDX-License-Identifier: EUPL-1.2
"""kill -9 in the middle of a bulk deposit: nothing partial remains, and the retried run with
the same idempotency key completes exactly once.

The bulk deposit runs in a separate process (``llo bulk_deposit``), throttled so it is surely
halfway when it is killed. On PostgreSQL it uses the test database; the SQLite variant uses a
file database of its own (the in-memory test database is not shared between processes).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from llo.core.money import Money

ROOT = Path(__file__).resolve().parents[2]
LLO = [sys.executable, "-m", "llo.cli"]
ROWS = 6_000
CHUNK = 500
KEY = "crash-test-bulk-1"
#: Rights and deposit lines: what a deposit writes per person (lines.claim makes the one the
#: other).
DEPOSITED = (
    "SELECT (SELECT COUNT(*) FROM accounts_right) + (SELECT COUNT(*) FROM accounts_depositline)"
)
ON = "2026-03-01"


def setup_data(n: int) -> tuple[int, list[int]]:
    """A fund with a budget and ``n`` persons (committed); returns the budget and the persons."""
    from llo.accounts import services
    from llo.people.models import Employment, Organisation, Person

    org = Organisation.objects.create(
        kvk="80999999", name="Fonds", kind="oo_fund", sector="metal", gemeente_id="GM0599"
    )
    firm = Organisation.objects.create(
        kvk="80999998", name="Metaalbedrijf", kind="employer", sector="metal", gemeente_id="GM0599"
    )
    funder = services.ensure_funder(org)
    budget = services.create_budget(
        actor=services.SYSTEM,
        funder=funder,
        name="Scholingsbudget",
        total=Money(10**10),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    Person.objects.bulk_create(
        Person(
            bsn_encrypted="x",
            bsn_hash=f"crash-{i}",
            display_name=f"P{i}",
            birth_date=dt.date(1980, 1, 1),
            highest_level="eqf_2",
            labour_position="flex",
            gemeente_id="GM0599",
        )
        for i in range(n)
    )
    persons = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    # Workers in the fund's sector: the fund reaches them (llo.accounts.reach, decision 010).
    Employment.objects.bulk_create(
        Employment(
            person_id=p, employer=firm, cao="CAO Metaal", sector="metal", start=dt.date(2020, 1, 1)
        )
        for p in persons
    )
    return budget.pk, persons


def write_csv(path: Path, persons: list[int]) -> Path:
    path.write_text("person_id,amount_cents\n" + "".join(f"{p},15000\n" for p in persons))
    return path


def bulk(
    env: dict[str, str], budget: int, csv: Path, *, throttle: float = 0.0
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            *LLO,
            "bulk_deposit",
            "--budget",
            str(budget),
            "--file",
            str(csv),
            "--idempotency-key",
            KEY,
            "--date",
            ON,
            "--chunk",
            str(CHUNK),
            "--throttle",
            str(throttle),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_midway(proc: subprocess.Popen[str]) -> int:
    """Wait until the worker has written part of the file, then SIGKILL it."""
    assert proc.stdout is not None
    assert proc.stderr is not None
    try:
        for line in proc.stdout:
            if line.startswith("progress "):
                done, total = map(int, line.split()[1].split("/"))
                if 0 < done < total:
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=30)
                    assert proc.returncode == -signal.SIGKILL
                    return done
        proc.wait(timeout=30)
        raise AssertionError(f"the worker ended before it could be killed: {proc.stderr.read()}")
    finally:
        proc.stdout.close()
        proc.stderr.close()


def finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return out


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("own_partition", [False, True], ids=["default-partition", "own-partition"])
def test_kill_9_mid_bulk_deposit_postgresql(tmp_path: Path, own_partition: bool) -> None:
    """Both ways a deposit is written on PostgreSQL: into the shared partition, and (a large
    deposit, made large here by lowering the threshold) into a partition of its own."""
    from llo.accounts import services
    from llo.accounts.models import LedgerAccount, LedgerTransaction
    from tests.accounts.conftest import deposited

    budget, persons = setup_data(ROWS)
    csv = write_csv(tmp_path / "deposits.csv", persons)
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        "LLO_DEPOSIT_PARTITION_MIN": "1000" if own_partition else str(10 * ROWS),
    }

    written = kill_midway(bulk(env, budget, csv, throttle=0.2))
    assert written >= CHUNK
    # nothing of the killed run is left: no transaction, no right, no money moved
    assert not LedgerTransaction.objects.filter(idempotency_key=KEY).exists()
    assert deposited() == 0
    assert LedgerAccount.objects.get(budget__pk=budget).balance_cents == 10**10
    assert services.verify_ledger() == []

    out = finish(bulk(env, budget, csv))
    assert out.strip().splitlines()[-1].startswith("done:")
    txn = LedgerTransaction.objects.get(idempotency_key=KEY)
    assert deposited() == ROWS
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"accounts_depositline_{txn.pk}"])
        assert cursor.fetchone()[0] is own_partition
    out = finish(bulk(env, budget, csv))
    assert "already done" in out
    assert deposited() == ROWS
    assert LedgerAccount.objects.get(budget__pk=budget).balance_cents == 10**10 - ROWS * 15_000
    assert services.verify_ledger() == []


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the PostgreSQL variant runs there; this one needs its own SQLite file",
)
def test_kill_9_mid_bulk_deposit_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "crash.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "LLO_VAR_DIR": str(tmp_path)}
    subprocess.run([*LLO, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=300)
    setup = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'llo.settings'); "
            "django.setup(); from tests.accounts.test_crash import setup_data; "
            f"b, p = setup_data({ROWS}); print(b, p[0], p[-1])",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    budget, first, last = map(int, setup.stdout.split())
    csv = write_csv(tmp_path / "deposits.csv", list(range(first, last + 1)))

    def count(sql: str, *params: object) -> int:
        with sqlite3.connect(db) as conn:
            return int(conn.execute(sql, params).fetchone()[0])

    written = kill_midway(bulk(env, budget, csv, throttle=0.2))
    assert written >= CHUNK
    assert (
        count("SELECT COUNT(*) FROM accounts_ledgertransaction WHERE idempotency_key = ?", KEY) == 0
    )
    assert count(DEPOSITED) == 0
    assert (
        count(
            "SELECT COUNT(*) FROM accounts_posting "
            "WHERE transaction_id NOT IN (SELECT id FROM accounts_ledgertransaction)"
        )
        == 0
    )
    subprocess.run([*LLO, "check_ledger"], env=env, cwd=ROOT, check=True, timeout=120)

    assert finish(bulk(env, budget, csv)).strip().splitlines()[-1].startswith("done:")
    assert "already done" in finish(bulk(env, budget, csv))
    assert (
        count("SELECT COUNT(*) FROM accounts_ledgertransaction WHERE idempotency_key = ?", KEY) == 1
    )
    assert count(DEPOSITED) == ROWS
    assert count("SELECT COALESCE(SUM(amount_cents), 0) FROM accounts_posting") == 0
    subprocess.run([*LLO, "check_ledger"], env=env, cwd=ROOT, check=True, timeout=120)
