# SPDX-License-Identifier: EUPL-1.2
"""The enrolment's business invariants (:mod:`llo.core.invariants`, run by
``llo check_ledger``); issue 14, finding 1.

* ``one-active-application``: one active application per person and start date (the unique
  index ``enrolment_application_one_active`` holds it; this finds a database that was loaded
  around it, or from before the index);
* ``funded-within-grant``: an application's reservations add up to at most its granted amount
  (the race reserved €20 for a €10 training);
* ``funding-matches-reservation``: a funding names the right its reservation is of, for the
  amount reserved, and each right once per application;
* ``window-outcomes`` (issue 18, decision 013): every entry of an allocated window has an
  outcome and every decided entry its number in the window, no number twice in a window
  (decision 016; no unique index holds it, so that the allocator's rewrite of a window stays
  in its pages); a granted entry has its application; an outcome kept on the entry (waiting,
  refused, lapsed, cancelled) has none.
"""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from llo.core.invariants import Breach, register
from llo.enrolment.allocation import Outcome
from llo.enrolment.lifecycle import ACTIVE
from llo.enrolment.models import Application, Funding, IntakeEntry


def one_active_application() -> list[Breach]:
    twice = (
        Application.objects.filter(status__in=sorted(ACTIVE))
        .values_list("person_id", "offering_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by()
    )
    return [
        Breach(
            "one-active-application",
            f"person {person} offering {offering}",
            f"{n} active applications",
        )
        for person, offering, n in twice
    ]


def funded_within_grant() -> list[Breach]:
    over = (
        Application.objects.annotate(funded=Sum("fundings__amount_cents"))
        .filter(funded__gt=F("amount_cents"))
        .values_list("pk", "amount_cents", "funded")
        .order_by()
    )
    return [
        Breach(
            "funded-within-grant",
            f"application {pk}",
            f"{funded} cents reserved for a grant of {amount} cents",
        )
        for pk, amount, funded in over
    ]


def funding_matches_reservation() -> list[Breach]:
    wrong = Funding.objects.filter(
        ~Q(reservation__right_id=F("right_id")) | ~Q(reservation__amount_cents=F("amount_cents"))
    ).values_list("pk", "application_id", "right_id", "reservation__right_id")
    breaches = [
        Breach(
            "funding-matches-reservation",
            f"funding {pk} of application {app}",
            f"names right {right}, its reservation is of right {reserved_from} "
            "or of another amount",
        )
        for pk, app, right, reserved_from in wrong
    ]
    twice = (
        Funding.objects.values_list("application_id", "right_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by()
    )
    breaches += [
        Breach(
            "funding-matches-reservation",
            f"application {app}",
            f"{n} reservations from right {right}",
        )
        for app, right, n in twice
    ]
    return breaches


def window_outcomes() -> list[Breach]:
    undecided = (
        IntakeEntry.objects.filter(window__allocated_at__isnull=False, outcome="")
        .values_list("window_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    breaches = [
        Breach("window-outcomes", f"window {w}", f"{n} entries without an outcome")
        for w, n in undecided
    ]
    unnumbered = (
        IntakeEntry.objects.exclude(outcome="")
        .filter(seq__isnull=True)
        .values_list("window_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    breaches += [
        Breach("window-outcomes", f"window {w}", f"{n} decided entries without a number")
        for w, n in unnumbered
    ]
    twice = (
        IntakeEntry.objects.filter(seq__isnull=False)
        .values_list("window_id", "seq")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by()
    )
    breaches += [
        Breach("window-outcomes", f"window {w}", f"number {seq} given to {n} entries")
        for w, seq, n in twice[:100]
    ]
    made = Application.objects.filter(intake=OuterRef("pk"))
    granted = IntakeEntry.objects.filter(outcome=Outcome.GRANTED).filter(~Exists(made))
    breaches += [
        Breach("window-outcomes", f"entry {pk}", "granted without an application")
        for pk in granted.values_list("pk", flat=True)[:100]
    ]
    # Read from the applications (a few per window), not the entries (250,000 per window).
    kept = Application.objects.filter(intake__isnull=False).exclude(intake__outcome=Outcome.GRANTED)
    breaches += [
        Breach("window-outcomes", f"entry {entry}", f"'{outcome}' on the entry, and an application")
        for entry, outcome in kept.values_list("intake_id", "intake__outcome")[:100]
    ]
    return breaches


def register_all() -> None:
    register("one-active-application", one_active_application)
    register("funded-within-grant", funded_within_grant)
    register("funding-matches-reservation", funding_matches_reservation)
    register("window-outcomes", window_outcomes)
