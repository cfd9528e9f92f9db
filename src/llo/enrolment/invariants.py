# SPDX-License-Identifier: EUPL-1.2
"""The enrolment's business invariants (:mod:`llo.core.invariants`, run by
``llo check_ledger``); issue 14, finding 1.

* ``one-active-application``: one active application per person and start date (the unique
  index ``enrolment_application_one_active`` holds it; this finds a database that was loaded
  around it, or from before the index);
* ``funded-within-grant``: an application's reservations add up to at most its granted amount
  (the race reserved €20 for a €10 training);
* ``funding-matches-reservation``: a funding names the right its reservation is of, for the
  amount reserved, and each right once per application.
"""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum

from llo.core.invariants import Breach, register
from llo.enrolment.lifecycle import ACTIVE
from llo.enrolment.models import Application, Funding


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


def register_all() -> None:
    register("one-active-application", one_active_application)
    register("funded-within-grant", funded_within_grant)
    register("funding-matches-reservation", funding_matches_reservation)
