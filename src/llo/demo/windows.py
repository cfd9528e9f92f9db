# SPDX-License-Identifier: EUPL-1.2
"""Demo application rounds of UWV, relative to today, so that UWV's and Sanne's journeys
(JOURNEYS.md) can be walked on any day the demo runs:

* a budget "Scholing naar werk (rondes)" for job seekers, training to find work or to switch
  (the conditions of UWV's other demo budget), from the first day of the month three months
  ago to the last day of the month nine months ahead;
* round 1, closed a month ago and decided: priority for people with little education, then a
  lottery (with a fixed draw code, so every run decides the same), € 30.000, at most € 2.500 a
  person and 3 grants per training: some granted, a waiting list, some refused because their
  training reached its most grants;
* round 2, open since a week and for three more weeks: first come, first served, € 50.000, at
  most € 2.500 a person, ten applications received and not decided yet, so Sanne is number 11
  in the line when she applies, and UWV can decide them from its page.

Everything goes through the services (window opening, preview with the rules' decision,
intake, allocator with the money through the ledger). Deterministic for a seed and a day;
idempotent: the budget is found by its key, a round by its name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from django.db import transaction

from llo.accounts import services as accounts
from llo.accounts.models import Budget, LedgerTransaction
from llo.core import audit
from llo.core.money import Money
from llo.core.timeutil import AMSTERDAM, today
from llo.demo import personas
from llo.enrolment import groups, services
from llo.enrolment.models import Window
from llo.people.models import Organisation, Person
from llo.register.models import Offer, Offering, OfferingState, OfferState

ACTOR = audit.Actor.system("demo")
BUDGET_NAME = "Scholing naar werk (rondes)"
#: The conditions of UWV's money for job seekers (the same as its other demo budget).
CONDITIONS = {"labour_positions": ["job_seeker"], "purposes": ["work", "switch"]}
ROUND_1 = "Scholing naar werk, ronde 1"
ROUND_2 = "Scholing naar werk, ronde 2"
PER_PERSON_CENTS = 250_000
DESCRIPTION = (
    "Voor werkzoekenden die een opleiding willen volgen om weer aan het werk te gaan of om "
    "over te stappen naar ander werk. U krijgt hoogstens € 2.500."
)


def _uwv() -> Organisation | None:
    spec = next((o for o in personas.ORGANISATIONS if o.key == "uwv"), None)
    return Organisation.objects.filter(kvk=spec.kvk).first() if spec else None


def _month_start(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=AMSTERDAM)


def _budget(uwv: Organisation, on: dt.date, seed: int) -> Budget:
    start = _month_start(on, -3)
    end = _month_start(on, 10) - dt.timedelta(days=1)
    key = f"demo:{seed}:windows:budget:{start.isoformat()}"
    made = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if made is not None and made.budget is not None:
        budget: Budget = made.budget
        return budget
    return accounts.create_budget(
        actor=ACTOR,
        funder=accounts.ensure_funder(uwv, actor=ACTOR),
        name=BUDGET_NAME,
        total=Money(100_000_000),
        period_start=start,
        period_end=end,
        conditions=CONDITIONS,
        amount_per_person=Money(PER_PERSON_CENTS),
        right_validity_months=12,
        idempotency_key=key,
    )


def _job_seekers(seed: int, count: int) -> list[Person]:
    """Generated job seekers (not the personas: Sanne applies herself), in a fixed order."""
    persona_hashes = {
        p.bsn_hash for p in (Person.objects.by_bsn(s.bsn) for s in personas.PERSONS) if p
    }
    found = sorted(
        (
            p
            for p in Person.objects.filter(labour_position="job_seeker").select_related("gemeente")
            if p.bsn_hash not in persona_hashes
        ),
        key=lambda p: p.bsn_hash,
    )
    return random.Random(seed).sample(found, min(count, len(found)))


def _trainings(seed: int, on: dt.date, count: int) -> list[Offering]:
    """Online trainings (anyone can follow them) of € 1.200 to € 6.000 that start more than
    a month from ``on``: the next start of each, a fixed draw of ``count``."""
    # The offers first, then their offerings by offer id. In the PostgreSQL suite a query of
    # the shape of the single join (offering, offer, filters on both) on the freshly loaded
    # tables (no statistics yet) was still running after 25 minutes; SQLite took seconds.
    offer_ids = list(
        Offer.objects.filter(
            state=OfferState.PUBLISHED,
            online=True,
            price_cents__gte=120_000,
            price_cents__lte=600_000,
        ).values_list("pk", flat=True)
    )
    firsts: dict[int, Offering] = {}
    for offering in (
        Offering.objects.filter(
            offer_id__in=offer_ids,
            state=OfferingState.ACTIVE,
            start_date__gt=on + dt.timedelta(days=35),
        )
        .select_related("offer__opleider__organisation")
        .order_by("offer_id", "start_date", "pk")
    ):
        firsts.setdefault(offering.offer_id, offering)
    chosen = sorted(firsts.values(), key=lambda o: o.pk)
    return random.Random(seed).sample(chosen, min(count, len(chosen)))


def _apply(window: Window, person: Person, offering: Offering, at: dt.datetime, key: str) -> bool:
    """One application in ``window`` at ``at``, through the preview and the intake."""
    shown = services.preview(
        actor=ACTOR, person=person, offering=offering, window=window, on=at.date()
    )
    if not shown.eligible:
        return False
    services.submit(
        actor=ACTOR,
        window=window,
        shown=shown,
        amount_cents=shown.amount_cents,
        idempotency_key=key,
        at=at,
    )
    return True


def _round(budget: Budget, request: services.WindowRequest, seed: int) -> Window | None:
    """Open a round as UWV would have, the day before it opens."""
    if Window.objects.filter(budget=budget, name=request.name).exists():
        return None  # made by an earlier run
    return services.open_window(
        actor=ACTOR,
        budget=budget,
        request=request,
        key=f"demo:{seed}:window:{request.name}",
        at=request.opens_at - dt.timedelta(days=1),
    )


def load_windows(*, seed: int, on: dt.date | None = None) -> dict[str, int]:
    """UWV's budget with a decided round and an open one, and the ministry's first round of
    the new LLO scheme (also when the demo has too few job seekers for UWV's rounds); returns
    what was created."""
    created = {"windows": 0, "applications": 0}
    uwv = _uwv()
    if uwv is None or not Offering.objects.exists():
        return created  # the people or register demo has not run
    on = on or today()
    _uwv_rounds(uwv, seed, on, created)
    created["windows"] += _llo_round(seed, on)
    return created


def _uwv_rounds(uwv: Organisation, seed: int, on: dt.date, created: dict[str, int]) -> None:
    with transaction.atomic():
        budget = _budget(uwv, on, seed)
        people = _job_seekers(seed, 50)
        trainings = _trainings(seed, on, 8)
        if not people or not trainings:
            return
        draw = random.Random(seed + 1)
        first = _round(
            budget,
            services.WindowRequest(
                name=ROUND_1,
                opens_at=_at(on - dt.timedelta(days=60), 9),
                closes_at=_at(on - dt.timedelta(days=30), 17),
                budget_cents=3_000_000,
                scheme="funder",
                policy="priority",
                then_policy="lottery",
                priority_groups=("low_educated", "up_to_mbo4"),
                max_per_person_cents=PER_PERSON_CENTS,
                training_cap=3,
                waiting_list=True,
                description=DESCRIPTION,
            ),
            seed,
        )
        if first is not None:
            created["windows"] += 1
            applicants = people[:40]
            # Five people of the first priority group choose the same training, so the cap of
            # 3 grants per training refuses two of them whatever the lottery draws (the first
            # group is decided before the budget can run out): the decided round always shows
            # granted, waiting and refused. The draw itself is now the same on every database
            # (it keys on each entry's number in the round, decision 016), but who applies is
            # not the same in every installation (job seekers in the order of their keyed BSN
            # hash, and the key is the installation's own), so this stays.
            first_group = [
                p
                for p in applicants
                if groups.rank(p.highest_level, p.labour_position, first.priority_groups) == 0
            ][:5]
            for n, person in enumerate(applicants):
                # Two a day, in office hours.
                at = first.opens_at + dt.timedelta(
                    days=n // 2, hours=(n % 2) * 4 + draw.randint(0, 3)
                )
                offering = trainings[draw.randrange(len(trainings))]
                if person in first_group:
                    offering = trainings[0]
                if _apply(first, person, offering, at, f"demo:{seed}:round1:{n}"):
                    created["applications"] += 1
            code = hashlib.sha256(f"demo:{seed}:{ROUND_1}".encode()).hexdigest()[:32]
            services.allocate_window(
                first, actor=ACTOR, at=first.closes_at + dt.timedelta(hours=1), seed=code
            )
        second = _round(
            budget,
            services.WindowRequest(
                name=ROUND_2,
                opens_at=_at(on - dt.timedelta(days=7), 9),
                closes_at=_at(on + dt.timedelta(days=21), 17),
                budget_cents=5_000_000,
                scheme="funder",
                policy="fcfs",
                max_per_person_cents=PER_PERSON_CENTS,
                training_cap=300,
                waiting_list=True,
                description=DESCRIPTION,
            ),
            seed,
        )
        if second is not None:
            created["windows"] += 1
            for n, person in enumerate(people[40:50]):
                at = second.opens_at + dt.timedelta(days=n // 2, hours=(n % 2) * 3 + 1)
                offering = trainings[draw.randrange(len(trainings))]
                if _apply(second, person, offering, at, f"demo:{seed}:round2:{n}"):
                    created["applications"] += 1


LLO_BUDGET = "Nieuwe LLO-regeling, eerste jaar"
LLO_ROUND = "Nieuwe LLO-regeling, eerste ronde"
LLO_DESCRIPTION = (
    "Geld van de overheid voor een opleiding tot en met mbo 4, voor werk, om door te groeien "
    "of om over te stappen naar ander werk. Eerst voor mensen zonder startkwalificatie en "
    "mensen met weinig opleiding, daarna loting. U krijgt hoogstens € 1.000 per jaar."
)


def _llo_round(seed: int, on: dt.date) -> int:
    """The first round of the new LLO scheme (a scenario from 2027, seed 004), opened by the
    ministry and not open yet: Mohammed (JOURNEYS.md) is shown it unasked and can pre-register
    until it opens. It opens on 11 January 2027, or four weeks after ``on`` when the demo runs
    later, so it is always still to come."""
    spec = next((o for o in personas.ORGANISATIONS if o.key == "ocw"), None)
    ocw = Organisation.objects.filter(kvk=spec.kvk).first() if spec else None
    if ocw is None:
        return 0
    opens = max(dt.date(2027, 1, 11), on + dt.timedelta(days=28))
    closes = opens + dt.timedelta(weeks=6)
    start = max(dt.date(2027, 1, 1), dt.date(opens.year, 1, 1))
    key = f"demo:{seed}:windows:llo:{start.isoformat()}"
    made = LedgerTransaction.objects.filter(idempotency_key=key).first()
    if made is not None and made.budget is not None:
        budget: Budget = made.budget
    else:
        budget = accounts.create_budget(
            actor=ACTOR,
            funder=accounts.ensure_funder(ocw, actor=ACTOR),
            name=LLO_BUDGET,
            total=Money(500_000_000),
            period_start=start,
            period_end=dt.date(closes.year, 12, 31),
            scheme="llo_regeling",
            amount_per_person=Money(100_000),
            right_validity_months=12,
            idempotency_key=key,
        )
    if Window.objects.filter(budget=budget, name=LLO_ROUND).exists():
        return 0
    services.open_window(
        actor=ACTOR,
        budget=budget,
        request=services.WindowRequest(
            name=LLO_ROUND,
            opens_at=_at(opens, 9),
            closes_at=_at(closes, 17),
            budget_cents=200_000_000,
            scheme="llo_regeling",
            policy="priority",
            then_policy="lottery",
            priority_groups=("no_startkwalificatie", "low_educated"),
            max_per_person_cents=100_000,
            waiting_list=True,
            description=LLO_DESCRIPTION,
        ),
        key=f"demo:{seed}:window:{LLO_ROUND}",
    )
    return 1
