# SPDX-License-Identifier: EUPL-1.2
"""Demo applications for the personas, through the enrolment services (money through the
ledger, audit records included):

* Jan applies for the welding microcredential at Academie Vakwerk; it is granted (his sector
  fund pays) and Academie Vakwerk enrolled him.
* Fatima applies for the basic-skills course "Taal op de werkvloer" at ROC Maasstad, with
  Ilse of the work centre acting with her consent; the gemeente's NT1 voucher pays it in full
  (earmarked money first, decision 015); the course has started (advance paid). Her employer's
  and O&O-fund's money is left for the care course "Starten in de zorg" (€ 0 for her).
* UWV's rounds (windows) are made by :mod:`llo.demo.windows`, on rules valid on their days
  (the STAP window this module made until issue 15 could not decide: STAP ended in 2023).

Runs only when the register and accounts demo data exist (``load_offers``, ``load_accounts``).
Idempotent: an application that exists is not made again.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from llo.core import audit
from llo.core.problems import Problem
from llo.core.timeutil import now, today
from llo.demo import personas
from llo.enrolment import services
from llo.enrolment.models import Application, Consent, Window
from llo.people.models import Organisation, Person
from llo.register.models import Offering, OfferingState, OfferState

ACTOR = audit.Actor.system("demo")
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
    """Through the first open window whose rules say yes, granted at once (first come)."""
    at = now()
    for window in Window.objects.filter(opens_at__lte=at, closes_at__gt=at, policy="fcfs"):
        try:
            shown = services.preview(
                actor=ACTOR, person=person, offering=offering, window=window, on=on
            )
        except Problem:
            continue
        if not shown.eligible:
            continue
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
        return Application.objects.filter(intake=entry, status="granted").first()
    return None


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


def load_enrolment(*, seed: int) -> dict[str, int]:
    """The personas' applications; returns what was created."""
    created = {"applications": 0, "enrolments": 0, "started": 0, "consents": 0}
    if not Offering.objects.exists() or _person("jan") is None:
        return created  # the register or people demo has not run
    on = today()
    with transaction.atomic():
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
