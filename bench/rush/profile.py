# SPDX-License-Identifier: EUPL-1.2
"""Where one window application's time goes, in-process (issue 18, decision 013).

``scripts/with-postgres.sh .venv/bin/python -m bench.rush.profile [N]``: the rush's set-up
(N persons with a session and a preview, an open window), then N ``POST
/api/v1/windows/{id}/applications`` and N ``GET /api/v1/health`` called straight on llo's WSGI
application (the whole middleware stack, no server, no socket) with the production settings
of bench/rush: the mean microseconds of each, the SQL statements of each, and a cProfile of
the applications (``var/rush-profile.txt``; the top lines are printed). The difference between
the two is what the intake path costs beyond the framework's floor.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, database_url, run_part
from bench.rush import run as rush

OUT = ROOT / "var" / "rush-profile.txt"


def _environ(method: str, path: str, body: bytes = b"", **headers: str) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        "HTTP_X_LLO_QUEUED": "0",
    }  # fmt: skip
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["CONTENT_TYPE"] = "application/json"
    for name, value in headers.items():
        environ["HTTP_" + name.upper()] = value
    return environ


def _call(app: Any, environ: dict[str, Any]) -> tuple[str, bytes]:
    seen: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        seen.append(status)

    result = app(environ, start_response)
    body = b"".join(result)
    if hasattr(result, "close"):
        result.close()
    return seen[0], body


def part_run(plan_path: str, window: str) -> dict[str, Any]:
    rush._django()
    import django
    from django.core.wsgi import get_wsgi_application

    django_dir = django.__file__
    from django.db import connection

    app = get_wsgi_application()
    lines = [line.split("\t") for line in Path(plan_path).read_text().splitlines()]
    firsts: dict[str, list[str]] = {}
    for f in lines:
        firsts.setdefault(f[3], f)
    plan = list(firsts.values())

    def post(f: list[str]) -> dict[str, Any]:
        body = json.dumps({"previewId": int(f[1]), "amountCents": int(f[2])}).encode()
        return _environ(
            "POST", f"/api/v1/windows/{window}/applications", body,
            cookie=f"llo_session={f[0]}; llo_csrf={rush.CSRF}", x_csrftoken=rush.CSRF,
            idempotency_key=f[3], x_forwarded_for=f[4],
        )  # fmt: skip

    health = _environ("GET", "/api/v1/health")
    statements: dict[str, list[str]] = {"post": [], "health": []}
    current: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        current.append(sql.split("\n")[0][:120])
        return execute(sql, params, many, context)

    warm, n = 50, len(plan) - 50
    third = n // 3
    for f in plan[:warm]:
        status, body = _call(app, post(f))
        assert status.startswith("202"), (status, body)
    for _ in range(warm):
        _call(app, {**health, "wsgi.input": io.BytesIO()})
    with connection.execute_wrapper(count):
        _call(app, post(plan[warm]))
        statements["post"] = list(current)
        current.clear()
        _call(app, {**health, "wsgi.input": io.BytesIO()})
        statements["health"] = list(current)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()

    def backend_cpu() -> float:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def timed_run(envs: list[dict[str, Any]], expect: str) -> dict[str, float]:
        t, c, b = time.perf_counter(), time.process_time(), backend_cpu()
        for environ in envs:
            status, body = _call(app, environ)
            assert status.startswith(expect), (status, body)
        n = len(envs)
        return {
            "wall_us": (time.perf_counter() - t) / n * 1e6,
            "python_cpu_us": (time.process_time() - c) / n * 1e6,
            "postgres_cpu_us": (backend_cpu() - b) / n * 1e6,
        }

    timed = plan[warm + 1 : warm + 1 + third]
    post_t = timed_run([post(f) for f in timed], "202")
    health_t = timed_run([{**health, "wsgi.input": io.BytesIO()} for _ in timed], "200")
    # the same, under cProfile
    profiled = [post(f) for f in plan[warm + 1 + third :]]
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for environ in profiled:
        _call(app, environ)
    profiler.disable()
    hprof = cProfile.Profile(time.process_time)
    healths = [{**health, "wsgi.input": io.BytesIO()} for _ in range(len(profiled))]
    hprof.enable()
    for environ in healths:
        _call(app, environ)
    hprof.disable()
    text = io.StringIO()
    for title, prof in (("POST applications", profiler), ("GET health", hprof)):
        for key in ("cumulative", "tottime"):
            text.write(f"\n===== {title}, {len(profiled)} requests, by {key} =====\n")
            pstats.Stats(prof, stream=text).sort_stats(key).print_stats(70)
    OUT.parent.mkdir(exist_ok=True)
    site = str(Path(django_dir).parent.parent) + "/"
    OUT.write_text(text.getvalue().replace(site, "").replace(str(ROOT) + "/", ""))
    return {
        "post": post_t, "health": health_t,
        "cpu_ratio": (health_t["python_cpu_us"] + health_t["postgres_cpu_us"])
        / (post_t["python_cpu_us"] + post_t["postgres_cpu_us"]),
        "statements": statements, "requests": len(timed), "load": os.getloadavg()[0],
    }  # fmt: skip


def main(n: int) -> None:
    env = rush.server_env()
    os.environ["LLO_RUSH_SECRET"] = env["LLO_SECRET_KEY"]
    os.environ.update({k: v for k, v in env.items() if k != "LLO_LOG_LEVEL"})
    os.environ["LLO_LOG_LEVEL"] = "ERROR"
    rush.fresh_database()
    plan = str(Path(tempfile.mkdtemp(prefix="llo-rush-prof-")) / "plan.tsv")
    setup = run_part("rush", rush.DB, "setup", str(n), plan)
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "bench.rush.profile", "run", plan, str(setup["window"])],
        env={**os.environ, "DATABASE_URL": database_url(rush.DB),
             "DJANGO_SETTINGS_MODULE": "llo.settings"},
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr[-5000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=1))
    print(OUT.read_text()[:12000])


if __name__ == "__main__":
    if sys.argv[1:2] == ["run"]:
        print(json.dumps(part_run(sys.argv[2], sys.argv[3])))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
