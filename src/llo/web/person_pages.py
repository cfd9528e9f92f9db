# SPDX-License-Identifier: EUPL-1.2
"""A person's own pages beside the learning overview (issue 15): my data and its download,
who looked at my data, and taking my budgets to a new employer."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from llo.accounts import services as accounts
from llo.accounts.models import Portability, Right, RightStatus
from llo.accounts.portability import TransferOutcome, outcome_of
from llo.core.audit import actor_of
from llo.core.money import Money
from llo.core.problems import Problem
from llo.core.roles import Role, role_required
from llo.core.timeutil import today
from llo.monitoring import person_data
from llo.people.models import Employment, Person


def _person(request: HttpRequest) -> Person:
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    return person


@role_required(Role.BURGER)
def my_data(request: HttpRequest) -> HttpResponse:
    """What llo keeps about me, in short, with the download of all of it."""
    person = _person(request)
    return render(
        request,
        "web/my_data.html",
        {
            "person": person,
            "employments": Employment.objects.filter(person=person)
            .select_related("employer")
            .order_by("-start"),
            "reads": person_data.reads_of(person, limit=5),
        },
    )


@role_required(Role.BURGER)
def my_data_download(request: HttpRequest) -> HttpResponse:
    """Everything llo holds about me as one JSON file (the download is logged)."""
    person = _person(request)
    data = person_data.export(person, actor=actor_of(request))
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="mijn-gegevens-llo-{today().isoformat()}.json"'
    )
    return response


@role_required(Role.BURGER)
def who_viewed(request: HttpRequest) -> HttpResponse:
    """Every read of my data by someone else, newest first, from the audit log."""
    person = _person(request)
    return render(request, "web/who_viewed.html", {"reads": person_data.reads_of(person)})


# --- a new employer ---------------------------------------------------------------------------

#: What happens to a right, in the person's words (seed 002; llo.accounts.portability).
OUTCOME_WORDS = {
    TransferOutcome.SAME_CAO: gettext_lazy(
        "It moves with you: your new employer has the same CAO."
    ),
    TransferOutcome.BY_AGREEMENT: gettext_lazy("It moves with you, because both employers agreed."),
    TransferOutcome.FUTURE_OCCUPATION: gettext_lazy(
        "You keep the money, for a course towards other work later."
    ),
    TransferOutcome.RETURNED: gettext_lazy(
        "It stays with your former employer: the money goes back."
    ),
}


@dataclass(frozen=True)
class Move:
    right: Right
    employment: Employment
    outcome: TransferOutcome

    @property
    def words(self) -> str:
        return str(OUTCOME_WORDS.get(self.outcome, ""))

    @property
    def left(self) -> Money | None:
        """What is left in the budget: two budgets of one fund are told apart by it, by their
        name and by their end date."""
        cents = self.right.balance_cents
        return None if cents is None else Money(cents)


def moves_for(person: Person, on: dt.date) -> tuple[list[Move], list[Employment]]:
    """The person's rights tied to a job, each with the newest job at another employer that
    has started, and what would happen to it; and the person's jobs now."""
    jobs = [
        e
        for e in Employment.objects.filter(person=person).select_related("employer")
        if e.is_active_on(on)
    ]
    rights = (
        Right.objects.filter(person=person, status=RightStatus.ACTIVE)
        .exclude(portability=Portability.PERSON)
        .select_related("funder__organisation", "employment__employer", "account", "budget")
        .order_by("pk")
    )
    found = []
    for right in rights:
        if not right.spendable or not right.is_valid_on(on):
            continue
        old = right.employment.employer_id if right.employment is not None else None
        newer = sorted(
            (e for e in jobs if e.employer_id != old), key=lambda e: (e.start, e.pk), reverse=True
        )
        if newer:
            job = newer[0]
            found.append(Move(right, job, outcome_of(right.portability, right.cao, job.cao, False)))
    return found, jobs


@role_required(Role.BURGER)
@require_http_methods(["GET", "POST"])
def new_employer(request: HttpRequest) -> HttpResponse:
    """Jan changes employer within the same CAO: his right moves with him (JOURNEYS.md). The
    new employer puts the job in llo; here the person sees per budget what happens, and moves
    it (llo.accounts.services.transfer_on_change_of_employer: one transaction with audit)."""
    person = _person(request)
    on = today()
    moves, jobs = moves_for(person, on)
    if request.method == "POST":
        move = next((m for m in moves if str(m.right.pk) == request.POST.get("right")), None)
        if move is None:
            messages.error(request, _("This budget cannot move now. Reload the page."))
            return redirect("web:new-employer")
        try:
            result = accounts.transfer_on_change_of_employer(
                actor=actor_of(request),
                right=move.right,
                new_employment=move.employment,
                on=on,
                idempotency_key=f"person-transfer:{move.right.pk}:{move.employment.pk}",
            )
        except Problem as exc:
            messages.error(request, exc.detail)
            return redirect("web:new-employer")
        messages.success(request, str(OUTCOME_WORDS.get(result.outcome, _("Done."))))
        return redirect("web:right", pk=result.right.pk)
    context: dict[str, Any] = {"moves": moves, "jobs": jobs}
    return render(request, "web/new_employer.html", context)
