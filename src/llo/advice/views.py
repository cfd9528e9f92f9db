# SPDX-License-Identifier: EUPL-1.2
"""Advice pages: resolve the caller, call one service or selector, render.

A person gives and ends consent and reads the plan made with them; an adviser of a work
centre sees only the persons whose consent is valid now (anyone else: 404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from llo.advice import selectors, services
from llo.advice.forms import ConsentForm, GoalForm, RemoveForm, StepForm
from llo.core import audit
from llo.core.problems import Problem
from llo.core.roles import Role, role_required
from llo.people.models import Organisation, Person

View = Callable[..., HttpResponse]


def _person(request: HttpRequest) -> Person:
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied(_("Your account is not linked to a person."))
    return person


def _org(request: HttpRequest) -> Organisation:
    org = getattr(request.user, "organisation", None)
    if org is None:
        raise PermissionDenied(_("Your account is not linked to an organisation."))
    return org


# --- the person ------------------------------------------------------------------------------


@role_required(Role.BURGER)
@require_http_methods(["GET", "POST"])
def my_consents_page(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    mine = selectors.my_consents(person)
    form = ConsentForm(request.POST or None, work_centres=mine.work_centres)
    if request.method == "POST" and form.is_valid():
        try:
            consent = services.give(
                actor=audit.actor_of(request),
                person=person,
                organisation_id=form.cleaned_data["organisation"],
                purpose=form.cleaned_data["purpose"],
                until=form.cleaned_data["until"],
            )
        except Problem as exc:
            form.add_problem(exc)
        else:
            messages.success(
                request,
                _("%(name)s may now help you. You can stop this at any time.")
                % {"name": consent.organisation.name},
            )
            return redirect("advice:my-consents")
    return render(
        request,
        "advice/my_consents.html",
        {"mine": mine, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(Role.BURGER)
@require_http_methods(["GET", "POST"])
def revoke_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Ending a consent asks first (GET), then ends it (POST)."""
    person = _person(request)
    line = next((c for c in selectors.my_consents(person).lines if c.pk == pk), None)
    if line is None:
        raise Http404
    if request.method == "POST" and line.active:
        services.revoke(actor=audit.actor_of(request), person=person, consent_id=pk)
        messages.success(
            request,
            _("%(name)s can no longer see your data or apply for you.")
            % {"name": line.organisation},
        )
        return redirect("advice:my-consents")
    if not line.active:
        return redirect("advice:my-consents")
    return render(request, "advice/revoke.html", {"line": line})


@role_required(Role.BURGER)
def my_plan_page(request: HttpRequest) -> HttpResponse:
    return render(request, "advice/my_plan.html", {"plans": selectors.my_plans(_person(request))})


# --- the adviser ----------------------------------------------------------------------------


@role_required(Role.ADVISEUR)
def clients_page(request: HttpRequest) -> HttpResponse:
    org = _org(request)
    return render(
        request,
        "advice/clients.html",
        {"clients": selectors.clients(audit.actor_of(request), org), "org": org},
    )


@role_required(Role.ADVISEUR)
def client_page(request: HttpRequest, person_id: int) -> HttpResponse:
    view = selectors.client_overview(audit.actor_of(request), _org(request), person_id)
    if view is None:
        raise Http404(selectors.no_access())
    return render(request, "advice/client.html", {"view": view})


PLAN_ACTIONS = {"goal": GoalForm, "add": StepForm, "remove": RemoveForm}


@role_required(Role.ADVISEUR)
@require_http_methods(["GET", "POST"])
def plan_page(request: HttpRequest, person_id: int) -> HttpResponse:
    org, actor = _org(request), audit.actor_of(request)
    action = request.POST.get("action", "")
    bound: Any = None
    if request.method == "POST":
        form_class = PLAN_ACTIONS.get(action)
        if form_class is None:
            raise Http404
        bound = form_class(request.POST)
        if bound.is_valid():
            try:
                _act(actor, org, person_id, action, bound.cleaned_data)
            except Problem as exc:
                if exc.status == 404:
                    raise Http404(selectors.no_access()) from None
                bound.add_problem(exc)
            else:
                return redirect("advice:plan", person_id=person_id)
    view = selectors.client_plan(actor, org, person_id, request.GET.get("zoek", ""))
    if view is None:
        raise Http404(selectors.no_access())
    goal_form = bound if action == "goal" else GoalForm(initial={"goal": view.goal_label})
    return render(
        request,
        "advice/plan.html",
        {
            "view": view,
            "goal_form": goal_form,
            "step_error": bound if action in ("add", "remove") else None,
            "query": request.GET.get("zoek", ""),
        },
        status=400 if bound is not None else 200,
    )


def _act(
    actor: audit.Actor, org: Organisation, person_id: int, action: str, data: dict[str, Any]
) -> None:
    if action == "goal":
        services.set_goal(actor=actor, org=org, person_id=person_id, goal=data["goal"])
    elif action == "add":
        services.add_step(
            actor=actor, org=org, person_id=person_id, offer_id=data["offer"], note=data["note"]
        )
    else:
        services.remove_step(actor=actor, org=org, person_id=person_id, position=data["position"])
