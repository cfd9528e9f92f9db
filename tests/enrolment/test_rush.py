# SPDX-License-Identifier: EUPL-1.2
"""The window rush over HTTP, small (issue 18): ``bench/rush``'s scenario on the production
server (gunicorn with llo's configuration) and ``wrk``, on this test's PostgreSQL database:
a few hundred applications, 10 % retried with the same key, then the allocator; every
acknowledged application there exactly once, no duplicate entry, every entry decided, no
overspend, no duplicate grant, the ledger consistent, no error answer. Nothing is timed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_small_rush_keeps_every_invariant() -> None:
    assert shutil.which("wrk"), "wrk is missing: scripts/install-system-deps.sh installs it"
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:"
        f"{settings['PORT']}/{settings['NAME']}"
    )
    connection.close()  # the server and the bench's parts use their own connections
    done = subprocess.run(
        [sys.executable, "-m", "bench.rush.run", "smoke"],
        env={
            **os.environ,
            "DATABASE_URL": url,
            "LLO_BENCH_RUSH_DB": str(settings["NAME"]),
            "LLO_BENCH_RUSH_APPLICATIONS": "300",
            "LLO_BENCH_RUSH_CONNECTIONS": "8",
            "LLO_BENCH_RUSH_GRANTS": "40",
            "LLO_BENCH_RUSH_FLOOR_SECONDS": "2",
            "DJANGO_SETTINGS_MODULE": "llo.settings",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.stdout.strip(), done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    check = result["check"]
    # What the server acknowledged is there exactly once, and the window is decided right.
    assert check["acked"] > 0
    assert check["lost_acked"] == check["duplicate_entries"] == check["undecided"] == 0
    assert check["entries"] <= 300
    assert check["overspend_cents"] == check["duplicate_grants"] == 0
    assert check["granted"] == min(40, check["entries"])
    assert check["ledger_mismatches"] == 0
    # Every request answered (issue 18: wrk's check of the script used to take one plan
    # line, so one application was never sent; bench/rush/rush.lua).
    assert done.returncode == 0, done.stderr[-3000:]
    assert check["entries"] == check["acked"] == 300
    assert result["rush"]["replayed"] == 30
    assert result["rush"]["statuses"] == {"202": 330}
