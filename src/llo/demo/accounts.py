# SPDX-License-Identifier: EUPL-1.2
"""Demo learning accounts: the funders of JOURNEYS.md put money in the personas' accounts and
in a spread over the demo population, with some money reserved, paid and about to expire,
so every funder page has something to show.

* Bakkerij de Korenaar: €400 per employee per year, any level, purpose "current job";
* RetailFlex (Fatima's employer): a development budget of €500 a year, two years saved;
* O&O-fonds Retail: €150 a year for retail workers;
* O&O-fonds Techniek: €1,500 a year for metal workers (2025 and 2026), occupations on the
  sector list, 20 % co-payment above NLQF 4 (Jan);
* Gemeente Rotterdam: basic-skills (NT1) courses in full for residents; money earmarked for
  NT1, so it pays before the employer's budget (decision 015: not "other money first");
* UWV: a budget for its clients looking for work, toward work or another occupation (Sanne,
  once her WW began);

Each funder deposits only to the persons it reaches (:mod:`llo.accounts.reach`): UWV first
registers its clients and the O&O funds their member firms (docs/decisions/010-funder-reach.md).
* for information: the levenlanglerenkrediet (Sanne) and the remaining right to publicly
  funded education (Mohammed, no startkwalificatie), seed 002.

Deterministic for a seed and idempotent: every budget and deposit has a fixed idempotency
key, so a second run finds them and writes nothing. Called by ``llo.demo.loader`` after the
persons and organisations exist; ``load_accounts(seed=...)`` returns counts of what it made.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from llo.accounts import reach, services
from llo.accounts.models import Budget, Funder, LedgerTransaction, Right, RightKind
from llo.core import audit
from llo.core.money import Money
from llo.demo import personas
from llo.people import services as people_services
from llo.people.models import ClientRelation, Employment, FundMembership, Organisation, Person

ACTOR = audit.Actor.system("demo")
Y2025, Y2026 = dt.date(2025, 1, 6), dt.date(2026, 1, 5)
UWV_DEPOSIT = dt.date(2026, 6, 15)

#: Since when the demo's UWV knows its clients (the generated job seekers and people on a
#: benefit); Sanne is its client since her WW began (JOURNEYS.md: on WW since June 2026).
CLIENTS_SINCE = dt.date(2025, 1, 1)
SANNE_CLIENT_SINCE = dt.date(2026, 6, 1)

#: Member firms of the personas' O&O funds (decision 010): Jan's employer and the second
#: firm under his CAO with O&O-fonds Techniek, Fatima's agency with O&O-fonds Retail.
MEMBER_FIRMS = (("ootechniek", "metaal"), ("ootechniek", "hengelo"), ("ooretail", "retailflex"))
MEMBERS_SINCE = dt.date(2010, 1, 1)

#: The sector list of O&O-fonds Techniek as ISCO-08 unit groups, the codes the rules engine
#: reads (llo/schemes/funder/examples/oo_fonds_techniek.yaml): technicians, welders, machine
#: setters, machinery mechanics, electricians.
TECH_OCCUPATIONS = ["3115", "7212", "7223", "7233", "7411", "7412"]


@dataclass(frozen=True)
class Plan:
    """One demo budget and who gets how much from it."""

    key: str
    org: str  # persona key of the funding organisation
    name: str
    per_person: int
    start: dt.date
    end: dt.date
    deposit_on: dt.date
    conditions: dict[str, Any] = field(default_factory=dict)
    portability: str = "person"
    kind: str = RightKind.MONEY
    months: int = 24
    personas: tuple[str, ...] = ()
    spread: int = 0  # how many others from the population at most


def _plans() -> list[Plan]:
    return [
        Plan(
            "korenaar-2025", "korenaar", "Leerbudget 2025", 40_000, dt.date(2025, 1, 1),
            dt.date(2025, 12, 31), Y2025, {"purposes": ["grow"]}, "cao", months=24, spread=400,
        ),
        Plan(
            "korenaar-2026", "korenaar", "Leerbudget 2026", 40_000, dt.date(2026, 1, 1),
            dt.date(2026, 12, 31), Y2026, {"purposes": ["grow"]}, "cao", months=24, spread=400,
        ),
        Plan(
            "retailflex-2025", "retailflex", "Ontwikkelbudget 2025", 50_000, dt.date(2025, 1, 1),
            dt.date(2025, 12, 31), Y2025, {}, "cao", months=36, personas=("fatima",), spread=150,
        ),
        Plan(
            "retailflex-2026", "retailflex", "Ontwikkelbudget 2026", 50_000, dt.date(2026, 1, 1),
            dt.date(2026, 12, 31), Y2026, {}, "cao", months=36, personas=("fatima",), spread=150,
        ),
        Plan(
            "ooretail-2026", "ooretail", "Scholingsbudget retail 2026", 15_000,
            dt.date(2026, 1, 1), dt.date(2026, 12, 31), Y2026, {"sectors": ["retail"]}, "cao",
            months=12, personas=("fatima",), spread=300,
        ),
        # Jan saved last year's sector budget (JOURNEYS.md: EUR 1,500 a year): the welding
        # microcredential uses the money that expires first, so this year's is left for the
        # programme his EVC shortens (issue 16).
        Plan(
            "ootechniek-2025", "ootechniek", "Scholingsbudget techniek 2025", 150_000,
            dt.date(2025, 1, 1), dt.date(2025, 12, 31), Y2025,
            {
                "occupations": TECH_OCCUPATIONS,
                "sectors": ["metal"],
                "co_payment_pct": 20,
                "co_payment_above_level": "eqf_4",
            },
            "cao", months=24, personas=("jan",), spread=300,
        ),
        Plan(
            "ootechniek-2026", "ootechniek", "Scholingsbudget techniek 2026", 150_000,
            dt.date(2026, 1, 1), dt.date(2026, 12, 31), Y2026,
            {
                "occupations": TECH_OCCUPATIONS,
                "sectors": ["metal"],
                "co_payment_pct": 20,
                "co_payment_above_level": "eqf_4",
            },
            "cao", months=24, personas=("jan",), spread=300,
        ),
        Plan(
            "rotterdam-nt1-2026", "rotterdam", "Basisvaardigheden Rotterdam 2026", 120_000,
            dt.date(2026, 1, 1), dt.date(2026, 12, 31), Y2026,
            {"offer_types": ["basic_skills"], "regions": ["AM22"]},
            "person", RightKind.VOUCHER, months=18, personas=("fatima",), spread=200,
        ),
        # After Sanne's WW began (June 2026): UWV reaches only its clients on the date.
        Plan(
            "uwv-2026", "uwv", "Scholing naar werk 2026", 250_000, dt.date(2026, 1, 1),
            dt.date(2026, 12, 31), UWV_DEPOSIT,
            {"labour_positions": ["job_seeker"], "purposes": ["work", "switch"]},
            "person", months=12, personas=("sanne",), spread=200,
        ),
    ]  # fmt: skip


def _population(plan: Plan, funder: Funder, on: dt.date) -> Any:
    """Who, beyond the personas, may get money from this plan: the funder's reach
    (:mod:`llo.accounts.reach`), for a municipality its low-literate residents and for UWV its
    clients looking for work."""
    persons = reach.reach(funder, on)
    if funder.kind == "municipality":
        return persons.filter(highest_level__in=["eqf_0", "eqf_1"])
    if funder.kind == "uwv":
        return persons.filter(labour_position="job_seeker")
    return persons


def _persona_employments() -> int:
    """The personas' jobs (personas.EMPLOYMENTS) where the persona and the employer exist but
    the job does not: the demo login makes personas before any employer exists, and a funder
    reaches only its own people (issue 14 item 2). Idempotent."""
    made = 0
    for e in personas.EMPLOYMENTS:
        person, employer = _persona(e.person), _org(e.employer)
        if person is None or employer is None:
            continue
        _job, created = Employment.objects.get_or_create(
            person=person,
            employer=employer,
            start=e.start,
            defaults={"sector": e.sector, "cao": e.cao, "end": e.end},
        )
        made += created
    return made


#: Jan's CAO: his old and his new employer both fall under it (JOURNEYS.md: "when he changes
#: employer within the same CAO his right moves with him").
JAN_CAO = "CAO Metaal en Techniek"


def jan_changes_employer(on: dt.date) -> int:
    """Jan changes employer within his CAO (JOURNEYS.md): his job at the metal firm ends on
    the last day of last month and his job at Machinefabriek Hengelo (a member firm of
    O&O-fonds Techniek, the same CAO) starts on the first day of this month, as the new
    employer registers it. His rights stay tied to the old job until he moves them himself on
    "Ik heb een nieuwe werkgever" (``/mijn-rechten/nieuwe-werkgever``), which says they move
    with him. Called after his applications (welding, EVC), as in his story. Idempotent;
    returns 1 when the move was made now."""
    jan, metaal, hengelo = _persona("jan"), _org("metaal"), _org("hengelo")
    if jan is None or metaal is None or hengelo is None:
        return 0
    if Employment.objects.filter(person=jan, employer=hengelo).exists():
        return 0  # made by an earlier run
    starts = on.replace(day=1)
    old = Employment.objects.filter(person=jan, employer=metaal, end__isnull=True).first()
    if old is None or old.start >= starts:
        return 0
    with transaction.atomic():
        old.end = starts - dt.timedelta(days=1)
        old.save(update_fields=["end"])
        Employment.objects.create(
            person=jan, employer=hengelo, sector="metal", cao=JAN_CAO, start=starts
        )
    return 1


def _reach_relations() -> dict[str, int]:
    """UWV registers its clients and the O&O funds their member firms (decision 010), so each
    demo funder reaches its own people; idempotent."""
    made = {"uwv_clients": 0, "member_firms": 0}
    uwv = _org("uwv")
    if uwv is not None:
        sanne = _persona("sanne")
        clients = [
            (pk, SANNE_CLIENT_SINCE if sanne and pk == sanne.pk else CLIENTS_SINCE, None)
            for pk in Person.objects.filter(
                labour_position__in=["job_seeker", "on_benefit"]
            ).values_list("pk", flat=True)
        ]
        known = set(
            ClientRelation.objects.filter(organisation=uwv).values_list("person_id", flat=True)
        )
        new = [c for c in clients if c[0] not in known]
        if new:
            made["uwv_clients"] = people_services.register_clients(
                actor=ACTOR, organisation=uwv, persons=new
            )
    for fund_key, firm_key in MEMBER_FIRMS:
        fund, firm = _org(fund_key), _org(firm_key)
        if fund is None or firm is None:
            continue
        if not FundMembership.objects.filter(fund=fund, employer=firm).exists():
            people_services.register_member_firm(
                actor=ACTOR, fund=fund, employer=firm, start=MEMBERS_SINCE
            )
            made["member_firms"] += 1
    return made


def _persona(key: str) -> Person | None:
    spec = next((p for p in personas.PERSONS if p.key == key), None)
    return Person.objects.by_bsn(spec.bsn) if spec else None


def _org(key: str) -> Organisation | None:
    spec = next((o for o in personas.ORGANISATIONS if o.key == key), None)
    return Organisation.objects.filter(kvk=spec.kvk).first() if spec else None


def load_accounts(*, seed: int) -> dict[str, int]:
    """Budgets, deposits, some use and some information rights; returns what was created.

    One transaction: a failure leaves nothing half-made (the loader's own rule)."""
    with transaction.atomic():
        return _load(seed)


def _load(seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    created = {"budgets": 0, "rights": 0, "deposited_cents": 0, "reservations": 0, "payments": 0}
    created["persona_employments"] = _persona_employments()
    created.update(_reach_relations())
    providers = [o for o in (_org("maasstad"), _org("vakwerk")) if o is not None]
    for plan in _plans():
        org = _org(plan.org)
        if org is None:
            continue
        funder = services.ensure_funder(org, actor=ACTOR)
        deposit_key = f"demo:{seed}:deposit:{plan.key}"
        budget_key = f"demo:{seed}:budget:{plan.key}"
        existing = LedgerTransaction.objects.filter(idempotency_key=budget_key).first()
        if (
            existing is not None
            and LedgerTransaction.objects.filter(idempotency_key=deposit_key).exists()
        ):
            continue  # made by an earlier run
        reached = reach.reach(funder, plan.deposit_on)
        # A persona gets this plan's money only where its funder reaches them on the day
        # (issue 14 item 2): a persona made by the demo login before any employer existed
        # has no employment yet, and no employer may deposit to them.
        chosen: list[Person] = [
            p
            for p in (_persona(k) for k in plan.personas)
            if p is not None and reached.filter(pk=p.pk).exists()
        ]
        others = sorted(
            _population(plan, funder, plan.deposit_on)
            .exclude(pk__in=[p.pk for p in chosen])
            .distinct(),
            key=lambda p: p.bsn_hash,
        )
        chosen += rng.sample(others, min(plan.spread, len(others)))
        if not chosen:
            continue
        total = plan.per_person * len(chosen)
        # Some money stays in the budget, as in real life; round up to whole thousands.
        total = -(-int(total * 1.2) // 100_000) * 100_000
        if existing is not None and existing.budget is not None:
            budget: Budget = existing.budget
        else:
            budget = services.create_budget(
                actor=ACTOR,
                funder=funder,
                name=plan.name,
                total=Money(total),
                period_start=plan.start,
                period_end=plan.end,
                conditions=plan.conditions,
                amount_per_person=Money(plan.per_person),
                right_kind=plan.kind,
                right_validity_months=plan.months,
                portability=plan.portability,
                idempotency_key=budget_key,
            )
            created["budgets"] += 1
        rows = [
            services.DepositRow(plan.per_person, person_id=p.pk, line=i)
            for i, p in enumerate(chosen, start=1)
        ]
        result = services.bulk_deposit(
            actor=ACTOR, budget=budget, rows=rows, on=plan.deposit_on, idempotency_key=deposit_key
        )
        created["rights"] += result.created
        created["deposited_cents"] += result.total_cents
        # Use: about one in ten reserved a training; half of those were paid.
        if not providers:
            continue
        if result.transaction_id is not None:
            services.claim_deposits([result.transaction_id])
        rights = list(
            Right.objects.filter(budget=budget, deposit_id=result.transaction_id)
            .exclude(person__in=[p for p in (_persona(k) for k in ("fatima", "jan", "sanne")) if p])
            .order_by("pk")
        )
        for n, right in enumerate(rng.sample(rights, len(rights) // 10)):
            provider = providers[n % len(providers)]
            amount = plan.per_person // 2 if plan.per_person > 1 else plan.per_person
            reservation = services.reserve(
                actor=ACTOR,
                right=right,
                amount=Money(amount),
                on=plan.deposit_on + dt.timedelta(days=30),
                provider=provider,
                reference="demo",
                idempotency_key=f"demo:{seed}:reserve:{right.pk}",
            )
            created["reservations"] += 1
            if n % 2 == 0:
                services.pay_provider(
                    actor=ACTOR,
                    reservation=reservation,
                    on=plan.deposit_on + dt.timedelta(days=60),
                    idempotency_key=f"demo:{seed}:pay:{right.pk}",
                )
                created["payments"] += 1
    created["information_rights"] = _information_rights(seed)
    created["addresses"] = _addresses()
    return created


def _addresses() -> int:
    """The personas' e-mail addresses, so the notifications of their journeys (a decision, a
    payment, money about to expire) are also e-mailed: into var/mail, the demo's file
    backend (settings: no LLO_EMAIL_HOST)."""
    from llo.notifications import services as notifications
    from llo.notifications.models import Address

    made = 0
    for spec in personas.PERSONS:
        person = _persona(spec.key)
        if person is None or Address.objects.filter(person=person).exists():
            continue
        notifications.set_address(
            actor=ACTOR,
            recipient=notifications.Recipient(person_id=person.pk),
            email=f"{spec.key}@voorbeeld.example",
        )
        made += 1
    return made


def _information_rights(seed: int) -> int:
    """Rights shown for information (seed 002): not money in the ledger."""
    ocw = _org("ocw")
    if ocw is None:
        return 0
    funder: Funder = services.ensure_funder(ocw, actor=ACTOR)
    made = 0
    for key, kind, cents, text in (
        ("sanne", RightKind.LOAN_CAPACITY, 1_594_100, "Levenlanglerenkrediet (DUO)"),
        (
            "mohammed",
            RightKind.DRAWING_RIGHT,
            None,
            # A funder writes this text itself (stored, not translated): in Dutch, as OCW would.
            "Recht op een betaalde mbo-opleiding tot en met niveau 2",
        ),
    ):
        person = _persona(key)
        if (
            person is None
            or Right.objects.filter(person=person, kind=kind, info_text=text).exists()
        ):
            continue
        services.register_information_right(
            actor=ACTOR,
            person=person,
            funder=funder,
            kind=kind,
            amount=Money.optional(cents),
            text=text,
            valid_from=dt.date(2026, 1, 1),
        )
        made += 1
    return made
