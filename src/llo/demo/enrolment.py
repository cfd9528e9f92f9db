# SPDX-License-Identifier: EUPL-1.2
"""Demo applications for the personas, through the enrolment services (money through the
ledger, audit records included):

* Jan applies for the welding microcredential at Academie Vakwerk; it is granted (his sector
  fund pays) and Academie Vakwerk enrolled him.
* Fatima applies for the basic-skills course "Taal op de werkvloer" at ROC Maasstad, with
  Ilse of the work centre acting with her consent; the course has started (advance paid).
* UWV has an open window (STAP rules, first come first served) for the rest of the year.

Runs only when the register and accounts demo data exist (``load_offers``, ``load_accounts``).
Idempotent: an application that exists is not made again; the window is found by its name.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from llo.accounts import services as accounts
from llo.core import audit
from llo.core.problems import Problem
from llo.core.timeutil import now, today
from llo.demo import personas
from llo.enrolment import services
from llo.enrolment.models import Application, Consent, Window
from llo.people.models import Organisation, Person
from llo.register.models import Offering, OfferingState, OfferState

ACTOR = audit.Actor.system("demo")
WINDOW_BUDGET_CENTS = 25_000_000  # EUR 250,000 for the demo window
WINDOW = "Scholingsvenster UWV"
#: Jan: the welding microcredential first; Fatima: basic skills first, then care.
JAN_CODES = ("AV-LAS-MC", "AV-LASTECH")
FATIMA_CODES = ("MS-NT1-TAAL", "MS-NT1-DIGI", "MS-HZW")


def _person(key: str) -> Person | None:
    spec = next((p for p in personas.PERSONS if p.key == key), None)
    return Person.objects.by_bsn(spec.bsn) if spec else None


def _org(key: str) -> Organisation | None:
    spec = next((o for o in personas.ORGANISATIONS if o.key == key), None)
    return Organisation.objects.filter(kvk=spec.kvk).first() if spec else None


def _offering(kvk_key: str, code: str, on: dt.date) -> Offering | None:
    org = _org(kvk_key)
    if org is None:
        return None
    return (
        Offering.objects.filter(
            offer__opleider__organisation=org,
            offer__code=code,
            offer__state=OfferState.PUBLISHED,
            state=OfferingState.ACTIVE,
            start_date__gt=on,
        )
        .order_by("start_date", "pk")
        .first()
    )


def _apply(
    person: Person, offering: Offering, on: dt.date, key: str, acting: Organisation | None = None
) -> Application | None:
    """With the person's own budgets (the funding plan), or else through the open window."""
    shown = services.preview(actor=ACTOR, person=person, offering=offering, on=on)
    if not shown.eligible:
        return _apply_in_window(person, offering, on, key, acting)
    return services.apply(
        actor=ACTOR,
        shown=shown,
        amount_cents=shown.amount_cents,
        on=on,
        acting_org=acting,
        idempotency_key=key,
    )


def _apply_in_window(
    person: Person, offering: Offering, on: dt.date, key: str, acting: Organisation | None
) -> Application | None:
    at = now()
    window = Window.objects.filter(
        opens_at__lte=at, closes_at__gt=at, name__startswith=WINDOW
    ).first()
    if window is None:
        return None
    try:
        shown = services.preview(
            actor=ACTOR, person=person, offering=offering, window=window, on=on
        )
    except Problem:
        return None  # e.g. the window's scheme has no rules for this date (docs/enrolment.md)
    if not shown.eligible:
        return None
    entry = services.submit(
        actor=ACTOR,
        window=window,
        shown=shown,
        amount_cents=shown.amount_cents,
        idempotency_key=key,
        at=at,
        acting_org=acting,
    ).entry
    services.allocate_window(window, actor=ACTOR, at=at + 2 * services.WATERMARK)
    app = Application.objects.filter(intake=entry, status="granted").first()
    return app


def _first(person: Person, kvk_key: str, codes: tuple[str, ...], on: dt.date) -> Offering | None:
    """The first of ``codes`` that this person has not applied for and can get funded."""
    if Application.objects.filter(person=person, offer__code__in=codes).exists():
        return None  # made by an earlier run
    if person.previews.filter(offer__code__in=codes).exists():
        return None  # tried by an earlier run and refused: trying again would change nothing
    for code in codes:
        offering = _offering(kvk_key, code, on)
        if offering is not None and offering.offer.price_cents > 0:
            return offering
    return None


def _window(on: dt.date, seed: int) -> int:
    uwv = _org("uwv")
    if uwv is None:
        return 0
    name = f"{WINDOW} {on.year}"
    if Window.objects.filter(name=name).exists():
        return 0
    funder = accounts.ensure_funder(uwv, actor=ACTOR)
    budget = accounts.create_budget(
        actor=ACTOR,
        funder=funder,
        name=f"STAP-achtige scholing {on.year}",
        total_cents=WINDOW_BUDGET_CENTS * 2,
        period_start=dt.date(on.year, 1, 1),
        period_end=dt.date(on.year, 12, 31),
        scheme="stap",
        idempotency_key=f"demo:{seed}:enrolment:budget:{on.year}",
    )
    Window.objects.create(
        budget=budget,
        name=name,
        opens_at=dt.datetime(on.year, 1, 1, 9, tzinfo=dt.UTC),
        closes_at=dt.datetime(on.year, 12, 31, 17, tzinfo=dt.UTC),
        budget_cents=WINDOW_BUDGET_CENTS,
        policy="fcfs",
        training_cap=300,
    )
    return 1


def load_enrolment(*, seed: int) -> dict[str, int]:
    """The personas' applications and an open UWV window; returns what was created."""
    created = {"applications": 0, "enrolments": 0, "started": 0, "windows": 0, "consents": 0}
    if not Offering.objects.exists() or _person("jan") is None:
        return created  # the register or people demo has not run
    on = today()
    with transaction.atomic():
        created["windows"] = _window(on, seed)
        jan = _person("jan")
        vakwerk = _org("vakwerk")
        welding = _first(jan, "vakwerk", JAN_CODES, on) if jan else None
        if jan and vakwerk and welding:
            app = _apply(jan, welding, on, f"demo:{seed}:apply:jan")
            if app is not None:
                created["applications"] += 1
                services.enrol(actor=ACTOR, provider=vakwerk, application=app, sessions_planned=8)
                created["enrolments"] += 1
        fatima = _person("fatima")
        maasstad = _org("maasstad")
        rwc = _org("rwc_rijnmond")
        language = _first(fatima, "maasstad", FATIMA_CODES, on) if fatima else None
        if fatima and maasstad and language:
            if (
                rwc is not None
                and not Consent.objects.filter(person=fatima, organisation=rwc).exists()
            ):
                services.give_consent(person=fatima, organisation=rwc, days=365)
                created["consents"] += 1
            app = _apply(fatima, language, on, f"demo:{seed}:apply:fatima", acting=rwc)
            if app is not None:
                created["applications"] += 1
                services.enrol(actor=ACTOR, provider=maasstad, application=app, sessions_planned=20)
                created["enrolments"] += 1
                # The course is under way: the start is recorded on its start date.
                services.start(
                    actor=ACTOR, provider=maasstad, application=app, on=language.start_date
                )
                services.report_attendance(
                    actor=ACTOR, provider=maasstad, application=app, attended=3
                )
                created["started"] += 1
    return created
