# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from llo.accounts.services import WARN_DAYS
from llo.core import jobs, loginthrottle
from llo.core.models import JobStatus
from llo.core.problems import PROBLEM_CONTENT_TYPE, Problem
from llo.core.roles import Role
from llo.core.timeutil import today
from llo.credentials import selectors as credential_selectors
from llo.demo.personas import LOGINS, login_by_key
from llo.web.forms import DemoLoginForm
from llo.web.login.identity import Identity, IdentityError
from llo.web.login.registry import registry
from llo.web.overview import conditions_of, overview_for, right_history


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    return render(request, "web/landing.html")


def login_choice(request: HttpRequest) -> HttpResponse:
    return render(request, "web/login.html", {"plugins": registry.enabled()})


def _login_account(data: Any) -> str:
    """The account a demo login names (role and number), for counting its failures; the
    persona's when one is chosen."""
    persona = login_by_key(data.get("persona", "")) if data.get("persona") else None
    if persona is not None:
        return f"demo:{persona.role}:{persona.bsn or persona.kvk}"
    number = "".join(ch for ch in str(data.get("bsn") or data.get("kvk") or "") if ch.isdigit())
    return f"demo:{str(data.get('role', ''))[:20]}:{number[:12]}" if number else ""


def _login_locked(request: HttpRequest, form: DemoLoginForm, problem: Problem) -> HttpResponse:
    """429 for a locked account: problem+json for a client that asks for JSON, else the
    login page with the reason above the form, in Dutch (llo.core.loginthrottle)."""
    accept = request.headers.get("Accept", "")
    if "json" in accept and "html" not in accept:
        response: HttpResponse = HttpResponse(
            json.dumps(problem.as_dict(instance=request.path), ensure_ascii=False),
            status=429,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    else:
        form.is_valid()
        form.errors.clear()  # only the reason: the numbers were not checked
        form.add_error(None, problem.detail)
        response = render(
            request,
            "web/login_demo.html",
            {"form": form, "groups": _persona_groups()},
            status=429,
        )
    response["Retry-After"] = loginthrottle.retry_after(problem)
    return response


@require_http_methods(["GET", "POST"])
def login_demo(request: HttpRequest) -> HttpResponse:
    if not registry.is_enabled("demo"):
        raise Http404
    form = DemoLoginForm(request.POST or None)
    if request.method == "POST":
        account = _login_account(request.POST)
        locked = loginthrottle.check(request, account)
        if locked is not None:
            return _login_locked(request, DemoLoginForm(request.POST), locked)
        identity: Identity | None = None
        persona_key = request.POST.get("persona")
        if persona_key:
            persona = login_by_key(persona_key)
            if persona is None:
                form.add_error(None, _("This demo person does not exist."))
            else:
                identity = Identity(
                    role=persona.role,
                    bsn=persona.bsn,
                    kvk=persona.kvk,
                    assurance_level="demo",
                    plugin="demo",
                )
        elif form.is_valid():
            identity = Identity(
                role=form.cleaned_data["role"],
                bsn=form.cleaned_data["bsn"],
                kvk=form.cleaned_data["kvk"],
                assurance_level="demo",
                plugin="demo",
            )
        if identity is not None:
            try:
                user = authenticate(request, demo_identity=identity)
            except IdentityError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                if user is not None:
                    login(request, user, backend="llo.web.login.demo.DemoBackend")
                    response = redirect("web:home")
                    loginthrottle.succeeded(request, response, account)
                    return response
        loginthrottle.failed(request, account)
    return render(
        request,
        "web/login_demo.html",
        {"form": form, "groups": _persona_groups()},
        status=400 if request.method == "POST" else 200,
    )


def _persona_groups() -> list[dict[str, Any]]:
    """The demo personas grouped by role, in the order of the Role choices.

    The stories are English msgids (``llo.demo.personas``); they are translated here, at
    request time, so the page follows the language switch.
    """
    groups: dict[str, dict[str, Any]] = {}
    for item in LOGINS:
        role = Role(item.role)
        group = groups.setdefault(
            role.value, {"role": role.value, "label": role.label, "logins": []}
        )
        group["logins"].append(
            {"key": item.key, "label": _(item.label), "story": _(item.story) if item.story else ""}
        )
    order = [role.value for role in Role]
    return sorted(groups.values(), key=lambda group: order.index(group["role"]))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:landing")


HOME_TEMPLATES = {role: f"web/home/{role.value}.html" for role in Role}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    template = HOME_TEMPLATES.get(Role(user.role), "web/home/burger.html")  # type: ignore[union-attr]
    person = getattr(user, "person", None)
    return render(
        request,
        template,
        {
            "person": person,
            "organisation": getattr(user, "organisation", None),
            "overview": overview_for(person) if person is not None else None,
            "certificates": credential_selectors.wallet(person) if person is not None else [],
        },
    )


@login_required
def right_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One of your rights and what happened to its money."""
    person = getattr(request.user, "person", None)
    if getattr(request.user, "role", None) != Role.BURGER or person is None:
        # The role first: an organisation learns nothing about which rights exist (issue 14).
        raise PermissionDenied
    history = right_history(person, pk)
    if history is None:
        raise Http404
    on = today()
    right = history.right
    days = (right.valid_until - on).days if right.valid_until is not None else None
    return render(
        request,
        "web/right.html",
        {
            "history": history,
            "person": person,
            "conditions": conditions_of(right, on),
            "days_left": days if days is not None and 0 <= days <= WARN_DAYS else None,
            "info": _(right.info_text) if right.info_text else "",
        },
    )


@login_required
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """How far a background job of yours is (llo.core.jobs); refreshes itself while it runs."""
    try:
        job = jobs.own_job(request.user, pk)
    except Problem:
        raise Http404 from None
    running = job.status in (JobStatus.QUEUED, JobStatus.RUNNING)
    result = job.result or {}
    return render(
        request,
        "web/job.html",
        {
            "job": job,
            "running": running,
            "title": str(job.params.get("title") or _("Your request")),
            "status_text": _("Waiting for its turn.")
            if job.status == JobStatus.QUEUED
            else _("Busy. %(step)s") % {"step": job.step},
            "message": result.get("message", _("Done.")),
            "next_url": result.get("next_url") or job.params.get("next_url", ""),
        },
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "title": _("Your form has expired"),
            "message": _("Go back, reload the page and try again."),
        },
        status=403,
    )


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "title": _("Page not found"),
            "message": _(
                "There is no page at this address. Check the address or go to the start page."
            ),
        },
        status=404,
    )


def error_500(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "title": _("Something went wrong"),
            "message": _("Something went wrong on our side. Try again later."),
        },
        status=500,
    )


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "title": _("No access"),
            "message": _("You may not see this page."),
        },
        status=403,
    )


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {
            "title": _("Bad request"),
            "message": _("We could not read your request."),
        },
        status=400,
    )
