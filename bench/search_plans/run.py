# SPDX-License-Identifier: EUPL-1.2
"""bench/search_plans: what showing "u betaalt zelf" costs the search page (issue 15 item 4).

On a fresh PostgreSQL database with OFFERS generated offers (``llo.demo.offers``, default
20,000) and a person with three rights (one with a level condition), the search page is
requested through Django's test client, REQUESTS times per scenario, queries rotating:

* **anonymous**: prices only (the baseline);
* **person**: the same page for the logged-in person: ``accounts.funding_plans`` for the 20
  results of the page at once (one run of the rules engine);
* **mine**: the filter "what my budgets pay for": plans for the first 100 matches
  (``register.views.MAX_PLANNED``), also at once.

Reports p50/p95 per scenario and the ratios person/anonymous and mine/anonymous, measured in
the same run. LLO_BENCH_PLANS_OFFERS and LLO_BENCH_PLANS_REQUESTS lower the sizes.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from typing import Any

from bench.common import migrate, recreate_database, run_part
from llo.core.money import Money

DB = "llo_bench_search_plans"
OFFERS = int(os.environ.get("LLO_BENCH_PLANS_OFFERS", "20000"))
REQUESTS = int(os.environ.get("LLO_BENCH_PLANS_REQUESTS", "60"))
WORDS = ("zorg", "lassen", "boekhouden", "heftruck", "excel", "taal", "magazijn", "verkoop")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def part_measure() -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "llo.settings")
    import django

    django.setup()
    from django.test import Client

    from llo.accounts import services as accounts
    from llo.core import audit
    from llo.core.identifiers import Level
    from llo.core.roles import Role
    from llo.core.timeutil import today
    from llo.demo.offers import load_offers
    from llo.people.models import LabourPosition, Organisation, User
    from llo.people.services import register_person

    load_offers(seed=20261123, providers=200, offers=OFFERS)
    actor = audit.Actor.system("bench")
    person = register_person(
        actor=actor, bsn="999990019", display_name="Fatima", birth_date=today().replace(year=1982),
        highest_level=Level("eqf_2"), labour_position=LabourPosition("flex"),
        gemeente_code="GM0599",
    )  # fmt: skip
    on = today()
    for i, conditions in enumerate(({}, {"max_level": "eqf_4"}, {})):
        # State schemes reach anyone (decision 010): the person needs no employments here.
        org = Organisation.objects.create(kvk=f"9300000{i}", name=f"Regeling {i}", kind="ministry")
        budget = accounts.create_budget(
            actor=actor, funder=accounts.ensure_funder(org), name="Budget",
            total=Money(10_000_000), period_start=on.replace(month=1, day=1),
            period_end=on.replace(month=12, day=31), conditions=conditions,
        )  # fmt: skip
        accounts.deposit(actor=actor, budget=budget, person=person, amount=Money(50_000))
    user = User.objects.create_user(username="burger:bench", role=Role.BURGER, person=person)
    # A host the settings allow (the test client's "testserver" is not one outside tests).
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="nl", HTTP_HOST="localhost")
    logged_in = Client(HTTP_ACCEPT_LANGUAGE="nl", HTTP_HOST="localhost")
    logged_in.force_login(user)

    def timed(client: Client, extra: dict[str, str]) -> list[float]:
        times = []
        for i in range(REQUESTS + len(WORDS)):  # the first round warms up
            params = {"q": WORDS[i % len(WORDS)], **extra}
            started = time.perf_counter()
            response = client.get("/opleidingen", params)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.status_code
            if i >= len(WORDS):
                times.append(elapsed)
        return times

    result = {}
    for name, client, extra in (
        ("anonymous", anonymous, {}),
        ("person", logged_in, {}),
        ("mine", logged_in, {"mine": "on"}),
    ):
        t = timed(client, extra)
        result[name] = {
            "p50_ms": round(statistics.median(t), 1),
            "p95_ms": round(_p(t, 0.95), 1),
        }
    base = result["anonymous"]["p50_ms"]
    result["ratio_person"] = round(result["person"]["p50_ms"] / base, 2)
    result["ratio_mine"] = round(result["mine"]["p50_ms"] / base, 2)
    return result


def main() -> dict[str, Any]:
    recreate_database(DB)
    migrate(DB)
    measured = run_part("search_plans", DB, "measure")
    print(f"{OFFERS} offers, {REQUESTS} requests per scenario (p50 / p95 ms):")
    for name in ("anonymous", "person", "mine"):
        print(f"  {name:10} {measured[name]['p50_ms']:8.1f} {measured[name]['p95_ms']:8.1f}")
    print(
        f"  person/anonymous = {measured['ratio_person']}, "
        f"mine/anonymous = {measured['ratio_mine']}"
    )
    return {"offers": OFFERS, "requests": REQUESTS, **measured}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "measure":
        print(json.dumps(part_measure()))
    else:
        print(json.dumps(main()))
