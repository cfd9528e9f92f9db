# SPDX-License-Identifier: EUPL-1.2
"""Windows as pages (issue 15, "What must exist").

For a funder (UWV, JOURNEYS.md: "runs a STAP-like window"): open a window from a budget's page
(dates, money, rules, who goes first), see its intake, have it decided, and see the allocation
(granted, waiting, refused with reasons) and what is left of the money.

For a person (Sanne, JOURNEYS.md: "compares offers by price and start date and wants to know
if she is eligible before she chooses"): the open windows; one window's page with its rules in
words, the trainings it pays for near her, each with what the window pays and what she pays,
ordered by what she pays or by start date; and where her own application stands.

Every page works without JavaScript. Entry points only: reads through :mod:`.selectors`,
changes through :mod:`.services`; a refusal (a Problem) is shown beside the field it is about.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from llo.accounts import panels
from llo.accounts.access import actor_of
from llo.accounts.models import Budget, Funder
from llo.accounts.plan import own_text
from llo.accounts.views import funder_required, own_budget
from llo.core.problems import Problem
from llo.core.roles import Role, role_required
from llo.core.timeutil import now, today
from llo.enrolment import deciding, refusals, selectors, services, window_rules, window_words
from llo.enrolment.forms import WINDOW_FIELDS, CompareForm, WindowForm, add_problem
from llo.enrolment.lifecycle import Status
from llo.enrolment.models import Application, IntakeEntry, Window, WindowInterest
from llo.enrolment.views import _may_see

#: A round's suggested length (STAP's rounds were open for about a month).
FOUR_WEEKS = dt.timedelta(days=28)

# --- the funder ------------------------------------------------------------------------------


def _rules_choices(budget: Budget) -> list[tuple[str, str]]:
    return [
        (c.key, f"{c.title} ({window_rules.validity_text(c)})")
        for c in deciding.budget_choices(budget)
    ]


def budget_panel(request: HttpRequest, budget: Budget) -> panels.Panel:
    """The budget page's panel: this budget's windows and a button to open one."""
    return panels.Panel(
        "enrolment/_budget_windows.html",
        {"budget": budget, "rows": selectors.windows_of_budget(budget)},
    )


@require_http_methods(["GET", "POST"])
@funder_required
def window_create(request: HttpRequest, funder: Funder, budget_id: int) -> HttpResponse:
    budget = own_budget(funder, budget_id)
    form = WindowForm(
        request.POST or None,
        rules=_rules_choices(budget),
        initial={
            "opens_on": max(today(), budget.period_start),
            "closes_on": min(budget.period_end, max(today(), budget.period_start) + FOUR_WEEKS),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opens, closes = form.moments()
        try:
            window = services.open_window(
                actor=actor_of(request),
                budget=budget,
                request=services.WindowRequest(
                    name=data["name"],
                    description=data["description"],
                    scheme=data["scheme"],
                    opens_at=opens,
                    closes_at=closes,
                    budget_cents=data["budget"],
                    max_per_person_cents=data["max_per_person"],
                    policy=data["policy"],
                    then_policy=data["then_policy"],
                    priority_groups=data["priority_groups"],
                    training_cap=data["training_cap"],
                    waiting_list=data["waiting_list"],
                ),
                key=form.ledger_key(request.user.pk) or "",
            )
        except Problem as problem:
            add_problem(form, problem, WINDOW_FIELDS)
        else:
            messages.success(request, _("The round %(name)s is opened.") % {"name": window.name})
            return redirect("enrolment:funder-window", window_id=window.pk)
    return render(
        request,
        "enrolment/window_form.html",
        {
            "form": form,
            "budget": budget,
            "free": services.free_cents(budget, at=now()),
            "rules": deciding.budget_choices(budget),
        },
        status=400 if request.method == "POST" else 200,
    )


@funder_required
def funder_windows(request: HttpRequest, funder: Funder) -> HttpResponse:
    return render(
        request,
        "enrolment/funder_windows.html",
        {"rows": selectors.windows_of_funder(funder), "funder": funder},
    )


def _own_window(funder: Funder, window_id: int) -> Window:
    window = selectors.window_of_funder(funder, window_id)
    if window is None:
        raise Http404  # another funder's window does not exist here
    return window


@funder_required
def funder_window(request: HttpRequest, funder: Funder, window_id: int) -> HttpResponse:
    window = _own_window(funder, window_id)
    report = selectors.window_report(window)
    groups = [window_words.group_label(g) for g in window.priority_groups]
    by_group = [
        (groups[rank] if rank < len(groups) else _("Everyone else"), tally)
        for rank, tally in report.by_group
    ]
    return render(
        request,
        "enrolment/funder_window.html",
        {
            "decides": selectors.can_decide(window, today()),
            "window": window,
            "budget": window.budget,
            "report": report,
            "groups": groups,
            "by_group": by_group,
            "policy": window_words.policy_label(window.policy),
            "then": window_words.THEN_LABELS.get(window.then_policy, ""),
            "validity": window_rules.validity_text(report.rules),
            "outcomes": window_words.OUTCOME_LABELS,
        },
    )


@require_POST
@funder_required
def funder_window_allocate(request: HttpRequest, funder: Funder, window_id: int) -> HttpResponse:
    window = _own_window(funder, window_id)
    try:
        done = services.allocate_window(window, actor=actor_of(request))
    except Problem as problem:
        messages.error(request, problem.detail)
    else:
        messages.success(
            request,
            _(
                "%(entries)s applications decided: %(granted)s granted, %(waiting)s on the "
                "waiting list, %(refused)s refused."
            )
            % {
                "entries": done.entries,
                "granted": done.granted,
                "waiting": done.waiting,
                "refused": done.refused,
            },
        )
    return redirect("enrolment:funder-window", window_id=window.pk)


# --- a person ---------------------------------------------------------------------------------


def _person(request: HttpRequest) -> Any:
    user = request.user
    if user.is_authenticated and getattr(user, "role", None) == Role.BURGER:
        return getattr(user, "person", None)
    return None


def _fit_for(window: Window, person: Any) -> dict[str, Any]:
    """For a logged-in person: a training near them the window pays, or why the first one is
    not paid. The example shows what the round can do: the training that costs at least the
    most it pays a person and leaves them the least to pay (Sanne, JOURNEYS.md: "compares
    offers by what she pays"); without such a training, the one cheapest for them."""
    most = window.max_per_person_cents or 0
    try:
        paid = selectors.window_offers(
            window, person, today(), not_known=False, limit=1, candidates=40, priced_from=most
        )
        if not paid and most:
            paid = selectors.window_offers(
                window, person, today(), not_known=False, limit=1, candidates=40
            )
        if paid:
            return {"example": paid[0], "own_text": own_text(paid[0].own_cents)}
        other = selectors.window_offers(
            window, person, today(), only_paid=False, limit=1, candidates=40
        )
    except Problem as problem:
        return {"why": problem.detail}
    return {"why": other[0].failed[0]["text"] if other and other[0].failed else ""}


def windows_page(request: HttpRequest) -> HttpResponse:
    """The windows open now and opening soon; anyone may look. A logged-in person also sees,
    per window, whether it pays for a training near them (Sanne: "the open windows that
    fit")."""
    person = _person(request)
    return render(
        request,
        "enrolment/windows.html",
        {
            "person": person,
            "rows": [
                {
                    "row": row,
                    "rules": deciding.rules_of(row.window),
                    "policy": window_words.POLICY_EXPLAINED.get(row.window.policy, ""),
                    "fit": _fit_for(row.window, person) if person is not None else None,
                }
                for row in selectors.windows_for_persons(today())
            ],
        },
    )


def window_page(request: HttpRequest, window_id: int) -> HttpResponse:
    """One window for a person: its rules and order in words, the money left, where their own
    application stands, and the trainings to compare by what they pay and by start date."""
    window = (
        Window.objects.select_related("budget__funder__organisation").filter(pk=window_id).first()
    )
    if window is None:
        raise Http404
    person = _person(request)
    form = CompareForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    state = selectors.window_state(window)
    entry = selectors.entry_of(person, window) if person is not None else None
    offers: list[deciding.Fit] = []
    problem: Problem | None = None
    decides = selectors.can_decide(window, today())
    if person is not None and entry is None and state in ("open", "coming") and decides:
        try:
            offers = selectors.window_offers(
                window,
                person,
                today(),
                sort=data.get("volgorde") or selectors.OfferSort.OWN,
                words=data.get("woorden") or "",
                only_paid=not data.get("alles"),
            )
        except Problem as exc:
            problem = exc
    return render(
        request,
        "enrolment/window.html",
        {
            "window": window,
            "state": state,
            "rules": deciding.rules_of(window),
            "policy": window_words.POLICY_EXPLAINED.get(window.policy, ""),
            "groups": [window_words.group_label(g) for g in window.priority_groups],
            "per_person": deciding.per_person_cents(window),
            "left_cents": window.budget_cents - window.granted_cents,
            "person": person,
            "place": selectors.place_of(entry) if entry is not None else None,
            "pre_registered": person is not None
            and WindowInterest.objects.filter(window=window, person=person).exists(),
            "form": form,
            "offers": [{"fit": f, "own_text": own_text(f.own_cents)} for f in offers],
            "problem": problem,
            "decides": decides,
            "outside": refusals.outside_rules(
                deciding.rules_of(window), deciding.decision_day(window, today())
            )
            if not decides
            else None,
        },
    )


@role_required(Role.BURGER)
@require_POST
def pre_register_page(request: HttpRequest, window_id: int) -> HttpResponse:
    """A person pre-registers for a round that has not opened yet (Mohammed, JOURNEYS.md)."""
    person = _person(request)
    if person is None:
        raise Http404
    window = Window.objects.filter(pk=window_id).first()
    if window is None:
        raise Http404
    try:
        services.pre_register(actor=actor_of(request), person=person, window=window)
    except Problem as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("You are pre-registered for %(window)s. We tell you when it opens.")
            % {"window": window.name},
        )
    return redirect("enrolment:window", window_id=window.pk)


# --- a person's entry in a window --------------------------------------------------------------


@role_required(Role.BURGER, Role.ADVISEUR)
def entry_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An entry in a window: where it stands before the decision, its outcome after it (a
    grant is an application: its page). A waiting outcome, a refusal and how a wait ended
    are kept on the entry (decision 013) and shown here."""
    entry = IntakeEntry.objects.select_related("window", "offer", "offering").filter(pk=pk).first()
    if entry is None or not _may_see(request, entry.person_id, entry.actor):
        raise Http404
    app = Application.objects.filter(intake=entry).first()
    if app is not None:
        return redirect("enrolment:application", pk=app.pk)
    selectors.shown_to(actor_of(request), entry.person_id, f"adviser: window entry {entry.pk}")
    return render(
        request,
        "enrolment/entry.html",
        {"place": selectors.place_of(entry), "can_leave": _can_leave(request, entry)},
    )


def _can_leave(request: HttpRequest, entry: IntakeEntry) -> bool:
    """Whether the person may leave the waiting list (before the training starts)."""
    return (
        request.user.role == Role.BURGER  # type: ignore[union-attr]
        and entry.outcome == Status.WAITING
        and entry.offering.start_date > today()
    )


@role_required(Role.BURGER)
@require_http_methods(["GET", "POST"])
def leave_waiting_list_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Leaving a window's waiting list asks first (GET), then leaves it (POST), as
    cancelling an application does."""
    person = getattr(request.user, "person", None)
    entry = (
        IntakeEntry.objects.filter(pk=pk, person=person)
        .select_related("offer__opleider__organisation", "offering", "window")
        .first()
    )
    if entry is None or person is None:
        raise Http404
    if request.method == "GET":
        if not _can_leave(request, entry):
            return redirect("enrolment:entry", pk=pk)
        return render(
            request,
            "enrolment/cancel.html",
            {
                "offer": entry.offer,
                "offering": entry.offering,
                "waiting": True,
                "action": reverse("enrolment:leave", args=[entry.pk]),
                "back": reverse("enrolment:entry", args=[entry.pk]),
            },
        )
    if not _can_leave(request, entry):
        messages.error(request, _("This cannot be done now: the application is '%(status)s'.")
                       % {"status": window_words.outcome_label(entry.outcome)})  # fmt: skip
        return redirect("enrolment:entry", pk=pk)
    try:
        services.leave_waiting_list(actor=actor_of(request), person=person, entry=entry)
    except Problem as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("You left the waiting list."))
    return redirect("enrolment:entry", pk=pk)
