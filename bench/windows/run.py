# SPDX-License-Identifier: EUPL-1.2
"""bench/windows: a window rush on PostgreSQL through the service layer.

SUBMISSIONS applications (default 20,000) from CLIENTS concurrent processes (default 16), each
with its own connection, into one window whose budget pays GRANTS of them:

* **intake**: ``services.submit`` appends an entry (no shared row locked), then one allocator
  (``services.allocate_window``) grants in arrival order and moves the money;
* **conditional**: ``submit_conditional`` (bench/windows/conditional.py: out of production
  code since it lost this comparison) grants inside the request with a conditional update
  of the window total and moves the money there.

Reports throughput, p50/p95 latency of a request, allocator time, overspend (must be 0),
and applications per minute against STAP's portal (about 300 a minute). Previews (the decision
shown before confirming) are made in the set-up, as people look before a window opens.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import os
import sys
import time
from typing import Any

from bench.common import migrate, recreate_database, run_part
from llo.core.money import Money

DB = "llo_bench_windows"
SUBMISSIONS = int(os.environ.get("LLO_BENCH_WINDOW_SUBMISSIONS", "20000"))
CLIENTS = int(os.environ.get("LLO_BENCH_WINDOW_CLIENTS", "16"))
GRANTS = int(os.environ.get("LLO_BENCH_WINDOW_GRANTS", "2000"))
AMOUNT = 90_000
STAP_PER_MINUTE = 300
AT = dt.datetime(2023, 5, 1, 10, 0, tzinfo=dt.UTC)


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llo.settings")
    import django

    django.setup()


def _child(part: str, *args: str, setup: str = "") -> dict[str, Any]:
    """``setup`` (JSON with every preview id, too long for a command line at the default
    size) goes on the child's standard input."""
    return run_part("windows", DB, part, *args, stdin=setup)


def part_setup() -> dict[str, Any]:
    _django()
    from llo.accounts import services as accounts
    from llo.core.timeutil import now
    from llo.enrolment.models import Preview, Window
    from llo.people.models import Organisation, Person
    from llo.register.models import Offer, Offering, Opleider

    uwv = Organisation.objects.create(kvk="92000001", name="UWV", kind="uwv")
    org = Organisation.objects.create(kvk="92000002", name="Academie Vakwerk", kind="provider")
    opleider = Opleider.objects.create(organisation=org, kind="private")
    offers = [
        Offer.objects.create(
            opleider=opleider,
            code=f"B{i}",
            title=f"Cursus {i}",
            offer_type="course",
            level="eqf_2",
            leads_to="none",
            legal_status="cursist",
            modes=["presential"],
            fee_cents=AMOUNT,
            price_cents=AMOUNT,
            state="published",
        )
        for i in range(20)
    ]
    offerings = [Offering.objects.create(offer=o, start_date=dt.date(2023, 8, 1)) for o in offers]
    funder = accounts.ensure_funder(uwv)
    persons = Person.objects.bulk_create(
        Person(
            bsn_encrypted="x",
            bsn_hash=f"bench-w-{i}",
            display_name=f"P{i}",
            birth_date=dt.date(1980, 1, 1),
            highest_level="eqf_2",
            labour_position="flex",
            gemeente_id="GM0599",
        )
        for i in range(SUBMISSIONS)
    )
    windows = {}
    for design in ("intake", "conditional"):
        budget = accounts.create_budget(
            actor=accounts.SYSTEM,
            funder=funder,
            name=f"bench {design}",
            total=Money(10 * GRANTS * AMOUNT),
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2023, 12, 31),
            scheme="stap",
        )
        window = Window.objects.create(
            budget=budget,
            name=design,
            opens_at=AT - dt.timedelta(hours=1),
            closes_at=AT + dt.timedelta(hours=2),
            budget_cents=GRANTS * AMOUNT,
            policy="fcfs",
            training_cap=300,
        )
        created = now()
        previews = Preview.objects.bulk_create(
            Preview(
                person=p,
                offer=offers[i % 20],
                offering=offerings[i % 20],
                window=window,
                peildatum=AT.date(),
                eligible=True,
                amount_cents=AMOUNT,
                own_cents=0,
                price_cents=AMOUNT,
                reasons=[],
                plan=[],
                created_at=created,
                actor="bench",
            )
            for i, p in enumerate(persons)
        )
        windows[design] = {"window": window.pk, "previews": [pv.pk for pv in previews]}
    return windows


def _client(design: str, window_id: int, previews: list[int], start: Any, out: Any) -> None:
    _django()
    from django.db import connection

    from bench.windows.conditional import submit_conditional
    from llo.core import audit
    from llo.enrolment import services
    from llo.enrolment.models import Preview, Window

    actor = audit.Actor("bench:client", "burger")
    window = Window.objects.get(pk=window_id)
    shown = list(Preview.objects.filter(pk__in=previews).select_related("person").order_by("pk"))
    latencies = []
    submit: Any = services.submit if design == "intake" else submit_conditional
    start.wait()
    for pv in shown:
        t = time.perf_counter()
        submit(
            actor=actor,
            window=window,
            shown=pv,
            amount_cents=AMOUNT,
            idempotency_key=f"k{pv.pk}",
            at=AT,
        )
        latencies.append(time.perf_counter() - t)
    connection.close()
    out.put(latencies)


def part_rush(design: str, setup_json: str) -> dict[str, Any]:
    setup = json.loads(setup_json)[design]
    previews = setup["previews"]
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    out = ctx.Queue()
    procs = [
        ctx.Process(
            target=_client, args=(design, setup["window"], previews[i::CLIENTS], start, out)
        )
        for i in range(CLIENTS)
    ]
    for p in procs:
        p.start()
    time.sleep(8)  # every client imports Django and connects
    began = time.perf_counter()
    start.set()
    latencies = [x for _ in procs for x in out.get(timeout=3600)]
    elapsed = time.perf_counter() - began
    for p in procs:
        p.join(timeout=60)
    allocate_s = 0.0
    if design == "intake":
        _django()
        from llo.enrolment import services
        from llo.enrolment.models import Window

        t = time.perf_counter()
        services.allocate_window(
            Window.objects.get(pk=setup["window"]), at=AT + dt.timedelta(hours=3)
        )
        allocate_s = time.perf_counter() - t
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)],
        "allocate_s": allocate_s,
    }


def part_check(setup_json: str) -> dict[str, Any]:
    _django()
    from django.db.models import Sum

    from llo.accounts import services as accounts
    from llo.enrolment.models import Application, Window

    setup = json.loads(setup_json)
    out: dict[str, Any] = {"mismatches": len(accounts.verify_ledger())}
    for design, data in setup.items():
        window = Window.objects.get(pk=data["window"])
        granted = Application.objects.filter(window=window, status="granted")
        total = granted.aggregate(s=Sum("amount_cents"))["s"] or 0
        out[design] = {
            "granted": granted.count(),
            "granted_cents": total,
            "overspend_cents": max(0, total - window.budget_cents),
            "double": granted.count() - granted.values("person").distinct().count(),
        }
    return out


def main() -> dict[str, Any]:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench/windows needs PostgreSQL: run it with scripts/with-postgres.sh")
        return {"skipped": "needs PostgreSQL"}
    recreate_database(DB)
    migrate(DB)
    setup = json.dumps(_child("setup"))
    intake = _child("rush", "intake", setup=setup)
    conditional = _child("rush", "conditional", setup=setup)
    check = _child("check", setup=setup)
    rate_i = intake["requests"] / intake["seconds"]
    rate_c = conditional["requests"] / conditional["seconds"]
    end_to_end = intake["requests"] / (intake["seconds"] + intake["allocate_s"]) * 60
    rows = [
        ("submissions / clients", f"{SUBMISSIONS:,} / {CLIENTS}; window pays {GRANTS:,}"),
        (
            "intake: requests/s",
            f"{rate_i:,.0f} (p50 {intake['p50_ms']:.1f} ms, p95 {intake['p95_ms']:.1f} ms)",
        ),
        (
            "intake: allocator",
            f"{intake['allocate_s']:.1f} s for {check['intake']['granted']:,} grants",
        ),
        (
            "conditional: requests/s",
            f"{rate_c:,.0f} (p50 {conditional['p50_ms']:.1f} ms, "
            f"p95 {conditional['p95_ms']:.1f} ms)",
        ),
        (
            "ratio intake / conditional",
            f"{rate_i / rate_c:.2f}x throughput, "
            f"p95 {conditional['p95_ms'] / intake['p95_ms']:.2f}x lower",
        ),
        (
            "applications/min (intake, request path)",
            f"{rate_i * 60:,.0f} = {rate_i * 60 / STAP_PER_MINUTE:.0f}x STAP's ~300",
        ),
        ("applications/min (intake + allocation)", f"{end_to_end:,.0f}"),
        ("applications/min (conditional)", f"{rate_c * 60:,.0f}"),
        (
            "overspend (intake / conditional)",
            f"{check['intake']['overspend_cents']} / "
            f"{check['conditional']['overspend_cents']} cents",
        ),
        (
            "double grants (intake / conditional)",
            f"{check['intake']['double']} / {check['conditional']['double']}",
        ),
        ("ledger check", "ok" if check["mismatches"] == 0 else f"{check['mismatches']} mismatches"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)} | value")
    print(f"{'-' * width}-|-{'-' * 40}")
    for name, value in rows:
        print(f"{name.ljust(width)} | {value}")
    return {
        "submissions": SUBMISSIONS,
        "clients": CLIENTS,
        "grants_budgeted": GRANTS,
        "intake": intake,
        "conditional": conditional,
        "intake_requests_per_s": rate_i,
        "conditional_requests_per_s": rate_c,
        "ratio_throughput_intake_to_conditional": rate_i / rate_c,
        "applications_per_minute_intake": rate_i * 60,
        "applications_per_minute_intake_end_to_end": end_to_end,
        "applications_per_minute_conditional": rate_c * 60,
        "stap_per_minute": STAP_PER_MINUTE,
        "check": check,
    }


if __name__ == "__main__":
    part = sys.argv[1]
    if part == "setup":
        result = part_setup()
    elif part == "rush":
        result = part_rush(sys.argv[2], sys.stdin.read())
    else:
        result = part_check(sys.stdin.read())
    print(json.dumps(result))
