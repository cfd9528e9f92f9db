# SPDX-License-Identifier: EUPL-1.2
"""bench/search: the register search on 500,000 offers, on PostgreSQL and on SQLite.

For each database (a child process each, since Django's settings are per process):

1. migrate a fresh database and load 500,000 generated offers (``llo.demo.offers``);
2. run 1,000 varied queries through the service layer (``llo.register.search.search``), in
   two scenarios: *filtered* (text + two filters + facet counts) and *ranked* (text only,
   ranked, with the total count, exact or estimated); a warm-up pass first captures the SQL of
   each query (with its SET LOCAL planner settings), which is then replayed alone, in a
   transaction, to give the raw database time (ratio = service p50 / raw p50);
3. on PostgreSQL also a plain ``ts_rank`` query as the baseline the design avoids;
4. import and index 100,000 offers from one OOAPI JSON file (``import_file``, publish=true).

Goals (PostgreSQL): filtered p95 <= 50 ms, ranked p95 <= 100 ms, import <= 60 s.
Sizes can be lowered for a quick run: LLO_BENCH_SEARCH_OFFERS, _QUERIES, _IMPORT; and
LLO_BENCH_SEARCH_DATABASES=postgresql (or sqlite) runs one half.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import percentile

SEED = 20261123
OFFERS = int(os.environ.get("LLO_BENCH_SEARCH_OFFERS", "500000"))
QUERIES = int(os.environ.get("LLO_BENCH_SEARCH_QUERIES", "1000"))
IMPORT = int(os.environ.get("LLO_BENCH_SEARCH_IMPORT", "100000"))
DATABASES = os.environ.get("LLO_BENCH_SEARCH_DATABASES", "postgresql,sqlite").split(",")
GOALS = {"filtered": 50.0, "ranked": 100.0, "import": 60.0}
ROOT = Path(__file__).resolve().parents[2]

WORDS = (
    "zorg", "lassen", "boekhouden", "heftruck", "verzorgende", "helpende", "python",
    "cybersecurity", "leidinggeven", "excel", "vca", "dementie", "medicatie", "taal",
    "rekenen", "digitale vaardigheden", "timmerman", "kok", "hygiëne", "verkoop",
    "projectmanagement", "warmtepompen", "zonnepanelen", "installatie", "monteur", "onderhoud",
    "data-analyse", "netwerkbeheer", "administratie", "salarisadministratie", "loon", "magazijn",
    "reachtruck", "barista", "gastheer", "wondzorg", "palliatieve zorg", "verpleegkunde",
    "doktersassistent", "onderwijsassistent", "nederlands", "schrijven", "lezen", "certificaat",
    "microcredential", "evc", "lasser", "mkb", "praktijk", "werkvloer", "metaal", "storingen",
    "boekhoudng", "verpleegkundge", "lasen", "heftuck", "dementei", "zorg dementie",
    "lassen mig", "excel gevorderden", "veilig werken", "code 95", "lean", "scrum",
)  # fmt: skip
LEVELS = ("eqf_0", "eqf_1", "eqf_2", "eqf_3", "eqf_4", "eqf_5", "eqf_6")
MODES = ("presential", "online", "blended", "work_based")
TYPES = ("course", "programme", "module", "microcredential", "basic_skills", "evc")
LEADS = ("none", "diploma", "mbo_certificate", "microcredential", "experience_certificate")


def make_queries(n: int, regions: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """``n`` filtered and ``n`` ranked queries, the same on both databases."""
    rng = random.Random(SEED)
    today = dt.date.today().replace(day=1)
    out: list[tuple[str, dict[str, Any]]] = []
    filters = ("level", "region", "maxPrice", "mode", "start", "providerKind", "leadsTo", "type")
    for _ in range(n):
        spec: dict[str, Any] = {"text": rng.choice(WORDS), "facets": True}
        for name in rng.sample(filters, 2):
            if name == "level":
                spec["levels"] = tuple(rng.sample(LEVELS, rng.randint(1, 2)))
            elif name == "region":
                spec["regions"] = (rng.choice(regions),)
            elif name == "maxPrice":
                spec["max_price_cents"] = rng.randrange(300, 3000, 50) * 100
            elif name == "mode":
                spec["modes"] = (rng.choice(MODES),)
            elif name == "start":
                start = today + dt.timedelta(days=rng.randint(0, 300))
                spec["start_from"], spec["start_to"] = start, start + dt.timedelta(days=60)
            elif name == "providerKind":
                spec["provider_kinds"] = (rng.choice(("public", "private")),)
            elif name == "leadsTo":
                spec["leads_to"] = (rng.choice(LEADS),)
            else:
                spec["offer_types"] = (rng.choice(TYPES),)
        out.append(("filtered", spec))
    for _ in range(n):
        out.append(("ranked", {"text": rng.choice(WORDS), "facets": False}))
    return out


def ooapi_file(n: int) -> bytes:
    """An OOAPI JSON file of ``n`` courses with one or two offerings each."""
    rng = random.Random(SEED + 1)
    first = dt.date.today().replace(day=1)
    courses, offerings = [], []
    titles = ("Lassen MIG/MAG", "Heftruck certificaat", "Boekhouden voor het mkb",
              "Excel voor gevorderden", "Dementie in de praktijk", "VCA basis",
              "Programmeren in Python", "Leidinggeven in de praktijk")  # fmt: skip
    for i in range(n):
        course_id = f"00000000-0000-4000-8000-{i:012d}"
        title = f"{rng.choice(titles)} {i % 97}"
        courses.append(
            {
                "courseId": course_id,
                "primaryCode": {"codeType": "identifier", "code": f"IMP-{i:06d}"},
                "name": [{"language": "nl-NL", "value": title}],
                "description": [
                    {
                        "language": "nl-NL",
                        "value": f"{title}: een praktische cursus voor werkenden in het mkb. "
                        "Je oefent met opdrachten uit je eigen werk.",
                    }
                ],
                "studyLoad": [{"studyLoadUnit": "hour", "value": rng.randint(8, 120)}],
                "modesOfDelivery": ["presential"],
                "ext": {
                    "levelOfQualification": rng.choice(("eqf_2", "eqf_3", "eqf_4")),
                    "gemeenten": [rng.choice(("GM0599", "GM0153", "GM0344", "GM0363"))],
                    "skills": ["Veilig werken"],
                    "priceInformation": [
                        {"costType": "total_costs", "amount": f"{rng.randint(150, 2500)}.00"}
                    ],
                },
            }
        )
        for k in range(rng.randint(1, 2)):
            start = first + dt.timedelta(days=30 + 60 * k + rng.randint(0, 20))
            offerings.append(
                {
                    "courseOfferingId": f"00000000-0000-4000-9{k:03d}-{i:012d}",
                    "courseId": course_id,
                    "primaryCode": {"codeType": "offering_code", "code": f"IMP-{i:06d}-{k}"},
                    "name": [{"language": "nl-NL", "value": title}],
                    "startDateTime": start.isoformat(),
                    "maxNumberStudents": 12,
                }
            )
    return json.dumps({"courses": courses, "offerings": offerings}).encode()


# --- the child: one database --------------------------------------------------------------


def child(vendor: str) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llo.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from llo.core.audit import Actor
    from llo.demo.offers import load_offers
    from llo.people.models import Organisation, OrganisationKind
    from llo.regions.models import Region
    from llo.register.importers import import_file
    from llo.register.models import Opleider, QualityMark
    from llo.register.search import SearchQuery, search

    result: dict[str, Any] = {"database": vendor, "offers": OFFERS}
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    counts = load_offers(seed=SEED, providers=max(300, OFFERS // 250), offers=OFFERS)
    result["load_seconds"] = round(time.perf_counter() - started, 1)
    result["offers_loaded"] = counts["offers"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    regions = list(Region.objects.values_list("code", flat=True))
    plan = make_queries(QUERIES, regions)

    captured: list[list[tuple[str, Any]]] = []

    def capture_into(bucket: list[tuple[str, Any]]) -> Any:
        def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            # The search statements and the planner settings they run with.
            if "register_search" in sql or sql.startswith("SET LOCAL"):
                bucket.append((sql, params))
            return execute(sql, params, many, context)

        return wrapper

    # Warm-up pass: fills the caches and captures each query's search SQL.
    for _, spec in plan:
        bucket: list[tuple[str, Any]] = []
        with connection.execute_wrapper(capture_into(bucket)):
            search(SearchQuery(**spec))
        captured.append(bucket)
    timings: dict[str, list[float]] = {"filtered": [], "ranked": []}
    raw: dict[str, list[float]] = {"filtered": [], "ranked": []}
    totals: dict[str, list[int]] = {"filtered": [], "ranked": []}
    for scenario, spec in plan:
        t = time.perf_counter()
        found = search(SearchQuery(**spec))
        timings[scenario].append((time.perf_counter() - t) * 1000)
        totals[scenario].append(found.total)
    for (scenario, _), statements in zip(plan, captured, strict=True):
        with transaction.atomic(), connection.cursor() as cursor:
            t = time.perf_counter()
            for sql, params in statements:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()
            raw[scenario].append((time.perf_counter() - t) * 1000)
    for scenario in ("filtered", "ranked"):
        p50, p95 = percentile(timings[scenario], 0.5), percentile(timings[scenario], 0.95)
        r50, r95 = percentile(raw[scenario], 0.5), percentile(raw[scenario], 0.95)
        result[scenario] = {
            "queries": len(timings[scenario]),
            "p50_ms": round(p50, 1),
            "p95_ms": round(p95, 1),
            "raw_p50_ms": round(r50, 1),
            "raw_p95_ms": round(r95, 1),
            "ratio_p50": round(p50 / r50, 2) if r50 else None,
            "median_results": int(statistics.median(totals[scenario])),
        }
    if vendor == "postgresql":
        result["baseline_ts_rank"] = _baseline(connection)
    # Import and index 100,000 offers from one OOAPI file.
    org = Organisation.objects.create(
        kvk="89999999", name="Bench Import Academie", kind=OrganisationKind.PROVIDER,
        gemeente_id="GM0599",
    )  # fmt: skip
    provider = Opleider.objects.create(organisation=org, kind="private")
    for kind in ("nrto", "crkbo"):
        QualityMark.objects.create(opleider=provider, kind=kind, valid_from=dt.date(2020, 1, 1))
    data = ooapi_file(IMPORT)
    started = time.perf_counter()
    report = import_file(actor=Actor.system("bench"), opleider=provider, data=data, publish=True)
    result["import"] = {
        "offers": IMPORT,
        "megabytes": round(len(data) / 1e6, 1),
        "seconds": round(time.perf_counter() - started, 1),
        "ok": report.ok,
        "published": report.summary.published if report.summary else 0,
        "issues": report.issue_count,
    }
    return result


def _baseline(connection: Any) -> dict[str, Any]:
    """A plain ranked full-text query: ts_rank over every match, then the top 20."""
    from llo.register.search.base import prefix_of
    from llo.register.search.text import lexemes

    times = []
    for word in WORDS[:50]:
        stems = lexemes(word)
        if not stems:
            continue
        query = " & ".join(f"'{prefix_of(s)}':*" for s in stems)
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT offer_id FROM register_searchentry WHERE document @@ %s::tsquery "
                "ORDER BY ts_rank(document, %s::tsquery) DESC LIMIT 20",
                [query, query],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT count(*) FROM register_searchentry WHERE document @@ %s::tsquery", [query]
            )
            cursor.fetchall()
        times.append((time.perf_counter() - t) * 1000)
    return {
        "queries": len(times),
        "p50_ms": round(percentile(times, 0.5), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
    }


# --- the parent ---------------------------------------------------------------------------


def _run_child(vendor: str, env: dict[str, str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("r", suffix=".json", delete=False) as out:
        pass
    cmd = [sys.executable, "-m", "bench.search.run", "--child", vendor, "--out", out.name]
    print(
        f"   {vendor}: loading {OFFERS:,} offers and running {2 * QUERIES:,} queries ...",
        flush=True,
    )
    completed = subprocess.run(cmd, cwd=ROOT, env=env, check=False)
    if completed.returncode != 0:
        return {"database": vendor, "error": f"exit code {completed.returncode}"}
    data: dict[str, Any] = json.loads(Path(out.name).read_text())
    Path(out.name).unlink()
    return data


def _postgres_env() -> dict[str, str] | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    import psycopg

    base, _, _name = url.rpartition("/")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS llo_bench_search")
        conn.execute("CREATE DATABASE llo_bench_search")
    return {**os.environ, "DATABASE_URL": f"{base}/llo_bench_search"}


def main() -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    env_pg = _postgres_env() if "postgresql" in DATABASES else None
    if env_pg is None and "postgresql" in DATABASES:
        print("   DATABASE_URL is not PostgreSQL: only the SQLite half runs (make bench runs both)")
    else:
        results.append(_run_child("postgresql", env_pg))
    if "sqlite" in DATABASES:
        with tempfile.TemporaryDirectory() as tmp:
            env_lite = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}
            results.append(_run_child("sqlite", env_lite))
    _print(results)
    return {"goals_ms": GOALS, "databases": results}


def _print(results: list[dict[str, Any]]) -> None:
    header = (
        f"{'database':<11} {'scenario':<9} {'p50 ms':>8} {'p95 ms':>8} {'raw p50':>8} "
        f"{'raw p95':>8} {'ratio':>6} {'goal p95':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        if "error" in r:
            print(f"{r['database']:<11} error: {r['error']}")
            continue
        for scenario in ("filtered", "ranked"):
            s = r[scenario]
            goal = f"{GOALS[scenario]:.0f}" if r["database"] == "postgresql" else "-"
            print(
                f"{r['database']:<11} {scenario:<9} {s['p50_ms']:>8} {s['p95_ms']:>8} "
                f"{s['raw_p50_ms']:>8} {s['raw_p95_ms']:>8} {s['ratio_p50']!s:>6} {goal:>9}"
            )
        if "baseline_ts_rank" in r:
            b = r["baseline_ts_rank"]
            print(
                f"{r['database']:<11} {'ts_rank':<9} {b['p50_ms']:>8} {b['p95_ms']:>8}"
                "   (plain ranked baseline)"
            )
        imp = r["import"]
        goal = f"{GOALS['import']:.0f} s" if r["database"] == "postgresql" else "-"
        print(
            f"{r['database']:<11} import {imp['offers']:,} offers ({imp['megabytes']} MB): "
            f"{imp['seconds']} s (goal {goal}); "
            f"load of {r['offers_loaded']:,}: {r['load_seconds']} s"
        )


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT / "src"))
        data = child("postgresql" if sys.argv[2] == "postgresql" else "sqlite")
        Path(sys.argv[4]).write_text(json.dumps(data, default=str))
    else:
        print(json.dumps(main(), indent=2, default=str))
