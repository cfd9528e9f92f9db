# SPDX-License-Identifier: EUPL-1.2
"""Applying for a training: the preview (the decision with its reasons and the funding plan,
before the person confirms) and the direct application, which reserves what the person's
own rights pay. An application in a window goes through :mod:`.windows`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from llo.accounts import price_adjusters
from llo.accounts.plan import FundingPlan, LineReason, funding_plan
from llo.core import audit
from llo.core.problems import Problem
from llo.core.timeutil import now
from llo.enrolment import deciding, lifecycle
from llo.enrolment.lifecycle import Event, Who
from llo.enrolment.models import Application, Consent, PreRegistration, Preview, Window
from llo.enrolment.services import money, notices, transitions
from llo.enrolment.services.common import (
    already_applied,
    check_amount_shown,
    check_offering_usable,
    new_receipt,
)
from llo.enrolment.services.consent import check_acting_for
from llo.enrolment.services.facts import offer_facts
from llo.people.models import Organisation, Person
from llo.register.models import Offer, Offering
from llo.schemes.decision import Decision, Reason
from llo.schemes.services import decide_and_record, record_decision


def exemption_reason(reduction: price_adjusters.Reduction) -> dict[str, Any]:
    """A lower price as one of the preview's reasons (the apply page lists them by the
    price; ``passed``: it never stands in the way)."""
    return {
        "condition": reduction.code,
        "passed": True,
        "text": reduction.text,
        "subject": reduction.subject,
        "reductionCents": reduction.cents,
    }


def preview(
    *,
    actor: audit.Actor,
    person: Person,
    offering: Offering,
    window: Window | None = None,
    on: dt.date,
) -> Preview:
    """The decision with reasons and the funding plan, before the person confirms.

    Every fact comes from the facts adapter next to the rules; a fact llo does not hold yet
    makes its condition "not yet known" (the reason says so, ``missing`` in the record names
    it) and the apply page asks for it. Both paths store a decision record with the source of
    every fact.

    Locks: none (writes the preview, and the rules' decision record)."""
    offer = Offer.objects.select_related("opleider__organisation").get(pk=offering.offer_id)
    check_offering_usable(offer, offering, on)
    price = offer.price_cents
    decision = None
    if window is not None:
        found, decision = deciding.fit(
            window,
            person,
            offering,
            on,
            decide_with=lambda person_facts, offer_facts, day, rules, sources: decide_and_record(
                person_facts,
                offer_facts,
                day,
                rules,
                actor=actor,
                person=person,
                purpose="apply",
                sources=sources,
            ),
        )
        peildatum, amount, reasons = found.day, found.amount_cents, list(found.reasons)
        # This person's price: an exemption the provider accepted lowers it (issue 16), and
        # the window's rules decide on that price (deciding.fit).
        price, reductions = found.price_cents, found.reductions
        plan = [
            {
                "funder": window.budget.funder.organisation.name,
                "amountCents": amount,
                "text": window.name,
                "missing": list(found.missing),
            }
        ]
        eligible = found.eligible
    else:
        peildatum = on
        # The purpose the person stated (or their situation tells) decides a budget that pays
        # only for some purposes (the bakery's "current job"), as it does in a window.
        offered, offer_sources = offer_facts(
            offer, offering, on, purpose=deciding.purpose_of(person, on)
        )
        fplan = funding_plan(
            person, offered, on, title=offer.title, offer_sources=offer_sources, offer_id=offer.pk
        )
        price, reductions = fplan.price_cents, fplan.reductions
        amount = fplan.funded_cents
        plan = [
            {
                "rightId": line.right_id,
                "funder": line.funder,
                "amountCents": line.amount_cents,
                "reason": line.reason,
                "text": line.text,
                "missing": list(line.missing),
            }
            for line in fplan.lines
        ]
        reasons = [{"condition": "plan", "passed": amount > 0, "text": fplan.own_text}]
        eligible = amount > 0
        if fplan.decisions:
            decision = _record_plan(fplan, amount, actor=actor, person=person)
    with transaction.atomic():
        shown = Preview.objects.create(
            person=person,
            offer=offer,
            offering=offering,
            window=window,
            decision=decision,
            peildatum=peildatum,
            eligible=eligible,
            amount_cents=amount,
            own_cents=price - amount,
            price_cents=price,
            reasons=reasons + [exemption_reason(r) for r in reductions],
            plan=plan,
            created_at=now(),
            actor=actor.name,
        )
        audit.record(
            actor=actor,
            action="application.previewed",
            subject=shown,
            after={"amount_cents": amount},
        )
    return shown


def apply(
    *,
    actor: audit.Actor,
    shown: Preview,
    amount_cents: object,
    on: dt.date,
    acting_org: Organisation | None = None,
    idempotency_key: str | None = None,
) -> Application:
    """Confirm a preview without a window: reserve what the plan shows, give a receipt.

    The grant is the table's ``applied -> grant`` row, taken by the system (the funding plan
    decides, not the person) with the movement it names. Takes no lock of its own; the
    ledger locks the rights it reserves from (:mod:`llo.enrolment.store.locks`, step 5).

    Twins (a double click, a client retrying at once, 20 parallel requests) get one
    application and one reservation per right: the application is inserted before any money
    moves, and the unique index ``enrolment_application_one_active`` refuses the second insert
    (on PostgreSQL it waits until the first commits). The loser answers as if it came just
    after: the same application for the same preview, else 409 ``already-applied``.
    ``idempotency_key`` is the prefix of the ledger keys (default: from the application)."""
    if shown.window_id is not None:
        raise Problem(
            409,
            _("This training is funded through a window. Apply in the window."),
            code="use-window",
        )
    check_amount_shown(amount_cents, shown.amount_cents)
    offer = Offer.objects.select_related("opleider").get(pk=shown.offer_id)
    offering = Offering.objects.get(pk=shown.offering_id)
    check_offering_usable(offer, offering, on)
    if not shown.eligible:
        raise Problem(
            422, _("No budget pays for this training. Nothing was reserved."), code="not-eligible"
        )
    at = now()
    consent = check_acting_for(acting_org, shown.person, at)
    answered = _applied_before(shown)
    if answered is not None:
        return answered
    try:
        with transaction.atomic():
            return _grant(actor, shown, offer, offering, on, at, consent, idempotency_key)
    except IntegrityError:
        # A twin request passed the check above at the same moment and committed first: the
        # unique index of one active application per person and start date refused this
        # insert (issue 14, finding 1). Answer as if this request had come just after it.
        answered = _applied_before(shown)
        if answered is not None:
            return answered
        raise


def _applied_before(shown: Preview) -> Application | None:
    """The application this preview made (a retried confirm applies once and gets the same
    answer), or None if the person may apply; 409 if another application for this start
    date is active."""
    existing = Application.objects.filter(preview=shown).first()
    if existing is not None:
        return existing
    if Application.objects.filter(
        person_id=shown.person_id,
        offering_id=shown.offering_id,
        status__in=sorted(lifecycle.ACTIVE),
    ).exists():
        raise already_applied()
    return None


def _grant(
    actor: audit.Actor,
    shown: Preview,
    offer: Offer,
    offering: Offering,
    on: dt.date,
    at: dt.datetime,
    consent: Consent | None,
    idempotency_key: str | None,
) -> Application:
    """Insert the granted application first (the unique index decides between twins before
    the plan is read again and before any money moves), then reserve what the plan shows."""
    granting = transitions.enter(Event.GRANT, by=Who.SYSTEM)
    app = Application.objects.create(
        person_id=shown.person_id,
        offer=offer,
        offering=offering,
        provider_id=offer.opleider.organisation_id,
        preview=shown,
        year=on.year,
        status=granting.target,
        amount_cents=shown.amount_cents,
        own_cents=shown.own_cents,
        receipt=new_receipt(),
        applied_at=at,
        applied_by=actor.name,
        consent=consent,
        pre_registered=PreRegistration.objects.filter(
            person_id=shown.person_id, offer_id=offer.pk
        ).exists(),
        updated_at=at,
    )
    # The plan is read again after the insert: a twin has either committed (and this insert
    # failed) or waits on this one, so what changed the budgets is not its reservation.
    offered, offer_sources = offer_facts(offer, offering, on)
    fresh = funding_plan(
        shown.person,
        offered,
        on,
        title=offer.title,
        offer_sources=offer_sources,
        offer_id=offer.pk,
    )
    if fresh.funded_cents != shown.amount_cents:
        raise Problem(
            409,
            _(
                "Your budgets changed since you looked. Nothing was reserved. "
                "Look at the plan again."
            ),
            code="plan-changed",
        )
    # The ledger keys follow from the application, so they are unique across users (an
    # Idempotency-Key header is only unique per user; the API layer replays by it).
    key = idempotency_key or f"app:{app.pk}"
    money.perform(granting.money, [app], money.Context(actor=actor, on=on, key=key, plan=fresh))
    notices.tell([app], granting.target)
    audit.record(
        actor=actor,
        action="application.granted",
        subject=app,
        after={"amount_cents": app.amount_cents, "consent": consent.pk if consent else None},
    )
    return app


def _record_plan(plan: FundingPlan, amount: int, *, actor: audit.Actor, person: Person) -> Any:
    """The funding plan's decisions as one decision record: a line per right (its sentence),
    and in the record every right's conditions, the facts and their sources."""
    reasons = tuple(
        Reason(
            f"right:{line.right_id}",
            line.amount_cents > 0,
            line.text,
            unknown=line.reason == LineReason.UNKNOWN,
        )
        for line in plan.lines
        if line.right_id in plan.decisions
    )
    first = next(iter(plan.decisions.values()))
    summary = Decision(
        "funder", first.rule_version, plan.on, amount > 0, amount, reasons, plan.record,
        plan.missing,
    )  # fmt: skip
    return record_decision(summary, actor=actor, person=person, purpose="apply")
