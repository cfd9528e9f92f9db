# SPDX-License-Identifier: EUPL-1.2
"""What the PostgreSQL benchmarks share: a database of their own, and parts run in child
processes configured for it (``python -m bench.<name>.run <part>``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def database_url(dbname: str) -> str:
    """DATABASE_URL with another database on the same server."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def recreate_database(dbname: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')


def checkpoint() -> None:
    """Before a timed run: write out what earlier work left in memory (for the whole server),
    so the run does not pay for writes before it."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def migrate(dbname: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "llo.cli", "migrate", "-v", "0"],
        env={**os.environ, "DATABASE_URL": database_url(dbname)},
        cwd=ROOT,
        check=True,
        timeout=600,
    )


def run_part(
    bench: str, dbname: str, part: str, *args: str, stdin: str = "", timeout: int = 3600
) -> dict[str, Any]:
    """Run ``part`` of ``bench`` in a child process on ``dbname``; its last line of output is
    JSON. ``stdin`` carries data too long for a command line. A failure shows the child's
    error output."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(dbname),
        "DJANGO_SETTINGS_MODULE": "llo.settings",
    }
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{bench}.run", part, *args],
        input=stdin,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench/{bench} part {part!r} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p`` quantile (0..1) of measured times, linear between the two nearest; 0 for none.
    Times only (seconds or milliseconds): never money."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
