# SPDX-License-Identifier: EUPL-1.2
"""bench/rush: the window rush over HTTP (issue 18), on the production server.

gunicorn with llo's configuration (``llo.gunicorn_conf``, deployment settings, PostgreSQL),
persons logged in as a login makes their session (``django.contrib.auth.login``'s keys, signed
with the server's secret key), and Debian's ``wrk`` (not Python) driving it with
``bench/rush/rush.lua``: APPLICATIONS applications with an Idempotency-Key each, 10 % of them
sent again with the same key (a client's retry), each from its own client address behind one
trusted proxy (``X-Forwarded-For``: the abuse limits count per address, as in production).
Then the allocator decides the window and the invariants are checked in the database.

In the same run, the floor: ``GET /api/v1/health`` (one ``SELECT 1``) through the same server
and middleware, so the intake is reported as a share of it; the machine is shared, so only
such ratios compare between runs (the load average is printed with each measurement).

Scenarios (LLO_BENCH_RUSH_SCENARIOS, default all):

* ``configs``: the worker models and connection settings measured for decision 013
  (``baseline``: only the first, the issue's starting point);
* ``rush``: the production defaults, one instance;
* ``two``: two instances on two ports over one database, wrk split across them;
* ``kill``: one worker SIGKILLed in the middle: every acknowledged application is there once.

``python -m bench.rush.run smoke`` runs a small ``rush`` and exits non-zero when an invariant
fails (tests/enrolment/test_rush.py runs it in ``make test``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, database_url, migrate, recreate_database, run_part
from llo.core.money import Money

#: The bench's own database; LLO_BENCH_RUSH_DB names an existing, migrated one instead (the
#: test of ``make test`` uses its test database).
DB = os.environ.get("LLO_BENCH_RUSH_DB", "llo_bench_rush")
HERE = Path(__file__).resolve().parent
APPLICATIONS = int(os.environ.get("LLO_BENCH_RUSH_APPLICATIONS", "6000"))
RETRY_SHARE = 0.10
CONNECTIONS = int(os.environ.get("LLO_BENCH_RUSH_CONNECTIONS", "32"))
WRK_THREADS = 2
AMOUNT = 90_000
GRANTS = int(os.environ.get("LLO_BENCH_RUSH_GRANTS", "500"))
#: No new answer for this long: the rest of the rush is lost on sockets (reported as errors).
STALL_SECONDS = 30
FLOOR_SECONDS = int(os.environ.get("LLO_BENCH_RUSH_FLOOR_SECONDS", "10"))
#: Production server settings compared (decision 013); the last one is the default.
CONFIGS: dict[str, dict[str, str]] = {
    "sync 4, new connection per request, no preload": {
        "LLO_WORKER_CLASS": "sync", "LLO_WORKERS": "4", "LLO_THREADS": "1",
        "LLO_DB_CONN_MAX_AGE": "0", "LLO_PRELOAD_APP": "false",
    },
    "sync 4, persistent connections, no preload": {
        "LLO_WORKER_CLASS": "sync", "LLO_WORKERS": "4", "LLO_THREADS": "1",
        "LLO_DB_CONN_MAX_AGE": "600", "LLO_PRELOAD_APP": "false",
    },
    "gthread 2 x 4, persistent": {
        "LLO_WORKER_CLASS": "gthread", "LLO_WORKERS": "2", "LLO_THREADS": "4",
        "LLO_DB_CONN_MAX_AGE": "600",
    },
    "gthread 4 x 2, persistent": {
        "LLO_WORKER_CLASS": "gthread", "LLO_WORKERS": "4", "LLO_THREADS": "2",
        "LLO_DB_CONN_MAX_AGE": "600",
    },
    "defaults (llo.gunicorn_conf)": {},
}  # fmt: skip
CSRF = "b" * 32


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llo.settings")
    import django

    django.setup()


def server_env() -> dict[str, str]:
    """A deployment (not a developer's machine): keys of this run, no debug, plain http on
    loopback behind one trusted proxy."""
    from cryptography.fernet import Fernet

    return {
        "LLO_SECRET_KEY": os.environ.get("LLO_RUSH_SECRET") or secrets.token_urlsafe(64),
        "LLO_BSN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "LLO_BSN_HASH_KEY": secrets.token_urlsafe(48),
        "LLO_DEBUG": "false",
        "LLO_HTTPS": "true",  # a deployment; no SSL redirect, no X-Forwarded-Proto: plain http
        "LLO_LOGIN_PLUGINS": "oidc",
        "LLO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LLO_TRUSTED_PROXIES": "1",
        "LLO_LOG_LEVEL": "ERROR",
    }


# --- set-up (a child process on the bench database) --------------------------------------------


def part_setup(n: int, plan_path: str) -> dict[str, Any]:
    """N persons with a user and a session each, an open first-come window whose budget pays
    GRANTS, a preview per person; the plan wrk reads."""
    _django()
    import random

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from llo.accounts import services as accounts
    from llo.core.timeutil import now
    from llo.enrolment.models import Preview, Window
    from llo.enrolment.store.intake import insert_rows
    from llo.people.models import Organisation, Person, User
    from llo.register.models import Offer, Offering, Opleider

    at = now()
    uwv = Organisation.objects.create(kvk="94000001", name="UWV", kind="uwv")
    org = Organisation.objects.create(kvk="94000002", name="Academie Vakwerk", kind="provider")
    opleider = Opleider.objects.create(organisation=org, kind="private")
    offers = [
        Offer.objects.create(
            opleider=opleider, code=f"R{i}", title=f"Cursus {i}", offer_type="course",
            level="eqf_2", leads_to="none", legal_status="cursist", modes=["presential"],
            fee_cents=AMOUNT, price_cents=AMOUNT, state="published",
        )
        for i in range(50)
    ]  # fmt: skip
    offerings = [Offering.objects.create(offer=o, start_date=dt.date(2030, 8, 1)) for o in offers]
    funder = accounts.ensure_funder(uwv)
    budget = accounts.create_budget(
        actor=accounts.SYSTEM, funder=funder, name="bench rush",
        total=Money(2 * GRANTS * AMOUNT), period_start=at.date() - dt.timedelta(days=1),
        period_end=at.date() + dt.timedelta(days=365), scheme="stap",
    )  # fmt: skip
    window = Window.objects.create(
        budget=budget, name="rush", opens_at=at - dt.timedelta(hours=1),
        closes_at=at + dt.timedelta(hours=6), budget_cents=GRANTS * AMOUNT, policy="fcfs",
        training_cap=None,
    )  # fmt: skip
    insert_rows(
        Person,
        [
            {
                "bsn_encrypted": "x", "bsn_hash": f"bench-r-{i}", "display_name": f"P{i}",
                "birth_date": dt.date(1980, 1, 1), "highest_level": "eqf_2",
                "labour_position": "flex", "gemeente_id": "GM0599", "created_at": at,
            }
            for i in range(n)
        ],
    )  # fmt: skip
    persons = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    insert_rows(
        User,
        [
            {
                "username": f"burger:rush{p}", "password": "!", "role": "burger",
                "person_id": p, "display_name": f"P{p}", "is_active": True,
                "is_staff": False, "is_superuser": False, "date_joined": at,
                "login_plugin": "oidc", "assurance_level": "substantial",
            }
            for p in persons
        ],
    )  # fmt: skip
    users = list(User.objects.filter(role="burger").order_by("pk"))
    # What django.contrib.auth.login puts in the session, signed as the server signs it.
    store = SessionStore()
    expire = at + dt.timedelta(minutes=30)
    sessions = []
    keys = {}
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "llo.web.login.oidc.LloOIDCBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            {"session_key": key, "session_data": store.encode(data), "expire_date": expire}
        )
        keys[user.person_id] = key
    insert_rows(Session, sessions)
    insert_rows(
        Preview,
        [
            {
                "person_id": p, "offer_id": offers[i % 50].pk, "offering_id": offerings[i % 50].pk,
                "window_id": window.pk, "peildatum": at.date(), "eligible": True,
                "amount_cents": AMOUNT, "own_cents": 0, "price_cents": AMOUNT, "reasons": [],
                "plan": [], "created_at": at, "actor": "bench",
            }
            for i, p in enumerate(persons)
        ],
    )  # fmt: skip
    previews = dict(Preview.objects.filter(window=window).values_list("person_id", "pk"))
    lines = [
        f"{keys[p]}\t{previews[p]}\t{AMOUNT}\trush-{p}\t10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"
        for i, p in enumerate(persons)
    ]
    rng = random.Random(18)
    retries = rng.sample(lines, int(len(lines) * RETRY_SHARE))
    # a retry comes after its first try, somewhere later in the rush
    plan = lines + retries
    head, tail = plan[: len(lines) // 2], plan[len(lines) // 2 :]
    rng.shuffle(tail)
    Path(plan_path).write_text("\n".join(head + tail) + "\n")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"window": window.pk, "applications": n, "requests": len(plan)}


def part_allocate(window_id: str) -> dict[str, Any]:
    """Close the window now and decide it (the first-come allocator's last run)."""
    _django()
    from llo.core.timeutil import now
    from llo.enrolment import services
    from llo.enrolment.models import Window

    Window.objects.filter(pk=int(window_id)).update(closes_at=now())
    time.sleep(2.1)  # the allocator's watermark
    t = time.perf_counter()
    report = services.allocate_window(Window.objects.get(pk=int(window_id)))
    return {
        "seconds": time.perf_counter() - t,
        "entries": report.entries,
        "granted": report.granted,
        "load": os.getloadavg()[0],
    }


def part_check(payload: str) -> dict[str, Any]:
    """The invariants, in the database, against what the server acknowledged."""
    _django()
    from django.db.models import Count, Sum

    from llo.accounts import services as accounts
    from llo.enrolment.models import Application, IntakeEntry, Window

    given = json.loads(payload)
    window = Window.objects.get(pk=given["window"])
    acked = set(given["acked"])
    entries = IntakeEntry.objects.filter(window=window)
    stored = set(entries.values_list("pk", flat=True))
    granted = Application.objects.filter(window=window, status="granted")
    total = granted.aggregate(s=Sum("amount_cents"))["s"] or 0
    return {
        "entries": len(stored),
        "acked": len(acked),
        "lost_acked": len(acked - stored),
        "duplicate_entries": entries.count()
        - entries.values("person").distinct().count()
        + entries.values("idempotency_key").annotate(n=Count("id")).filter(n__gt=1).count(),
        "undecided": entries.filter(outcome="").count(),
        "granted": granted.count(),
        "overspend_cents": max(0, total - window.budget_cents),
        "duplicate_grants": granted.count() - granted.values("person").distinct().count(),
        "ledger_mismatches": len(accounts.verify_ledger()),
    }


# --- the server and the load generator ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn with llo's configuration, as production runs it."""

    def __init__(self, env: dict[str, str], config: dict[str, str]) -> None:
        self.port = free_port()
        self.env = {**env, **config}
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.proc = subprocess.Popen(
            [gunicorn, "llo.wsgi:application", "-c", "python:llo.gunicorn_conf",
             "--bind", f"127.0.0.1:{self.port}"],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        import urllib.request

        for _ in range(600):
            try:
                with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        assert self.proc is not None
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        return [int(c) for c in children.split()]

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --- CPU seconds spent per request (independent of what else the shared machine runs) -------

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int, reaped: bool) -> float:
    """CPU seconds of a process (with its reaped children's when ``reaped``); 0 when gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / _TICK


def tree_cpu(root: int) -> float:
    """CPU seconds of a process, its live children and the children it reaped (gunicorn's
    master and its workers, restarted ones included; PostgreSQL's postmaster and every
    backend, autovacuum and WAL writer)."""
    try:
        children = Path(f"/proc/{root}/task/{root}/children").read_text().split()
    except FileNotFoundError:
        children = []
    return _stat(root, True) + sum(_stat(int(c), False) for c in children)


def postmaster() -> int:
    """The PostgreSQL server's main process (the parent of a backend)."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        (backend,) = conn.execute("SELECT pg_backend_pid()").fetchone()  # type: ignore[misc]
        # Read while the connection is open: its backend exits when it closes (make test
        # once found /proc/<backend> gone).
        status = Path(f"/proc/{backend}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


class Meter:
    """CPU seconds of the app servers, the database and the load generator over a stretch."""

    def __init__(self, servers: list[Server]) -> None:
        self.servers = servers
        self.database = postmaster()

    def now(self) -> tuple[float, float, float]:
        import resource

        own = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it is waited for
        app = sum(tree_cpu(s.proc.pid) for s in self.servers if s.proc is not None)
        return app, tree_cpu(self.database), own.ru_utime + own.ru_stime

    @staticmethod
    def per_request(
        before: tuple[float, float, float], after: tuple[float, float, float], requests: int
    ) -> dict[str, float]:
        app, db, wrk = (
            1e6 * (b - a) / max(1, requests) for a, b in zip(before, after, strict=True)
        )
        return {"app_us": app, "database_us": db, "wrk_us": wrk, "server_us": app + db}


def floor(url: str) -> dict[str, Any]:
    load = os.getloadavg()[0]
    done = subprocess.run(
        ["wrk", "-t", str(WRK_THREADS), "-c", str(CONNECTIONS), "-d", f"{FLOOR_SECONDS}s",
         "--latency", "-s", str(HERE / "health.lua"), f"{url}/api/v1/health"],
        capture_output=True, text=True, check=True, timeout=FLOOR_SECONDS + 120,
    )  # fmt: skip
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["rate"] = out["requests"] / out["seconds"]
    out["load"] = (load + os.getloadavg()[0]) / 2
    return out


def rush(urls: list[str], plan: str, window: int, kill: Server | None = None) -> dict[str, Any]:
    """wrk on each url with its share of the plan; stopped when every thread has all its
    answers. ``kill``: SIGKILL one of its workers when a third of the plan is answered."""
    work = Path(tempfile.mkdtemp(prefix="llo-rush-"))
    lines = Path(plan).read_text().splitlines()
    procs = []
    load = os.getloadavg()[0]
    for index, url in enumerate(urls):
        part = work / f"plan{index}"
        part.write_text("\n".join(lines[index :: len(urls)]) + "\n")
        env = {
            **os.environ, "LLO_RUSH_PLAN": str(part), "LLO_RUSH_OUT": str(work / f"out{index}"),
            "LLO_RUSH_THREADS": str(WRK_THREADS), "LLO_RUSH_CSRF": CSRF,
            "LLO_RUSH_WINDOW": str(window),
        }  # fmt: skip
        command = [
            "wrk", "-t", str(WRK_THREADS), "-c", str(CONNECTIONS // len(urls)), "-d", "3600s",
            "--timeout", "10s", "--latency", "-s", str(HERE / "rush.lua"), url,
        ]  # fmt: skip
        procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True))
    expected = [work / f"out{i}.{t}.done" for i in range(len(urls)) for t in (1, 2)]
    killed = None
    stalled = False
    started = time.perf_counter()
    last, last_change = -1, started
    while not all(p.exists() for p in expected):
        time.sleep(0.05)
        answered = sum(
            len(p.read_text().splitlines()) for p in work.glob("out*.[0-9]") if p.exists()
        )
        if answered != last:
            last, last_change = answered, time.perf_counter()
        elif time.perf_counter() - last_change > STALL_SECONDS:
            # A request lost on a socket (wrk counts it as an error and never calls
            # response()): its thread cannot finish; the rest is answered.
            stalled = True
            break
        if kill is not None and killed is None and answered >= len(lines) // 3:
            killed = kill.workers()[0]
            os.kill(killed, signal.SIGKILL)
    results = []
    for proc in procs:
        proc.send_signal(signal.SIGINT)
        stdout, _ = proc.communicate(timeout=60)
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    statuses: dict[str, int] = {}
    # each thread's answers by status as wrk's done() wrote them, finished or not
    for p in (work / f"out{i}.{t}.final" for i in range(len(urls)) for t in (1, 2)):
        if not p.exists():
            continue
        for line in p.read_text().splitlines():
            code, count = line.split()
            statuses[code] = statuses.get(code, 0) + int(count)
    acked = []
    replayed = 0
    for p in work.glob("out*.[0-9]"):
        for line in p.read_text().splitlines():
            entry, how = line.split()
            acked.append(int(entry))
            replayed += how == "r"
    shutil.rmtree(work)
    # from wrk's start to the last acknowledged answer: not the tail of health checks while
    # the other threads finish, nor the wait for a request lost on a socket
    seconds = last_change - started
    answered = sum(statuses.values())
    return {
        "answers": answered,
        "requests": sum(r["requests"] for r in results),
        "seconds": seconds,
        "rate": answered / seconds,
        "p50_ms": max(r["p50_ms"] for r in results),
        "p99_ms": max(r["p99_ms"] for r in results),
        "socket_errors": sum(r["errors"] for r in results),
        "statuses": statuses,
        "acked": sorted(set(acked)),
        "replayed": replayed,
        "killed_worker": killed,
        "stalled": stalled,
        "load": (load + os.getloadavg()[0]) / 2,
    }


def scenario(
    name: str, env: dict[str, str], config: dict[str, str], instances: int = 1, kill: bool = False
) -> dict[str, Any]:
    """A fresh database, the set-up, the floor, the rush, the allocator, the check."""
    if "LLO_BENCH_RUSH_DB" not in os.environ:
        fresh_database()
    plan = str(Path(tempfile.mkdtemp(prefix="llo-rush-plan-")) / "plan.tsv")
    setup = run_part("rush", DB, "setup", str(APPLICATIONS), plan)
    plan_dir = Path(plan).parent
    servers = [Server({**os.environ, **env, "DATABASE_URL": database_url(DB)}, config)
               for _ in range(instances)]  # fmt: skip
    for server in servers:
        server.__enter__()
    try:
        meter = Meter(servers)
        start = meter.now()
        base = floor(servers[0].url)
        middle = meter.now()
        run = rush([s.url for s in servers], plan, setup["window"], servers[0] if kill else None)
        end = meter.now()
        base["cpu"] = Meter.per_request(start, middle, base["requests"])
        # wrk's requests beyond the answers were health checks (its first, and a thread's
        # tail while the other finishes): taken off at the floor's cost
        tail = max(0, run["requests"] - run["answers"])
        run["cpu"] = {
            key: (value * run["requests"] - tail * base["cpu"][key]) / max(1, run["answers"])
            for key, value in Meter.per_request(middle, end, run["requests"]).items()
        }
    finally:
        for server in servers:
            server.__exit__()
        shutil.rmtree(plan_dir)
    allocated = run_part("rush", DB, "allocate", str(setup["window"]))
    check = run_part(
        "rush", DB, "check", stdin=json.dumps({"window": setup["window"], "acked": run["acked"]})
    )
    run.pop("acked")
    errors = sum(n for code, n in run["statuses"].items() if code not in ("202", "409", "429"))
    return {
        "name": name, "instances": instances, "setup": setup, "floor": base, "rush": run,
        "errors": errors + run["socket_errors"], "allocate": allocated, "check": check,
        # the requests the killed worker was answering die with it (sync: one; gthread: its
        # threads): lost on their sockets, never acknowledged
        "expected_errors": (
            int({**os.environ, **config}.get("LLO_THREADS", "1")) if kill else 0
        ),
        "ratio": run["rate"] / base["rate"],
        "cpu_ratio": base["cpu"]["server_us"] / max(1.0, run["cpu"]["server_us"]),
    }  # fmt: skip


_MIGRATED = DB + "_template"


def fresh_database() -> None:
    """The bench's database, empty and migrated: migrated once per run, then copied from that
    template for each scenario (a migration takes minutes on a loaded machine)."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        known = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_MIGRATED]).fetchone()
    if known is None:
        recreate_database(_MIGRATED)
        migrate(_MIGRATED)
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}" TEMPLATE "{_MIGRATED}"')


def problems(result: dict[str, Any]) -> list[str]:
    """The invariants a rush must hold, as messages (empty: all hold)."""
    c = result["check"]
    found = []
    for key in ("lost_acked", "duplicate_entries", "undecided", "overspend_cents",
                "duplicate_grants", "ledger_mismatches"):  # fmt: skip
        if c[key]:
            found.append(f"{key}: {c[key]}")
    if result["errors"] > result.get("expected_errors", 0):
        found.append(f"errors: {result['errors']} ({result['rush']['statuses']})")
    if c["entries"] > result["setup"]["applications"]:
        found.append(f"entries {c['entries']} > applications {result['setup']['applications']}")
    return found


def rows_of(r: dict[str, Any]) -> list[tuple[str, str]]:
    f, u, c, a = r["floor"], r["rush"], r["check"], r["allocate"]
    return [
        (
            f"{r['name']}: intake",
            f"{u['rate']:,.0f} answers/s over HTTP = {100 * r['ratio']:.0f} % of the floor "
            f"({u['statuses'].get('202', 0) / u['seconds']:,.0f} accepted/s); "
            f"p50 {u['p50_ms']:.0f} ms, p99 {u['p99_ms']:.0f} ms; load {u['load']:.1f}",
        ),
        (
            f"{r['name']}: floor",
            f"GET /api/v1/health {f['rate']:,.0f}/s (p50 {f['p50_ms']:.0f} ms, "
            f"p99 {f['p99_ms']:.0f} ms); load {f['load']:.1f}",
        ),
        (
            f"{r['name']}: CPU a request",
            f"intake {u['cpu']['server_us']:,.0f} µs (app {u['cpu']['app_us']:,.0f}, database "
            f"{u['cpu']['database_us']:,.0f}; wrk {u['cpu']['wrk_us']:,.0f}), floor "
            f"{f['cpu']['server_us']:,.0f} µs (app {f['cpu']['app_us']:,.0f}, database "
            f"{f['cpu']['database_us']:,.0f}; wrk {f['cpu']['wrk_us']:,.0f}): "
            f"{100 * r['cpu_ratio']:.0f} % of the floor's cost",
        ),
        (
            f"{r['name']}: answers",
            f"{u['answers']:,} ({u['statuses']}), {u['replayed']:,} replays; errors "
            f"{r['errors']}"
            + (f"; killed worker {u['killed_worker']}" if u["killed_worker"] else ""),
        ),
        (
            f"{r['name']}: allocator",
            f"{a['seconds']:.1f} s for {a['entries']:,} entries, {a['granted']:,} grants",
        ),
        (
            f"{r['name']}: invariants",
            f"acknowledged {c['acked']:,}, lost {c['lost_acked']}, duplicate entries "
            f"{c['duplicate_entries']}, undecided {c['undecided']}, overspend "
            f"{c['overspend_cents']}, duplicate grants {c['duplicate_grants']}, ledger "
            + ("ok" if c["ledger_mismatches"] == 0 else f"{c['ledger_mismatches']} mismatches"),
        ),
    ]


def main() -> dict[str, Any]:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench/rush needs PostgreSQL: run it with scripts/with-postgres.sh")
        return {"skipped": "needs PostgreSQL"}
    env = server_env()
    os.environ["LLO_RUSH_SECRET"] = env["LLO_SECRET_KEY"]
    # The set-up signs sessions with the server's key: the children get this environment.
    os.environ.update({k: v for k, v in env.items() if k != "LLO_LOG_LEVEL"})
    wanted = os.environ.get("LLO_BENCH_RUSH_SCENARIOS", "configs,rush,two,kill").split(",")
    results = []
    if "configs" in wanted:
        for name, config in list(CONFIGS.items())[:-1]:
            results.append(scenario(name, env, config))
    elif "baseline" in wanted:  # only the starting point, beside the defaults
        name, config = next(iter(CONFIGS.items()))
        results.append(scenario(name, env, config))
    if "rush" in wanted:
        results.append(scenario("defaults", env, {}))
    if "two" in wanted:
        results.append(scenario("two instances", env, {}, instances=2))
    if "kill" in wanted:
        results.append(scenario("worker killed", env, {}, kill=True))
    rows = [("applications (+10 % retried) / connections", f"{APPLICATIONS:,} / {CONNECTIONS}")]
    for r in results:
        rows.extend(rows_of(r))
        for p in problems(r):
            rows.append((f"{r['name']}: FAILED", p))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)} | value")
    print(f"{'-' * width}-|-{'-' * 40}")
    for name, value in rows:
        print(f"{name.ljust(width)} | {value}")
    return {"applications": APPLICATIONS, "connections": CONNECTIONS, "results": results}


def smoke() -> int:
    """A small rush with its invariants (make test): non-zero when one fails."""
    env = server_env()
    os.environ["LLO_RUSH_SECRET"] = env["LLO_SECRET_KEY"]
    os.environ.update({k: v for k, v in env.items() if k != "LLO_LOG_LEVEL"})
    result = scenario("smoke", env, {})
    print(json.dumps(result, default=str))
    found = problems(result)
    for p in found:
        print(p, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    part = sys.argv[1]
    if part == "smoke":
        sys.exit(smoke())
    if part == "setup":
        result = part_setup(int(sys.argv[2]), sys.argv[3])
    elif part == "allocate":
        result = part_allocate(sys.argv[2])
    else:
        result = part_check(sys.stdin.read())
    print(json.dumps(result))
