# SPDX-License-Identifier: EUPL-1.2
"""Reads and reports of the enrolment app: the public spending register, a provider's payment
statement, a person's applications, and what the pages and the API list. Changes nothing.

Reports are plain dataclasses with snake_case fields; :mod:`.api` names them in camelCase and
:mod:`.exports` writes them as open data. A few reads return the model rows a page renders or
a use case takes as input (a window, a person an adviser may act for).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Sum

from llo.core import audit
from llo.core.timeutil import now
from llo.enrolment import allocation, lifecycle, suppression
from llo.enrolment.lifecycle import Status
from llo.enrolment.models import (
    Application,
    Enrolment,
    IntakeEntry,
    MisuseFlag,
    Payment,
    PaymentKind,
    ReviewCase,
    Window,
)
from llo.people.models import Organisation, Person
from llo.register.checks import title_for_export
from llo.register.models import Offer

#: Statuses that mean money was granted (for the public register).
GRANTED_STATUSES = sorted(
    s.value
    for s in (lifecycle.HOLDS_MONEY | {Status.PAID, Status.DROPPED_OUT, Status.NOT_COMPLETED})
)

#: The status an entry's own outcome stands for (decision 013: only a grant is an
#: application; a duplicate has no status of its own, its outcome says it).
ENTRY_STATUS: dict[str, str] = {
    allocation.Outcome.GRANTED: Status.GRANTED,
    allocation.Outcome.WAITING: Status.WAITING,
    allocation.Outcome.REFUSED_BUDGET: Status.REFUSED,
    allocation.Outcome.REFUSED_CAP: Status.REFUSED,
    allocation.Outcome.LAPSED: Status.LAPSED,
    allocation.Outcome.CANCELLED: Status.CANCELLED,
}


# --- the public spending register ------------------------------------------------------------


@dataclass(frozen=True)
class SpendingRow:
    """Grants of one provider for one offer in a year; a cell under 10 persons is suppressed
    (``grants`` and ``amount_cents`` are None)."""

    provider: str
    provider_id: int
    offer: str
    offer_id: int
    grants: int | None
    amount_cents: int | None
    suppressed: bool


def spending(year: int) -> list[SpendingRow]:
    """Per provider and offer: grants and amounts, cells under 10 persons suppressed (and,
    within a provider, the next smallest, so nothing is found by subtraction)."""
    rows = (
        Application.objects.filter(year=year, status__in=GRANTED_STATUSES)
        .values("provider_id", "provider__name", "offer_id", "offer__title")
        .annotate(grants=Count("pk"), amount=Sum("amount_cents"))
        .order_by("provider__name", "offer__title")
    )
    by_provider: dict[int, list[dict[str, object]]] = {}
    for r in rows:
        by_provider.setdefault(r["provider_id"], []).append(
            {
                "provider": r["provider__name"],
                "provider_id": r["provider_id"],
                # rechecked at export (issue 14): a formula-like title is not published
                "offer": title_for_export(r["offer_id"], r["offer__title"]),
                "offer_id": r["offer_id"],
                "grants": r["grants"],
                "amount_cents": int(r["amount"] or 0),
            }
        )
    out: list[SpendingRow] = []
    for items in by_provider.values():
        out.extend(
            SpendingRow(**row) for row in suppression.suppress(items, value_keys=("amount_cents",))
        )
    return out


# --- the provider's payment statement --------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    """One payment of an application: paid (advance, final) is positive, taken back is
    negative, and a release moves no money to the provider (``released_cents``)."""

    offer: str
    application: str  # the receipt number
    kind: str
    amount_cents: int
    released_cents: int
    at: dt.datetime
    under_review: bool


def statement(provider: Organisation, offer: Offer | None = None) -> list[StatementLine]:
    """The provider's payment statement: every payment per application, per offer."""
    payments = Payment.objects.filter(application__provider=provider).select_related(
        "application__offer"
    )
    if offer is not None:
        payments = payments.filter(application__offer=offer)
    return [
        StatementLine(
            offer=p.application.offer.title,
            application=p.application.receipt,
            kind=p.kind,
            amount_cents=p.amount_cents
            if p.kind in (PaymentKind.ADVANCE, PaymentKind.FINAL)
            else -p.amount_cents
            if p.kind == PaymentKind.CLAW_BACK
            else 0,
            released_cents=p.amount_cents if p.kind == PaymentKind.RELEASE else 0,
            at=p.at,
            under_review=p.under_review,
        )
        for p in payments.order_by("application__offer__title", "at", "pk")
    ]


@dataclass
class StatementTotal:
    """Per offer: advance, final payment, taken back, released, and the net paid."""

    offer_id: int
    offer: str
    advance: int = 0
    final: int = 0
    claw_back: int = 0
    release: int = 0

    @property
    def net(self) -> int:
        return self.advance + self.final - self.claw_back


def statement_totals(provider: Organisation) -> list[StatementTotal]:
    """Per offer, from the Payment rows (each one names its ledger transaction)."""
    rows = (
        Payment.objects.filter(application__provider=provider)
        .values("application__offer_id", "application__offer__title", "kind")
        .annotate(total=Sum("amount_cents"))
    )
    out: dict[int, StatementTotal] = {}
    for r in rows:
        item = out.setdefault(
            r["application__offer_id"],
            StatementTotal(r["application__offer_id"], r["application__offer__title"]),
        )
        setattr(item, r["kind"], int(r["total"] or 0))
    return sorted(out.values(), key=lambda i: (i.offer, i.offer_id))


@dataclass(frozen=True)
class PaymentLine:
    kind: str
    amount_cents: int
    at: dt.datetime


def payments_of(app: Application) -> list[PaymentLine]:
    return [PaymentLine(p.kind, p.amount_cents, p.at) for p in app.payments.order_by("at", "pk")]


@dataclass(frozen=True)
class FundingLine:
    funder: str
    amount_cents: int


def fundings_of(app: Application) -> list[FundingLine]:
    """Which funder pays what of an application."""
    return [
        FundingLine(f.right.funder.organisation.name, f.amount_cents)
        for f in app.fundings.select_related("right__funder__organisation").order_by("pk")
    ]


# --- a person's applications -----------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationRow:
    id: int
    receipt: str
    status: str
    status_reason: str
    offer_id: int
    offer_title: str
    offering_id: int
    start_date: dt.date
    window_id: int | None
    amount_cents: int
    own_cents: int
    applied_at: dt.datetime
    #: What the funders pay for the person now: what is reserved while the application holds
    #: money, what was paid to the provider (less what was taken back) once it ended, and
    #: nothing for an application that was cancelled, refused or lapsed (issue 15, "also
    #: seen": a cancelled or clawed-back application still said "Voor u betaald € 1.150").
    covered_cents: int = 0
    #: "reserved", "paid" or "" (nothing).
    covered: str = ""


def _covered(status: str, amount: int, net_paid: int) -> tuple[int, str]:
    if status in lifecycle.HOLDS_MONEY:
        return amount, "reserved"
    if net_paid > 0:
        return net_paid, "paid"
    return 0, ""


def applications_of(person: Person) -> list[ApplicationRow]:
    """A person's applications, newest first, each with what the funders pay for it now."""
    net: dict[int, int] = {}
    for app_id, kind, cents in Payment.objects.filter(application__person=person).values_list(
        "application_id", "kind", "amount_cents"
    ):
        sign = {"advance": 1, "final": 1, "claw_back": -1}.get(kind, 0)
        net[app_id] = net.get(app_id, 0) + sign * cents
    return [
        ApplicationRow(
            id=a.pk,
            receipt=a.receipt,
            status=a.status,
            status_reason=a.status_reason,
            offer_id=a.offer_id,
            offer_title=a.offer.title,
            offering_id=a.offering_id,
            start_date=a.offering.start_date,
            window_id=a.window_id,
            amount_cents=a.amount_cents,
            own_cents=a.own_cents,
            applied_at=a.applied_at,
            covered_cents=_covered(a.status, a.amount_cents, net.get(a.pk, 0))[0],
            covered=_covered(a.status, a.amount_cents, net.get(a.pk, 0))[1],
        )
        for a in Application.objects.filter(person=person)
        .select_related("offer", "offering")
        .order_by("-applied_at")
    ]


@dataclass(frozen=True)
class PendingEntry:
    """An entry in a window's intake without an application: not decided yet, or decided
    with an outcome the entry keeps itself (waiting, refused, lapsed, cancelled; decision
    013). A grant is an application and is listed as one."""

    id: int
    offer_title: str
    window_name: str
    #: The allocator's outcome ('' while undecided).
    outcome: str = ""
    #: The status that outcome stands for ('' while undecided, and for a duplicate).
    status: str = ""
    start_date: dt.date | None = None
    received_at: dt.datetime | None = None


def pending_entries(person: Person) -> list[PendingEntry]:
    """The person's entries that have no application (newest first): undecided, waiting,
    refused, lapsed or cancelled."""
    return [
        PendingEntry(
            e.pk,
            e.offer.title,
            e.window.name,
            e.outcome,
            ENTRY_STATUS.get(e.outcome, ""),
            e.offering.start_date,
            e.received_at,
        )
        for e in IntakeEntry.objects.filter(person=person)
        .exclude(outcome=allocation.Outcome.GRANTED)
        .select_related("window", "offer", "offering")
        .order_by("-received_at", "-pk")
    ]


# --- what pages and the API list -------------------------------------------------------------


def windows(limit: int = 100) -> list[Window]:
    """The newest windows first."""
    return list(Window.objects.order_by("-opens_at")[:limit])


def open_windows() -> list[Window]:
    """The windows open now, closing first first."""
    at = now()
    return list(
        Window.objects.filter(opens_at__lte=at, closes_at__gt=at)
        .select_related("budget__funder__organisation")
        .order_by("closes_at", "pk")
    )


def consenting_persons(org: Organisation) -> list[Person]:
    """The persons whose consent lets ``org`` act for them now (not logged: for checks;
    a page that shows them uses :func:`persons_for_adviser`)."""
    at = now()
    return list(
        Person.objects.filter(
            consents__organisation=org,
            consents__valid_from__lte=at,
            consents__valid_until__gte=at,
            consents__revoked_at__isnull=True,
            # Only a consent to apply lets the adviser apply (a "plan" consent does not).
            consents__purpose="apply",
        )
        .distinct()
        .order_by("display_name", "pk")
    )


def persons_for_adviser(
    org: Organisation, actor: audit.Actor, chosen: int | None
) -> tuple[list[Person], Person | None]:
    """The persons who consented to ``org`` and the one ``chosen`` among them (or None).
    Logged per person (issue 14, item 5): the chosen one, whose plan the adviser sees, or
    else every person on the list, whose names the adviser sees."""
    persons = consenting_persons(org)
    person = next((p for p in persons if p.pk == chosen), None)
    if person is not None:
        audit.log_reads(actor, [person.pk], "adviser: apply for a person who consented")
    else:
        audit.log_reads(actor, (p.pk for p in persons), "adviser: persons who consented")
    return persons, person


def provider_applications(
    org: Organisation, actor: audit.Actor, status: str = "", limit: int = 500
) -> list[Application]:
    """A provider's applications per offer, newest first; optionally of one status. Logged
    per person shown (their names and status: issue 14, item 5)."""
    apps = (
        Application.objects.filter(provider=org)
        .select_related("offer", "offering", "person")
        .order_by("offer__title", "-applied_at", "pk")
    )
    if status:
        apps = apps.filter(status=status)
    found = list(apps[:limit])
    audit.log_reads(actor, (a.person_id for a in found), "provider: list of applications")
    return found


def provider_application(
    org: Organisation, pk: int, actor: audit.Actor | None = None
) -> Application | None:
    """One application of the provider ``org`` (None for another provider's). With
    ``actor`` the read is logged for its person (the page with name, attendance and
    payments); an action that only changes it is audited by its service instead."""
    app = (
        Application.objects.select_related("offer", "offering", "person")
        .filter(pk=pk, provider=org)
        .first()
    )
    if app is not None and actor is not None:
        audit.log_reads(actor, [app.person_id], f"provider: application {app.pk}")
    return app


def shown_to(actor: audit.Actor, person_id: int, purpose: str) -> None:
    """Log that a page showed ``actor`` one person's application (an adviser who applied
    for them); the person's own reads are not logged (:func:`llo.core.audit.log_reads`)."""
    audit.log_reads(actor, [person_id], purpose)


def enrolment_of(app: Application) -> Enrolment | None:
    return Enrolment.objects.filter(application=app).first()


@dataclass(frozen=True)
class OpenCase:
    case: ReviewCase
    flags: list[MisuseFlag]


@dataclass(frozen=True)
class ReviewQueue:
    open: list[OpenCase]
    closed: list[ReviewCase]  # the last 20 closed
    loose: list[MisuseFlag]  # open flags without a provider's case


def review_queue() -> ReviewQueue:
    return ReviewQueue(
        [
            OpenCase(case, list(case.flags.order_by("detected_at", "pk")))
            for case in ReviewCase.objects.filter(closed_at__isnull=True).select_related("provider")
        ],
        list(
            ReviewCase.objects.filter(closed_at__isnull=False)
            .select_related("provider")
            .order_by("-closed_at")[:20]
        ),
        list(MisuseFlag.objects.filter(case__isnull=True, status="open")),
    )


# The windows' reads live in their own module; their names stay importable from here.
from llo.enrolment.selectors.rounds import (  # noqa: E402
    IntakeLine,
    OfferSort,
    Place,
    Tally,
    WindowReport,
    WindowRow,
    WindowState,
    can_decide,
    entry_of,
    own_entry,
    place_of,
    window_of_funder,
    window_offers,
    window_report,
    window_state,
    windows_for_offering,
    windows_for_persons,
    windows_of_budget,
    windows_of_funder,
    windows_to_allocate,
)

__all__ = [
    "ENTRY_STATUS",
    "GRANTED_STATUSES",
    "IntakeLine",
    "OfferSort",
    "Place",
    "Tally",
    "WindowReport",
    "WindowRow",
    "WindowState",
    "applications_of",
    "can_decide",
    "consenting_persons",
    "enrolment_of",
    "entry_of",
    "fundings_of",
    "open_windows",
    "own_entry",
    "payments_of",
    "pending_entries",
    "place_of",
    "provider_applications",
    "review_queue",
    "spending",
    "statement",
    "statement_totals",
    "window_of_funder",
    "window_offers",
    "window_report",
    "window_state",
    "windows",
    "windows_for_offering",
    "windows_for_persons",
    "windows_of_budget",
    "windows_of_funder",
    "windows_to_allocate",
]
