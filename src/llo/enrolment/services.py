# SPDX-License-Identifier: EUPL-1.2
"""Use cases of applications, windows, enrolment and payment: the only code that changes
enrolment state. Each runs in one transaction with its audit record; money moves only through
:mod:`llo.accounts.services` (reserve, release, pay_provider, claw_back, deposit).

Two designs for a window rush, measured in bench/windows:

* **intake** (:func:`submit`): the request appends one :class:`IntakeEntry`; its id comes from
  a database sequence, so concurrent requests take no lock on a shared row. One allocator per
  window (:func:`allocate_window`) later grants in policy order, moving the money.
* **conditional update** (:func:`submit_conditional`): the request itself does
  ``UPDATE window SET granted = granted + a WHERE granted + a <= budget`` and moves the money
  while holding that row lock, so every request queues on one row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Sum
from django.utils.translation import gettext as _

from llo.accounts import services as accounts
from llo.accounts.conditions import OfferFacts as PlanOffer
from llo.accounts.models import Right
from llo.accounts.plan import LineReason, funding_plan
from llo.core import audit
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.timeutil import now
from llo.enrolment import allocation, groups, lifecycle, misuse, settlement, suppression
from llo.enrolment.lifecycle import Event, Status
from llo.enrolment.models import (
    Application,
    Consent,
    Enrolment,
    Funding,
    GiftReport,
    IntakeEntry,
    MisuseFlag,
    Payment,
    PaymentKind,
    PreRegistration,
    Preview,
    ReviewCase,
    TrainingCounter,
    Window,
)
from llo.people.models import Organisation, Person
from llo.register.models import Offer, Offering, OfferingState, OfferState, OfferVersion
from llo.schemes.errors import RulesError
from llo.schemes.facts import OfferFacts, facts_from_person
from llo.schemes.services import decide_and_record

SYSTEM = audit.Actor.system("enrolment")
#: Entries younger than this are not allocated yet during an FCFS window: a request that took
#: its sequence number earlier may still be committing (requests time out well before this).
WATERMARK = dt.timedelta(seconds=2)

_OFFER_TYPES = {
    "programme": "programme",
    "course": "course",
    "module": "module",
    "evc": "evc",
    "basic_skills": "basic_skills",
    "microcredential": "microcredential",
}


# --- facts ----------------------------------------------------------------------------------


def scheme_offer_facts(
    offer: Offer, offering: Offering, on: dt.date, grants_this_year: int = 0
) -> OfferFacts:
    """The register's offer as the rules engine's OfferFacts (the register has no adapter
    for scheme facts yet; see docs/enrolment.md)."""
    opleider = offer.opleider
    marked = opleider.funded or any(m.is_valid_on(on) for m in opleider.quality_marks.all())
    return OfferFacts(
        level=offer.level,  # type: ignore[arg-type]  # checked by OfferFacts
        offer_type=_OFFER_TYPES.get(offer.offer_type, "other"),
        fee_cents=offer.fee_cents,
        exam_cents=offer.exam_cents,
        materials_cents=offer.materials_cents,
        prices_include_vat=True,
        in_register=offer.state == OfferState.PUBLISHED and opleider.status == "admitted",
        quality_mark_valid=marked,
        purpose="grow",
        start_date=offering.start_date,
        grants_this_year=grants_this_year,
    )


def plan_offer_facts(offer: Offer) -> PlanOffer:
    return PlanOffer(
        price_components={
            "tuition": offer.fee_cents,
            "exam": offer.exam_cents,
            "materials": offer.materials_cents,
        },
        level=offer.level,  # type: ignore[arg-type]
        offer_type=offer.offer_type,
        occupations=frozenset(str(o) for o in offer.occupations or []),
        title=offer.title,
    )


def _default_extra(on: dt.date) -> dict[str, Any]:
    """What the people app does not hold yet: insured the last 31 months, no study support.
    The apply page asks the person to confirm both (docs/enrolment.md lists this gap)."""
    first = on.replace(day=1)
    months = set()
    for back in range(1, 32):
        index = first.year * 12 + first.month - 1 - back
        months.add(dt.date(index // 12, index % 12 + 1, 1))
    return {"insured_months": frozenset(months), "receives_study_support": False}


def _grants_this_year(offer: Offer, year: int) -> int:
    row = (
        TrainingCounter.objects.filter(offer=offer, year=year)
        .values_list("grants", flat=True)
        .first()
    )
    return int(row or 0)


def _offering_usable(offer: Offer, offering: Offering, on: dt.date) -> None:
    if offer.state != OfferState.PUBLISHED:
        raise Problem(
            422,
            _("This training is no longer in the register. Choose another training."),
            code="offer-withdrawn",
        )
    if offering.offer_id != offer.pk or offering.state != OfferingState.ACTIVE:
        raise Problem(
            422, _("This start date is not open. Choose another date."), code="offering-closed"
        )
    if offering.start_date <= on:
        raise Problem(
            422,
            _("This training has already started. Choose a later start date."),
            code="starts-too-soon",
        )


# --- preview and direct application -----------------------------------------------------------


def preview(
    *,
    actor: audit.Actor,
    person: Person,
    offering: Offering,
    window: Window | None = None,
    on: dt.date,
    extra: dict[str, Any] | None = None,
) -> Preview:
    """The decision with reasons and the funding plan, before the person confirms."""
    offer = Offer.objects.select_related("opleider__organisation").get(pk=offering.offer_id)
    _offering_usable(offer, offering, on)
    price = offer.price_cents
    decision = None
    if window is not None:
        # A preview before the window opens is for the opening day (Sanne wants to know first).
        peildatum = max(on, window.opens_at.date())
        scheme = window.budget.scheme
        if not scheme:
            raise Problem(422, _("This window has no scheme rules."), code="window-without-scheme")
        facts = facts_from_person(person, peildatum, **(extra or _default_extra(peildatum)))
        offer_facts = scheme_offer_facts(
            offer, offering, peildatum, _grants_this_year(offer, peildatum.year)
        )
        try:
            result, decision = decide_and_record(
                facts, offer_facts, peildatum, scheme, actor=actor, person=person, purpose="apply"
            )
        except RulesError as exc:
            raise Problem(422, str(exc), code="rules-refused") from None
        amount = min(result.amount_cents, price) if result.eligible else 0
        reasons = result.reasons_json()
        plan = [
            {
                "funder": window.budget.funder.organisation.name,
                "amountCents": amount,
                "text": window.name,
            }
        ]
        eligible = result.eligible and amount > 0
    else:
        peildatum = on
        fplan = funding_plan(person, plan_offer_facts(offer), on)
        amount = fplan.funded_cents
        plan = [
            {
                "rightId": line.right_id,
                "funder": line.funder,
                "amountCents": line.amount_cents,
                "reason": line.reason,
                "text": line.text,
            }
            for line in fplan.lines
        ]
        reasons = [{"condition": "plan", "passed": amount > 0, "text": fplan.own_text}]
        eligible = amount > 0
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
            reasons=reasons,
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


def check_acting_for(
    actor_org: Organisation | None, person: Person, at: dt.datetime
) -> Consent | None:
    """An adviser acts for a person only with a valid, unrevoked consent (DESIGN.md 4)."""
    if actor_org is None:
        return None
    consent = (
        Consent.objects.filter(
            person=person,
            organisation=actor_org,
            valid_from__lte=at,
            valid_until__gte=at,
            revoked_at__isnull=True,
        )
        .order_by("-valid_until")
        .first()
    )
    if consent is None:
        raise Problem(
            403,
            _("You may apply for this person only with their consent. Ask them to give it."),
            code="no-consent",
        )
    return consent


def give_consent(
    *, person: Person, organisation: Organisation, days: int = 90, at: dt.datetime | None = None
) -> Consent:
    at = at or now()
    with transaction.atomic():
        consent = Consent.objects.create(
            person=person,
            organisation=organisation,
            valid_from=at,
            valid_until=at + dt.timedelta(days=days),
        )
        audit.record(
            actor=audit.Actor(f"person:{person.pk}", "burger"),
            action="consent.given",
            subject=consent,
        )
    return consent


def revoke_consent(consent: Consent, at: dt.datetime | None = None) -> None:
    with transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(revoked_at=at or now())
        audit.record(
            actor=audit.Actor(f"person:{consent.person_id}", "burger"),
            action="consent.revoked",
            subject=consent,
        )


def _receipt() -> str:
    return "LLO-" + secrets.token_hex(5).upper()


def _tampered(claimed: object, shown: int) -> None:
    if isinstance(claimed, bool) or not isinstance(claimed, int) or claimed != shown:
        raise invalid(
            _(
                "The amount does not match what we showed you. Nothing was reserved. "
                "Look at the plan again."
            ),
            [
                InvalidParam(
                    "amountCents",
                    _("must be the amount shown: %(amount)s cents") % {"amount": shown},
                    "tampered",
                )
            ],
        )


def _open_case(provider_id: int) -> bool:
    return ReviewCase.objects.filter(provider_id=provider_id, closed_at__isnull=True).exists()


#: Rows per statement when the allocator writes applications and entries.
ALLOCATION_BATCH = 500


def _pre_registered(person_id: int, offer_id: int) -> bool:
    return PreRegistration.objects.filter(person_id=person_id, offer_id=offer_id).exists()


def apply(
    *,
    actor: audit.Actor,
    shown: Preview,
    amount_cents: object,
    on: dt.date,
    acting_org: Organisation | None = None,
    idempotency_key: str | None = None,
) -> Application:
    """Confirm a preview without a window: reserve what the plan shows, give a receipt."""
    key = idempotency_key or accounts.new_key("apply")
    if shown.window_id is not None:
        raise Problem(
            409,
            _("This training is funded through a window. Apply in the window."),
            code="use-window",
        )
    _tampered(amount_cents, shown.amount_cents)
    offer = Offer.objects.select_related("opleider").get(pk=shown.offer_id)
    offering = Offering.objects.get(pk=shown.offering_id)
    _offering_usable(offer, offering, on)
    if not shown.eligible:
        raise Problem(
            422, _("No budget pays for this training. Nothing was reserved."), code="not-eligible"
        )
    at = now()
    consent = check_acting_for(acting_org, shown.person, at)
    existing = Application.objects.filter(preview=shown).first()
    if existing is not None:
        return existing  # a retried confirm of the same preview applies once
    if Application.objects.filter(
        person_id=shown.person_id, offering=offering, status__in=sorted(lifecycle.ACTIVE)
    ).exists():
        raise Problem(409, _("You already applied for this training."), code="already-applied")
    with transaction.atomic():
        fresh = funding_plan(shown.person, plan_offer_facts(offer), on)
        if fresh.funded_cents != shown.amount_cents:
            raise Problem(
                409,
                _(
                    "Your budgets changed since you looked. Nothing was reserved. "
                    "Look at the plan again."
                ),
                code="plan-changed",
            )
        app = Application.objects.create(
            person_id=shown.person_id,
            offer=offer,
            offering=offering,
            provider_id=offer.opleider.organisation_id,
            preview=shown,
            year=on.year,
            status=Status.GRANTED,
            amount_cents=shown.amount_cents,
            own_cents=shown.own_cents,
            receipt=_receipt(),
            applied_at=at,
            applied_by=actor.name,
            consent=consent,
            pre_registered=_pre_registered(shown.person_id, offer.pk),
            updated_at=at,
        )
        for line in fresh.lines:
            if line.reason != LineReason.PAYS or line.amount_cents <= 0:
                continue
            right = Right.objects.get(pk=line.right_id)
            reservation = accounts.reserve(
                actor=actor,
                right=right,
                amount_cents=line.amount_cents,
                on=on,
                provider=offer.opleider.organisation,
                reference=f"application:{app.pk}",
                idempotency_key=f"{key}:right:{right.pk}",
            )
            Funding.objects.create(
                application=app,
                right=right,
                reservation=reservation,
                amount_cents=line.amount_cents,
            )
        audit.record(
            actor=actor,
            action="application.granted",
            subject=app,
            after={"amount_cents": app.amount_cents, "consent": consent.pk if consent else None},
        )
    return app


# --- windows: the intake design ---------------------------------------------------------------


def _window_checks(window: Window, shown: Preview, amount_cents: object, at: dt.datetime) -> None:
    if not window.opens_at <= at < window.closes_at:
        raise Problem(
            422,
            _("This window is closed. You can apply from %(opens)s until %(closes)s.")
            % {
                "opens": f"{window.opens_at:%d-%m-%Y %H:%M}",
                "closes": f"{window.closes_at:%d-%m-%Y %H:%M}",
            },
            code="outside-window",
        )
    if shown.window_id != window.pk:
        raise invalid(
            _("This plan was made for another window."),
            [InvalidParam("previewId", _("another window"), "window")],
        )
    _tampered(amount_cents, shown.amount_cents)
    if not shown.eligible:
        failed = " ".join(r["text"] for r in shown.reasons if not r.get("passed"))
        raise Problem(
            422,
            _("You cannot get this budget.") + " " + failed,
            code="not-eligible",
            extra={"reasons": shown.reasons},
        )
    if shown.peildatum < window.opens_at.date():
        raise Problem(
            409, _("Look at the plan again: it was made before this window."), code="preview-stale"
        )


@dataclass(frozen=True)
class Submitted:
    entry: IntakeEntry
    replayed: bool


def _hash(window: Window, shown: Preview, amount: object) -> str:
    return accounts.digest(op="submit", window=window.pk, preview=shown.pk, amount=amount)


def submit(
    *,
    actor: audit.Actor,
    window: Window,
    shown: Preview,
    amount_cents: object,
    idempotency_key: str,
    at: dt.datetime | None = None,
    acting_org: Organisation | None = None,
) -> Submitted:
    """Append one entry to the window's intake. No shared row is locked: the entry's id is
    its arrival order. A retry with the same key returns the first entry."""
    at = at or now()
    request_hash = _hash(window, shown, amount_cents)
    found = _replay_entry(window, idempotency_key, request_hash)
    if found is not None:
        return Submitted(found, True)
    _window_checks(window, shown, amount_cents, at)
    check_acting_for(acting_org, shown.person, at)
    if Application.objects.filter(
        person_id=shown.person_id,
        budget_id=window.budget_id,
        year=at.year,
        status__in=sorted(lifecycle.ACTIVE),
    ).exists():
        raise Problem(
            409,
            _("You already got this budget this year. You can get it once a year."),
            code="once-a-year",
        )
    person = shown.person
    try:
        with transaction.atomic():
            entry = IntakeEntry.objects.create(
                window=window,
                person_id=shown.person_id,
                offer_id=shown.offer_id,
                offering_id=shown.offering_id,
                preview=shown,
                amount_cents=shown.amount_cents,
                group_rank=groups.rank(
                    person.highest_level, person.labour_position, window.priority_groups
                ),
                idempotency_key=idempotency_key,
                request_hash=request_hash,
                received_at=at,
                actor=actor.name,
            )
            audit.record(
                actor=actor,
                action="window.submitted",
                subject=entry,
                after={"window": window.pk, "amount_cents": entry.amount_cents},
            )
    except IntegrityError:
        found = _replay_entry(window, idempotency_key, request_hash)
        if found is not None:
            return Submitted(found, True)
        raise Problem(
            409, _("You already applied in this window."), code="already-applied"
        ) from None
    return Submitted(entry, False)


def _replay_entry(window: Window, key: str, request_hash: str) -> IntakeEntry | None:
    entry = IntakeEntry.objects.filter(window=window, idempotency_key=key).first()
    if entry is None:
        return None
    if entry.request_hash != request_hash:
        raise Problem(
            409,
            _("This Idempotency-Key was used before with another request."),
            code="idempotency-key-reused",
        )
    return entry


@dataclass
class AllocationReport:
    entries: int
    granted: int
    waiting: int
    refused: int
    granted_cents: int
    seed: str


def _active_persons(window: Window, year: int) -> set[int]:
    return set(
        Application.objects.filter(
            budget_id=window.budget_id, year=year, status__in=sorted(lifecycle.ACTIVE)
        ).values_list("person_id", flat=True)
    )


def _counts(offers: set[int], year: int) -> dict[int, int]:
    return dict(
        TrainingCounter.objects.filter(offer_id__in=offers, year=year).values_list(
            "offer_id", "grants"
        )
    )


def _bump_counter(offer_id: int, year: int, by: int, cap: int | None) -> bool:
    """Add ``by`` grants to a training's count unless that passes the cap: one conditional
    statement, so concurrent writers cannot pass it together (art. 12a)."""
    TrainingCounter.objects.get_or_create(offer_id=offer_id, year=year)
    table = TrainingCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET grants = grants + %s WHERE offer_id = %s AND year = %s"  # noqa: S608
            + (" AND grants + %s <= %s" if cap is not None else ""),
            [by, offer_id, year, *([by, cap] if cap is not None else [])],
        )
        return cursor.rowcount == 1


def _spend_window(window_id: int, cents: int) -> bool:
    """Conditional update of the window's granted total: never above its budget."""
    table = Window._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET granted_cents = granted_cents + %s "  # noqa: S608
            "WHERE id = %s AND granted_cents + %s <= budget_cents",
            [cents, window_id, cents],
        )
        return cursor.rowcount == 1


@dataclass(frozen=True)
class _Known:
    """What applications of many entries need, read once: the provider of every offer and
    who pre-registered for which offer."""

    provider_of: dict[int, int]
    pre_registered: set[tuple[int, int]]

    @classmethod
    def of(cls, entries: Sequence[IntakeEntry]) -> _Known:
        offers = {e.offer_id for e in entries}
        return cls(
            dict(
                Offer.objects.filter(pk__in=offers).values_list("pk", "opleider__organisation_id")
            ),
            set(
                PreRegistration.objects.filter(offer_id__in=offers).values_list(
                    "person_id", "offer_id"
                )
            ),
        )


def _make_application(
    entry: IntakeEntry,
    status: Status,
    at: dt.datetime,
    reason: str = "",
    known: _Known | None = None,
) -> Application:
    known = known or _Known.of([entry])
    return Application(
        person_id=entry.person_id,
        offer_id=entry.offer_id,
        offering_id=entry.offering_id,
        provider_id=known.provider_of[entry.offer_id],
        window_id=entry.window_id,
        budget_id=entry.window.budget_id,
        intake=entry,
        preview_id=entry.preview_id,
        year=entry.received_at.year,
        status=status,
        amount_cents=entry.amount_cents if status in (Status.GRANTED, Status.WAITING) else 0,
        own_cents=0,
        receipt=_receipt(),
        applied_at=entry.received_at,
        applied_by=entry.actor,
        pre_registered=(entry.person_id, entry.offer_id) in known.pre_registered,
        status_reason=reason,
        updated_at=at,
    )


def _grant_money(
    window: Window, apps: Sequence[Application], actor: audit.Actor, on: dt.date, key: str
) -> None:
    """Deposit the grants from the window's budget into rights, then reserve each for its
    provider: money only through accounts.services."""
    if not apps:
        return
    result = accounts.bulk_deposit(
        actor=actor,
        budget=window.budget,
        rows=[
            accounts.DepositRow(a.amount_cents, person_id=a.person_id, line=i + 1)
            for i, a in enumerate(apps)
        ],
        on=on,
        idempotency_key=f"{key}:deposit",
    )
    accounts.claim_rights(a.person_id for a in apps)
    rights = {
        r.person_id: r
        for r in Right.objects.filter(
            person_id__in=[a.person_id for a in apps], deposit_id=result.transaction_id
        ).select_related("account")
    }
    providers = {o.pk: o for o in Organisation.objects.filter(pk__in={a.provider_id for a in apps})}
    for app in apps:
        right = rights[app.person_id]
        reservation = accounts.reserve(
            actor=actor,
            right=right,
            amount_cents=app.amount_cents,
            on=on,
            provider=providers[app.provider_id],
            reference=f"application:{app.pk}",
            idempotency_key=f"app:{app.pk}:reserve",
        )
        Funding.objects.create(
            application=app, right=right, reservation=reservation, amount_cents=app.amount_cents
        )


def allocate_window(
    window: Window, *, actor: audit.Actor = SYSTEM, at: dt.datetime | None = None
) -> AllocationReport:
    """The single writer of a window: decide every unallocated entry in policy order.

    FCFS may run while the window is open (entries up to the watermark); lottery and priority
    run once after closing, with a fresh seed that is stored and published.
    """
    at = at or now()
    policy = allocation.Policy(window.policy)
    needs_close = policy == allocation.Policy.LOTTERY or policy == allocation.Policy.PRIORITY
    if needs_close and at < window.closes_at:
        raise Problem(409, _("This window is allocated after it closes."), code="window-open")
    with transaction.atomic():
        current = (
            Window.objects.select_for_update()
            .select_related("budget__funder__organisation")
            .get(pk=window.pk)
        )
        if needs_close and current.allocated_at is not None:
            raise Problem(409, _("This window was allocated already."), code="allocated")
        uses_lottery = policy == allocation.Policy.LOTTERY or (
            policy == allocation.Policy.PRIORITY
            and current.then_policy == allocation.Policy.LOTTERY
        )
        if uses_lottery and not current.seed:
            current.seed = secrets.token_hex(16)
        horizon = (
            min(at - WATERMARK, current.closes_at)
            if policy == allocation.Policy.FCFS
            else current.closes_at
        )
        entries = list(
            IntakeEntry.objects.filter(window=current, outcome="", received_at__lte=horizon)
            .select_related("window")
            .order_by("id")
        )
        year = current.opens_at.year
        result = allocation.allocate(
            [
                allocation.Entry(e.pk, e.person_id, e.offer_id, e.amount_cents, e.group_rank)
                for e in entries
            ],
            budget_cents=current.budget_cents - current.granted_cents,
            policy=policy,
            seed=current.seed,
            then=current.then_policy,
            training_cap=current.training_cap,
            grants_so_far=_counts({e.offer_id for e in entries}, year),
            excluded_persons=_active_persons(current, year),
            waiting_list=current.waiting_list,
        )
        by_id = {e.pk: e for e in entries}
        known = _Known.of(entries)
        start_position = IntakeEntry.objects.filter(window=current).exclude(outcome="").count()
        made: list[Application] = []
        counts = {"granted": 0, "waiting": 0, "refused": 0}
        for position, seq in enumerate(result.order, start=start_position + 1):
            entry = by_id[seq]
            outcome = result.outcomes[seq]
            entry.outcome = outcome.value
            entry.position = position
            if outcome == allocation.Outcome.GRANTED:
                made.append(_make_application(entry, Status.GRANTED, at, known=known))
                counts["granted"] += 1
            elif outcome == allocation.Outcome.WAITING:
                made.append(
                    _make_application(
                        entry,
                        Status.WAITING,
                        at,
                        _("The window budget is used up. You are on the waiting list."),
                        known=known,
                    )
                )
                counts["waiting"] += 1
            else:
                reason = {
                    allocation.Outcome.REFUSED_CAP: _(
                        "This training reached the most grants for this year."
                    ),
                    allocation.Outcome.REFUSED_DUPLICATE: _(
                        "You already got this budget this year."
                    ),
                    allocation.Outcome.REFUSED_BUDGET: _("The window budget is used up."),
                }[outcome]
                if outcome != allocation.Outcome.REFUSED_DUPLICATE:
                    made.append(_make_application(entry, Status.REFUSED, at, reason, known))
                counts["refused"] += 1
        # In batches: one statement per row would be a round trip each, and one update of all
        # rows is a CASE with a branch per row, tried for every row (quadratic).
        Application.objects.bulk_create(made, batch_size=ALLOCATION_BATCH)
        granted = [app for app in made if app.status == Status.GRANTED]
        IntakeEntry.objects.bulk_update(
            entries, ["outcome", "position"], batch_size=ALLOCATION_BATCH
        )
        for offer_id, n in result.grants_by_training.items():
            if not _bump_counter(offer_id, year, n, current.training_cap):
                raise Problem(
                    409,
                    _("The training cap was passed by another window; try again."),
                    code="cap-race",
                )
        if result.granted_cents and not _spend_window(current.pk, result.granted_cents):
            raise Problem(409, _("The window budget would be exceeded."), code="budget-exceeded")
        _grant_money(
            current,
            granted,
            actor,
            at.date(),
            key=f"window:{current.pk}:{entries[-1].pk if entries else 0}",
        )
        if needs_close:
            current.allocated_at = at
        current.save(update_fields=["seed", "allocated_at"])
        audit.record(
            actor=actor,
            action="window.allocated",
            subject=current,
            after={
                **counts,
                "granted_cents": result.granted_cents,
                "seed": current.seed,
                "policy": policy.value,
            },
        )
    return AllocationReport(
        len(entries),
        counts["granted"],
        counts["waiting"],
        counts["refused"],
        result.granted_cents,
        current.seed,
    )


# --- windows: the conditional-update design ----------------------------------------------------


def submit_conditional(
    *,
    actor: audit.Actor,
    window: Window,
    shown: Preview,
    amount_cents: object,
    idempotency_key: str,
    at: dt.datetime | None = None,
) -> Application:
    """First come, first served decided inside the request: a conditional update on the
    window's total, the training counter, then the money. Same guarantees, but every request
    waits for the one row of the window."""
    at = at or now()
    request_hash = _hash(window, shown, amount_cents)
    found = _replay_entry(window, idempotency_key, request_hash)
    if found is not None:
        return Application.objects.get(intake=found)
    _window_checks(window, shown, amount_cents, at)
    person = shown.person
    try:
        with transaction.atomic():
            entry = IntakeEntry.objects.create(
                window=window,
                person_id=shown.person_id,
                offer_id=shown.offer_id,
                offering_id=shown.offering_id,
                preview=shown,
                amount_cents=shown.amount_cents,
                group_rank=groups.rank(
                    person.highest_level, person.labour_position, window.priority_groups
                ),
                idempotency_key=idempotency_key,
                request_hash=request_hash,
                received_at=at,
                actor=actor.name,
            )
            entry.window = window
            year = window.opens_at.year
            if not _bump_counter(entry.offer_id, year, 1, window.training_cap):
                entry.outcome = allocation.Outcome.REFUSED_CAP.value
                app = _make_application(
                    entry,
                    Status.REFUSED,
                    at,
                    _("This training reached the most grants for this year."),
                )
            elif _spend_window(window.pk, entry.amount_cents):
                entry.outcome = allocation.Outcome.GRANTED.value
                app = _make_application(entry, Status.GRANTED, at)
            else:
                # Give the training's count back: this one was not granted.
                _bump_counter(entry.offer_id, year, -1, None)
                entry.outcome = (
                    allocation.Outcome.WAITING.value
                    if window.waiting_list
                    else allocation.Outcome.REFUSED_BUDGET.value
                )
                status = Status.WAITING if window.waiting_list else Status.REFUSED
                app = _make_application(entry, status, at, _("The window budget is used up."))
            entry.save(update_fields=["outcome"])
            app.save()
            if app.status == Status.GRANTED:
                _grant_money(window, [app], actor, at.date(), key=f"app:{app.pk}")
            audit.record(
                actor=actor, action="window.submitted", subject=app, after={"status": app.status}
            )
    except IntegrityError:
        found = _replay_entry(window, idempotency_key, request_hash)
        if found is not None:
            return Application.objects.get(intake=found)
        raise Problem(
            409,
            _("You already applied in this window, or got this budget this year."),
            code="already-applied",
        ) from None
    return app


# --- lifecycle --------------------------------------------------------------------------------


def _move(
    app: Application, event: Event, actor: audit.Actor, reason: str = ""
) -> lifecycle.Transition:
    try:
        transition = lifecycle.step(app.status, event)
    except lifecycle.TransitionError:
        raise Problem(
            409,
            _("This cannot be done now: the application is '%(status)s'.") % {"status": app.status},
            code="invalid-transition",
        ) from None
    before = app.status
    app.status = transition.target
    app.status_reason = reason[:300]
    app.updated_at = now()
    app.save(update_fields=["status", "status_reason", "updated_at"])
    audit.record(
        actor=actor,
        action=f"application.{event.value}",
        subject=app,
        before={"status": before},
        after={"status": app.status, "reason": reason},
    )
    return transition


def _locked(app: Application) -> Application:
    return Application.objects.select_for_update().get(pk=app.pk)


def _provider_app(app: Application, provider: Organisation) -> None:
    # A provider acts only on applications for its own offers; another's is "not found".
    if app.provider_id != provider.pk:
        raise Problem(404, _("There is no application with this number for you."), code="not-found")


def enrol(
    *, actor: audit.Actor, provider: Organisation, application: Application, sessions_planned: int
) -> Enrolment:
    """The provider confirms. Only an application that was granted can be enrolled: a provider
    cannot enrol someone who did not apply."""
    if sessions_planned <= 0:
        raise invalid(
            _("Give the number of sessions, more than 0."),
            [InvalidParam("sessionsPlanned", _("more than 0"), "min")],
        )
    _provider_app(application, provider)
    with transaction.atomic():
        app = _locked(application)
        _move(app, Event.ENROL, actor)
        enrolment = Enrolment.objects.create(
            application=app, enrolled_at=now(), sessions_planned=sessions_planned
        )
    return enrolment


def _pay(
    app: Application,
    kind: PaymentKind,
    cents_by_funding: Sequence[tuple[Funding, int]],
    actor: audit.Actor,
    on: dt.date,
) -> int:
    review = _open_case(app.provider_id)
    total = 0
    for funding, cents in cents_by_funding:
        if cents <= 0:
            continue
        key = f"app:{app.pk}:{kind}:{funding.pk}"
        if kind in (PaymentKind.ADVANCE, PaymentKind.FINAL):
            txn = accounts.pay_provider(
                actor=actor,
                reservation=funding.reservation,
                amount_cents=cents,
                on=on,
                idempotency_key=key,
            )
        elif kind == PaymentKind.CLAW_BACK:
            txn = accounts.claw_back(
                actor=actor,
                reservation=funding.reservation,
                amount_cents=cents,
                on=on,
                idempotency_key=key,
            )
        else:
            txn = accounts.release(
                actor=actor,
                reservation=funding.reservation,
                amount_cents=cents,
                on=on,
                idempotency_key=key,
            )
        Payment.objects.create(
            application=app,
            kind=kind,
            amount_cents=cents,
            ledger_transaction=txn.pk,
            at=now(),
            under_review=review,
        )
        total += cents
    return total


def _fundings(app: Application) -> list[Funding]:
    return list(app.fundings.select_related("reservation__account", "right").order_by("pk"))


def start(
    *, actor: audit.Actor, provider: Organisation, application: Application, on: dt.date
) -> int:
    """The training starts: pay the advance, from ADVANCE_DAYS days before the start."""
    _provider_app(application, provider)
    with transaction.atomic():
        app = _locked(application)
        offering = app.offering
        if on < offering.start_date - dt.timedelta(days=settlement.ADVANCE_DAYS):
            raise Problem(
                422,
                _("The advance can be paid from %(days)s days before the start.")
                % {"days": settlement.ADVANCE_DAYS},
                code="too-early",
            )
        _move(app, Event.START, actor)
        Enrolment.objects.filter(application=app).update(started_at=now())
        fundings = _fundings(app)
        return _pay(
            app,
            PaymentKind.ADVANCE,
            [(f, settlement.advance_cents(f.amount_cents)) for f in fundings],
            actor,
            on,
        )


def report_attendance(
    *,
    actor: audit.Actor,
    provider: Organisation,
    application: Application,
    attended: int,
    excused: int = 0,
    excused_reason: str = "",
) -> Enrolment:
    """Cumulative attendance; excused absence (illness) needs a reason and is recorded."""
    _provider_app(application, provider)
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(application=application)
        params = []
        if attended < 0 or excused < 0 or attended + excused > enrolment.sessions_planned:
            params.append(
                InvalidParam(
                    "attended", _("attended + excused is at most the sessions planned"), "range"
                )
            )
        if excused and not excused_reason.strip():
            params.append(
                InvalidParam("excusedReason", _("say why, for example illness"), "required")
            )
        if params:
            raise invalid(_("The attendance is not right."), params)
        enrolment.sessions_attended = attended
        enrolment.sessions_excused = excused
        enrolment.excused_reason = excused_reason[:300]
        enrolment.save(update_fields=["sessions_attended", "sessions_excused", "excused_reason"])
        audit.record(
            actor=actor,
            action="enrolment.attendance",
            subject=enrolment,
            after={"attended": attended, "excused": excused, "reason": excused_reason},
        )
    return enrolment


def _advance_by_funding(app: Application) -> list[tuple[Funding, int]]:
    """The advance each funding paid at the start (the same rule as :func:`start`)."""
    return [(f, settlement.advance_cents(f.amount_cents)) for f in _fundings(app)]


def complete(
    *,
    actor: audit.Actor,
    provider: Organisation,
    application: Application,
    credential: str,
    on: dt.date,
) -> Application:
    """Evidence in: completed (credential, or attendance >= 80 %) -> final payment; else not
    completed -> the advance is clawed back and the rest released (art. 14(2))."""
    _provider_app(application, provider)
    with transaction.atomic():
        app = _locked(application)
        enrolment = Enrolment.objects.select_for_update().get(application=app)
        done = settlement.completed(
            credential=bool(credential.strip()),
            attended=enrolment.sessions_attended,
            planned=enrolment.sessions_planned,
            excused=enrolment.sessions_excused,
        )
        enrolment.credential = credential[:300]
        enrolment.ended_at = now()
        enrolment.save(update_fields=["credential", "ended_at"])
        _settle(app, actor, on, done=done, excused=False)
    return app


def _settle(
    app: Application,
    actor: audit.Actor,
    on: dt.date,
    *,
    done: bool,
    excused: bool,
    event: Event | None = None,
) -> None:
    advances = _advance_by_funding(app) if app.status == Status.STARTED else []
    if done:
        _move(app, Event.COMPLETE, actor)
    else:
        _move(
            app,
            event or Event.FAIL_ATTENDANCE,
            actor,
            _("Attendance under 80 % and no certificate.") if event is None else "",
        )
    pay: list[tuple[Funding, int]] = []
    back: list[tuple[Funding, int]] = []
    free: list[tuple[Funding, int]] = []
    for funding, advance in advances:
        result = settlement.settle(
            reserved_cents=funding.amount_cents,
            advance_paid_cents=advance,
            completed=done,
            excused=excused,
        )
        pay.append((funding, result.pay_cents))
        back.append((funding, result.claw_back_cents))
        free.append((funding, result.release_cents))
    _pay(app, PaymentKind.FINAL, pay, actor, on)
    _pay(app, PaymentKind.CLAW_BACK, back, actor, on)
    _pay(app, PaymentKind.RELEASE, free, actor, on)
    if done:
        _move(app, Event.PAY_FINAL, actor)


def drop_out(
    *,
    actor: audit.Actor,
    provider: Organisation,
    application: Application,
    excused: bool,
    reason: str,
    on: dt.date,
) -> Application:
    _provider_app(application, provider)
    if excused and not reason.strip():
        raise invalid(
            _("Say why, for example illness."),
            [InvalidParam("reason", _("required when excused"), "required")],
        )
    with transaction.atomic():
        app = _locked(application)
        _settle(app, actor, on, done=False, excused=excused, event=Event.DROP_OUT)
        app.status_reason = reason[:300]
        app.save(update_fields=["status_reason"])
    return app


def cancel(*, actor: audit.Actor, application: Application, on: dt.date) -> Application:
    """Before the start: all reserved money goes back; the window budget frees up."""
    with transaction.atomic():
        app = _locked(application)
        transition = _move(app, Event.CANCEL, actor)
        if transition.money == lifecycle.Money.RELEASE:
            _pay(
                app,
                PaymentKind.RELEASE,
                [(f, f.reservation.account.balance_cents) for f in _fundings(app)],
                actor,
                on,
            )
            if app.window_id is not None:
                # The grant's rights go back whole to the window's budget: the money is for
                # the next on the waiting list (promote_waiting deposits it again).
                window_budget = Window.objects.values_list("budget_id", flat=True).get(
                    pk=app.window_id
                )
                for funding in _fundings(app):
                    if funding.right.budget_id == window_budget:
                        accounts.return_to_budget(
                            actor=actor,
                            right=funding.right,
                            on=on,
                            idempotency_key=f"app:{app.pk}:return:{funding.pk}",
                        )
                Window.objects.filter(pk=app.window_id).update(
                    granted_cents=F("granted_cents") - app.amount_cents
                )
                TrainingCounter.objects.filter(offer_id=app.offer_id, year=app.year).update(
                    grants=F("grants") - 1
                )
    return app


# --- misuse -----------------------------------------------------------------------------------


def scan_misuse(
    *, year: int, settings: misuse.Settings | None = None, actor: audit.Actor = SYSTEM
) -> list[MisuseFlag]:
    """Run every misuse rule over this year's applications; new flags go to the review queue,
    and a provider with a flag gets an open review case (payments go on; the case tracks)."""
    granted = {
        s.value
        for s in lifecycle.HOLDS_MONEY | {Status.PAID, Status.DROPPED_OUT, Status.NOT_COMPLETED}
    }
    apps = [
        misuse.AppFact(a[0], a[1], a[2], a[3], a[4], a[5] in granted, a[6])
        for a in Application.objects.filter(year=year).values_list(
            "pk", "offer_id", "provider_id", "window_id", "year", "status", "pre_registered"
        )
    ]
    offers = {a.offer for a in apps}
    provider_of = dict(
        Offer.objects.filter(pk__in=offers).values_list("pk", "opleider__organisation_id")
    )
    versions = [
        misuse.PriceVersion(v[0], v[1], v[2])
        for v in OfferVersion.objects.filter(offer_id__in=offers).values_list(
            "offer_id", "created_at", "price_cents"
        )
    ]
    reports = [
        misuse.GiftReport(r.offer_id, r.provider_id, r.declared_by_provider, r.text)
        for r in GiftReport.objects.all()
    ]
    flags = misuse.scan(
        apps=apps,
        versions=versions,
        provider_of_offer=provider_of,
        reports=reports,
        settings=settings,
    )
    created: list[MisuseFlag] = []
    with transaction.atomic():
        at = now()
        for flag in flags:
            case = None
            if flag.provider is not None:
                case = ReviewCase.objects.filter(
                    provider_id=flag.provider, closed_at__isnull=True
                ).first()
                if case is None:
                    case = ReviewCase.objects.create(provider_id=flag.provider, opened_at=at)
            row, new = MisuseFlag.objects.get_or_create(
                rule=flag.rule,
                subject=flag.subject,
                subject_id=flag.subject_id,
                defaults={
                    "provider_id": flag.provider,
                    "reason": flag.reason,
                    "evidence": flag.evidence,
                    "detected_at": at,
                    "case": case,
                },
            )
            if new:
                created.append(row)
        audit.record(
            actor=actor,
            action="misuse.scanned",
            subject=("enrolment.scan", str(year)),
            after={"flags": len(flags), "new": len(created)},
        )
    return created


def report_gift(
    *, actor: audit.Actor, provider: Organisation, offer: Offer | None, text: str, declared: bool
) -> GiftReport:
    if not text.strip():
        raise invalid(
            _("Describe the gift or perk."), [InvalidParam("text", _("required"), "required")]
        )
    with transaction.atomic():
        report = GiftReport.objects.create(
            provider=provider,
            offer=offer,
            declared_by_provider=declared,
            text=text[:500],
            reported_at=now(),
        )
        audit.record(actor=actor, action="misuse.gift_reported", subject=report)
    return report


def decide_flag(
    *, actor: audit.Actor, flag: MisuseFlag, confirm: bool, note: str = ""
) -> MisuseFlag:
    with transaction.atomic():
        flag.status = "confirmed" if confirm else "dismissed"
        flag.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="misuse.flag_decided",
            subject=flag,
            after={"status": flag.status, "note": note},
        )
    return flag


# --- reading ----------------------------------------------------------------------------------

#: Statuses that mean money was granted (for the public register).
GRANTED_STATUSES = sorted(
    s.value
    for s in (lifecycle.HOLDS_MONEY | {Status.PAID, Status.DROPPED_OUT, Status.NOT_COMPLETED})
)


def spending(year: int) -> list[dict[str, Any]]:
    """Per provider and offer: grants and amounts, cells under 10 persons suppressed."""
    rows = (
        Application.objects.filter(year=year, status__in=GRANTED_STATUSES)
        .values("provider_id", "provider__name", "offer_id", "offer__title")
        .annotate(grants=Count("pk"), amount=Sum("amount_cents"))
        .order_by("provider__name", "offer__title")
    )
    by_provider: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        by_provider.setdefault(r["provider_id"], []).append(
            {
                "provider": r["provider__name"],
                "providerId": r["provider_id"],
                "offer": r["offer__title"],
                "offerId": r["offer_id"],
                "grants": r["grants"],
                "amountCents": int(r["amount"] or 0),
            }
        )
    out: list[dict[str, Any]] = []
    for items in by_provider.values():
        out.extend(suppression.suppress(items))
    return out


def statement(provider: Organisation, offer: Offer | None = None) -> list[dict[str, Any]]:
    """The provider's payment statement: every payment per application, per offer."""
    payments = Payment.objects.filter(application__provider=provider).select_related(
        "application__offer"
    )
    if offer is not None:
        payments = payments.filter(application__offer=offer)
    return [
        {
            "offer": p.application.offer.title,
            "application": p.application.receipt,
            "kind": p.kind,
            "amountCents": p.amount_cents
            if p.kind in (PaymentKind.ADVANCE, PaymentKind.FINAL)
            else -p.amount_cents
            if p.kind == PaymentKind.CLAW_BACK
            else 0,
            "released": p.amount_cents if p.kind == PaymentKind.RELEASE else 0,
            "at": p.at,
            "underReview": p.under_review,
        }
        for p in payments.order_by("application__offer__title", "at", "pk")
    ]


def applications_of(person: Person) -> list[Application]:
    return list(
        Application.objects.filter(person=person)
        .select_related("offer", "offering", "window")
        .order_by("-applied_at")
    )


def pending_entries(person: Person) -> list[IntakeEntry]:
    return list(
        IntakeEntry.objects.filter(person=person, outcome="").select_related("window", "offer")
    )


# --- the waiting list -------------------------------------------------------------------------


@dataclass
class WaitingReport:
    granted: list[int]
    lapsed: list[int]


def _waiting_in_order(window: Window) -> list[Application]:
    """The waiting list in the window's policy order: the allocator stored each entry's place
    (``IntakeEntry.position``); the conditional design has none, so arrival order."""
    return list(
        Application.objects.select_for_update(of=("self",))
        .filter(window=window, status=Status.WAITING)
        .order_by(F("intake__position").asc(nulls_last=True), "intake_id", "pk")
    )


def promote_waiting(
    window: Window, *, actor: audit.Actor = SYSTEM, at: dt.datetime | None = None
) -> WaitingReport:
    """Money came free in the window (a cancelled grant gave its amount back to the window's
    total): grant the next waiting applications in policy order while their amount fits, with
    the same guards as the allocator (the conditional window total, the training cap), and
    move the money from the window's budget.

    Like the allocator, a smaller later application may be granted when the next one does not
    fit. After the budget's period nothing is granted any more (see :func:`lapse_waiting`)."""
    at = at or now()
    report = WaitingReport([], [])
    with transaction.atomic():
        current = (
            Window.objects.select_for_update()
            .select_related("budget__funder__organisation")
            .get(pk=window.pk)
        )
        if not current.waiting_list or at.date() > current.budget.period_end:
            return report
        year = current.opens_at.year
        left = current.budget_cents - current.granted_cents
        # Once a year needs no check here: a waiting application already counts as the
        # person's one application under this budget (the partial unique index).
        for app in _waiting_in_order(current):
            if left <= 0:
                break
            if not 0 < app.amount_cents <= left:
                continue
            if not _bump_counter(app.offer_id, year, 1, current.training_cap):
                continue  # the training is full this year: stays waiting
            if not _spend_window(current.pk, app.amount_cents):
                _bump_counter(app.offer_id, year, -1, None)
                break
            left -= app.amount_cents
            app.receipt = app.receipt or _receipt()
            _move(app, Event.GRANT, actor, "")
            if app.intake_id is not None:
                IntakeEntry.objects.filter(pk=app.intake_id).update(
                    outcome=allocation.Outcome.GRANTED.value
                )
            _grant_money(current, [app], actor, at.date(), key=f"waiting:{app.pk}")
            report.granted.append(app.pk)
        if report.granted:
            audit.record(
                actor=actor,
                action="window.waiting_granted",
                subject=current,
                after={"granted": report.granted},
            )
    return report


def lapse_waiting(
    window: Window, *, actor: audit.Actor = SYSTEM, on: dt.date | None = None
) -> WaitingReport:
    """After the window's budget period ends, what is still waiting lapses (with a reason)."""
    on = on or now().date()
    report = WaitingReport([], [])
    if on <= window.budget.period_end:
        return report
    with transaction.atomic():
        Window.objects.select_for_update().get(pk=window.pk)
        for app in _waiting_in_order(window):
            _move(
                app,
                Event.LAPSE,
                actor,
                _("The period of this window has ended. No money came free for you."),
            )
            report.lapsed.append(app.pk)
    return report


def cancel_and_promote(
    *,
    actor: audit.Actor,
    application: Application,
    on: dt.date,
    at: dt.datetime | None = None,
) -> tuple[Application, WaitingReport]:
    """Cancel before the start; a window grant's amount goes to the next on the waiting list.

    :func:`cancel` gives the grant's money back to the window's budget and lowers the
    window's total, so the waiting list is granted from the money that came free."""
    app = cancel(actor=actor, application=application, on=on)
    if app.window_id is None:
        return app, WaitingReport([], [])
    window = Window.objects.get(pk=app.window_id)
    return app, promote_waiting(window, actor=actor, at=at)


def cancel_own(*, actor: audit.Actor, person: Person, application: Application) -> Application:
    """The person cancels their own application before the start."""
    if application.person_id != person.pk:
        raise Problem(404, _("There is no application with this number."), code="not-found")
    on = now().date()
    if application.offering.start_date <= on:
        raise Problem(
            422,
            _("The training has started. Ask the provider to stop it."),
            code="started",
        )
    return cancel_and_promote(actor=actor, application=application, on=on)[0]


# --- the review queue -------------------------------------------------------------------------


def close_case(*, actor: audit.Actor, case: ReviewCase, note: str) -> ReviewCase:
    """Staff close a review case with a note; its open flags are dismissed, unless a flag was
    confirmed on its own before."""
    if not note.strip():
        raise invalid(_("Write what you found."), [InvalidParam("note", _("required"), "required")])
    with transaction.atomic():
        current = ReviewCase.objects.select_for_update().get(pk=case.pk)
        if current.closed_at is not None:
            raise Problem(409, _("This case is closed already."), code="closed")
        current.closed_at = now()
        current.outcome = note.strip()[:500]
        current.save(update_fields=["closed_at", "outcome"])
        MisuseFlag.objects.filter(case=current, status="open").update(status="dismissed")
        audit.record(
            actor=actor, action="misuse.case_closed", subject=current, after={"note": note}
        )
    return current


def statement_totals(provider: Organisation) -> list[dict[str, Any]]:
    """Per offer: advance, final payment, taken back, released and the net paid, from the
    Payment rows (each one names its ledger transaction)."""
    rows = (
        Payment.objects.filter(application__provider=provider)
        .values("application__offer_id", "application__offer__title", "kind")
        .annotate(total=Sum("amount_cents"))
    )
    out: dict[int, dict[str, Any]] = {}
    for r in rows:
        item = out.setdefault(
            r["application__offer_id"],
            {
                "offerId": r["application__offer_id"],
                "offer": r["application__offer__title"],
                "advance": 0,
                "final": 0,
                "claw_back": 0,
                "release": 0,
            },
        )
        item[r["kind"]] = int(r["total"] or 0)
    for item in out.values():
        item["net"] = item["advance"] + item["final"] - item["claw_back"]
    return sorted(out.values(), key=lambda i: (i["offer"], i["offerId"]))


#: The columns of the open-data CSV of the spending register.
SPENDING_COLUMNS = ("year", "provider", "providerId", "offer", "offerId", "grants", "amountCents")


def spending_csv_text(year: int, rows: list[dict[str, Any]]) -> str:
    """Open data as CSV: one row per provider and offer; a suppressed cell is empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*SPENDING_COLUMNS, "suppressed"])
    for r in rows:
        writer.writerow(
            [
                year,
                r["provider"],
                r["providerId"],
                r["offer"],
                r["offerId"],
                "" if r["grants"] is None else r["grants"],
                "" if r["amountCents"] is None else r["amountCents"],
                "true" if r["suppressed"] else "false",
            ]
        )
    return out.getvalue()
