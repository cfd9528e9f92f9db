# SPDX-License-Identifier: EUPL-1.2
"""Enrolment pages: apply (a person, or an adviser with the person's consent), my
applications with the receipt, the provider's applications, enrolment and payment statement,
the review queue of staff, and the public spending register with CSV and JSON.

Every page works without JavaScript. Entry points only: state changes through
:mod:`.services`, reads through :mod:`.selectors`, downloads through :mod:`.exports`; a
refusal (a Problem) is shown with its reason and nothing is reserved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from llo.accounts.plan import own_text
from llo.core import audit, csvio
from llo.core.problems import Problem
from llo.core.roles import Role, role_required
from llo.core.timeutil import now, today
from llo.enrolment import exports, selectors, services
from llo.enrolment.forms import (
    AttendanceForm,
    CloseCaseForm,
    CompletionForm,
    ConfirmForm,
    DropOutForm,
    EnrolForm,
    FactsForm,
    add_problem,
)
from llo.enrolment.lifecycle import HOLDS_MONEY, Status
from llo.enrolment.models import (
    Application,
    PaymentKind,
    Preview,
    ReviewCase,
    Window,
)
from llo.enrolment.window_words import outcome_label
from llo.people.models import Organisation, Person
from llo.register.models import Offering
from llo.schemes import facts_adapter

View = Callable[..., HttpResponse]

STATUS_LABELS: dict[str, Any] = {
    Status.APPLIED: gettext_lazy("Received, waiting for the decision"),
    Status.WAITING: gettext_lazy("On the waiting list"),
    Status.GRANTED: gettext_lazy("Granted: the money is reserved"),
    Status.ENROLLED: gettext_lazy("Enrolled by the provider"),
    Status.STARTED: gettext_lazy("Started"),
    Status.COMPLETED: gettext_lazy("Completed"),
    Status.PAID: gettext_lazy("Completed and paid"),
    Status.REFUSED: gettext_lazy("Refused"),
    Status.LAPSED: gettext_lazy("Lapsed: no money came free"),
    Status.CANCELLED: gettext_lazy("Cancelled"),
    Status.DROPPED_OUT: gettext_lazy("Stopped"),
    Status.NOT_COMPLETED: gettext_lazy("Not completed"),
}
PAYMENT_LABELS: dict[str, Any] = {
    "advance": gettext_lazy("Advance"),
    "final": gettext_lazy("Final payment"),
    "claw_back": gettext_lazy("Taken back"),
    "release": gettext_lazy("Released"),
}
#: Money between the funders and the provider. A release is not one: the money reserved and
#: not needed goes back to the budget it came from (issue 15: the application page listed a
#: release under "Betalingen aan de opleider").
TO_PROVIDER = frozenset({PaymentKind.ADVANCE, PaymentKind.FINAL, PaymentKind.CLAW_BACK})
#: What a person may still cancel (before the start).
CANCELLABLE = frozenset({Status.WAITING, Status.GRANTED, Status.ENROLLED})


def _actor(request: HttpRequest) -> audit.Actor:
    return audit.actor_of(request)


def _problem_page(request: HttpRequest, problem: Problem, **context: Any) -> HttpResponse:
    return render(
        request,
        "enrolment/refused.html",
        {"problem": problem, **context},
        status=problem.status,
    )


# --- applying ---------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _applicant(
    request: HttpRequest, offering: Offering, data: Any
) -> tuple[Person, Organisation | None] | HttpResponse:
    """Who applies: the citizen, or a person who gave the adviser's organisation consent (else
    the page to choose one)."""
    user = request.user
    if user.role == Role.ADVISEUR:  # type: ignore[union-attr]
        org = getattr(user, "organisation", None)
        if org is None:
            raise PermissionDenied
        chosen = _int(data.get("persoon"))
        persons, person = selectors.persons_for_adviser(org, _actor(request), chosen)
        if person is None:
            return render(
                request,
                "enrolment/apply_for_whom.html",
                {
                    "offering": offering,
                    "offer": offering.offer,
                    "persons": persons,
                    "no_consent": chosen is not None,
                },
                status=200 if chosen is None else 403,
            )
        return person, org
    person = getattr(user, "person", None)
    if person is None:
        raise PermissionDenied(_("Your account is not linked to a person."))
    return person, None


@role_required(Role.BURGER, Role.ADVISEUR)
@require_http_methods(["GET", "POST"])
def apply_page(request: HttpRequest, offering_id: int) -> HttpResponse:
    offering = get_object_or_404(
        Offering.objects.select_related("offer__opleider__organisation"), pk=offering_id
    )
    data = request.POST if request.method == "POST" else request.GET
    who = _applicant(request, offering, data)
    if isinstance(who, HttpResponse):
        return who
    person, org = who
    window_id = _int(data.get("venster"))
    window = next((w for w in selectors.open_windows() if w.pk == window_id), None)
    base = {
        "offering": offering,
        "offer": offering.offer,
        "person": person,
        "for_other": org is not None,
        "window": window,
        "windows": None,  # on the page before confirming only
    }
    actor = _actor(request)
    if request.method == "POST":
        return _confirm(request, actor, person, org, base)
    if window_id is not None and window is None:
        return _problem_page(
            request,
            Problem(
                422,
                _("This round is not open now. Choose an open round, or pay in another way."),
                code="outside-window",
            ),
            **base,
        )
    # Only the open windows that can decide for this person and training (issue 15, finding 2).
    base["windows"] = selectors.windows_for_offering(person, offering, today())
    try:
        shown = services.preview(
            actor=actor, person=person, offering=offering, window=window, on=today()
        )
    except Problem as exc:
        return _problem_page(request, exc, **base)
    form = ConfirmForm(
        initial={
            "preview": shown.pk,
            "amount": shown.amount_cents,
            "key": uuid.uuid4().hex,
            "persoon": person.pk if org else None,
            "venster": window.pk if window else None,
        }
    )
    context = {**base, **_shown(shown), "form": form}
    context["facts_form"] = _facts_form(context["asked"], person, org, window)
    return render(request, "enrolment/apply.html", context)


def _facts_form(
    asked: list[Any],
    person: Person,
    org: Organisation | None,
    window: Window | None,
    data: Any = None,
) -> FactsForm | None:
    names = [q.fact for q in asked if q.ask_person]
    if not names:
        return None
    initial = {"persoon": person.pk if org else None, "venster": window.pk if window else None}
    return FactsForm(data, asked=names, today=today(), initial=initial)


@role_required(Role.BURGER, Role.ADVISEUR)
@require_POST
def state_facts_page(request: HttpRequest, offering_id: int) -> HttpResponse:
    """The answers to what a decision still needs to know; then the plan again."""
    offering = get_object_or_404(
        Offering.objects.select_related("offer__opleider__organisation"), pk=offering_id
    )
    who = _applicant(request, offering, request.POST)
    if isinstance(who, HttpResponse):
        return who
    person, org = who
    asked = [str(name) for name in request.POST.getlist("asked")]
    form = FactsForm(request.POST, asked=asked, today=today())
    if form.is_valid():
        try:
            services.state_facts(
                actor=_actor(request),
                person=person,
                answers=form.answers(),
                on=today(),
                acting_org=org,
            )
        except Problem as exc:
            add_problem(form, exc, {name: name for name in form.fields})
        else:
            messages.success(request, _("Thank you. We checked the plan again with your answers."))
            query = {k: v for k in ("persoon", "venster") if (v := request.POST.get(k))}
            target = reverse("enrolment:apply", args=[offering.pk])
            return redirect(f"{target}?{urlencode(query)}" if query else target)
    return render(
        request,
        "enrolment/apply_facts.html",
        {"offering": offering, "offer": offering.offer, "facts_form": form, "asked": asked},
        status=400,
    )


def _shown(shown: Preview) -> dict[str, Any]:
    """The preview for the page: the reasons, what the decision still needs to know (the
    questions the person can answer, and the facts others must give), and the exemptions that
    lower the price (issue 16)."""
    missing: dict[str, None] = {}
    for line in shown.plan:
        missing.update(dict.fromkeys(line.get("missing", [])))
    asked = facts_adapter.questions(missing)
    exemptions = [r for r in shown.reasons if r.get("condition") == "exemption"]
    return {
        "shown": shown,
        "own_text": own_text(shown.own_cents),
        "failed": [r for r in shown.reasons if not r.get("passed") and not r.get("unknown")],
        "not_known": [r for r in shown.reasons if r.get("unknown")]
        + [{"text": line["text"]} for line in shown.plan if line.get("reason") == "unknown"],
        "asked": asked,
        "others": [q for q in asked if not q.ask_person],
        "rules": [r for r in shown.reasons if r.get("condition") != "exemption"],
        "exemptions": exemptions,
        "full_price_cents": shown.price_cents + sum(r["reductionCents"] for r in exemptions),
    }


def _confirm(
    request: HttpRequest,
    actor: audit.Actor,
    person: Person,
    org: Organisation | None,
    base: dict[str, Any],
) -> HttpResponse:
    form = ConfirmForm(request.POST)
    valid = form.is_valid()
    preview_id = _int(request.POST.get("preview"))
    shown = Preview.objects.filter(pk=preview_id, person=person).first() if preview_id else None
    if shown is None or (org is not None and shown.actor != actor.name):
        return _problem_page(
            request,
            Problem(400, _("Look at the plan first."), code="no-preview"),
            **base,
        )
    context = {**base, **_shown(shown), "form": form}
    if not valid:
        return render(request, "enrolment/apply.html", context, status=400)
    amount = form.cleaned_data["amount"]
    try:
        if shown.window_id is not None:
            window = Window.objects.get(pk=shown.window_id)
            result = services.submit(
                actor=actor,
                window=window,
                shown=shown,
                amount_cents=amount,
                idempotency_key=f"page:{form.cleaned_data['key']}",
                acting_org=org,
            )
            return redirect("enrolment:entry", pk=result.entry.pk)
        app = services.apply(
            actor=actor,
            shown=shown,
            amount_cents=amount,
            on=today(),
            acting_org=org,
            idempotency_key=f"page:{form.cleaned_data['key']}",
        )
    except Problem as exc:
        add_problem(form, exc, {})
        return render(request, "enrolment/apply.html", context, status=exc.status)
    messages.success(request, _("Your application is received. The money is reserved."))
    return redirect("enrolment:application", pk=app.pk)


def _payments(app: Application) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The payments to (and claw-backs from) the provider, and the releases apart."""
    lines = [
        {"kind": PAYMENT_LABELS.get(p.kind, p.kind), "amount_cents": p.amount_cents, "at": p.at}
        for p in selectors.payments_of(app)
    ]
    kinds = [p.kind for p in selectors.payments_of(app)]
    paid = [line for line, kind in zip(lines, kinds, strict=True) if kind in TO_PROVIDER]
    released = [line for line, kind in zip(lines, kinds, strict=True) if kind not in TO_PROVIDER]
    return paid, released


def _may_see(request: HttpRequest, person_id: int, applied_by: str) -> bool:
    user = request.user
    if user.role == Role.BURGER:  # type: ignore[union-attr]
        return getattr(user, "person_id", None) == person_id
    return applied_by == _actor(request).name  # the adviser who applied


@role_required(Role.BURGER, Role.ADVISEUR)
def application_page(request: HttpRequest, pk: int) -> HttpResponse:
    app = (
        Application.objects.select_related(
            "offer__opleider__organisation", "offering", "window", "intake__window"
        )
        .filter(pk=pk)
        .first()
    )
    if app is None or not _may_see(request, app.person_id, app.applied_by):
        raise Http404
    selectors.shown_to(_actor(request), app.person_id, f"adviser: application {app.pk}")
    paid, released = _payments(app)
    return render(
        request,
        "enrolment/application.html",
        {
            "app": app,
            "status_label": STATUS_LABELS.get(app.status, app.status),
            # Only while the application holds money is anything set aside (issue 15: a
            # cancelled or clawed-back application still showed what had been reserved).
            "fundings": selectors.fundings_of(app) if app.status in HOLDS_MONEY else [],
            "holds_money": app.status in HOLDS_MONEY,
            "own_text": own_text(app.own_cents),
            "payments": paid,
            "released": released,
            "place": selectors.place_of(app.intake) if app.intake is not None else None,
            "can_cancel": request.user.role == Role.BURGER  # type: ignore[union-attr]
            and app.status in CANCELLABLE
            and app.offering.start_date > today(),
        },
    )


@role_required(Role.BURGER)
@require_http_methods(["GET", "POST"])
def cancel_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancelling asks first (GET: what happens, and a button), then cancels (POST); issue
    15, "also seen": one click cancelled without a question."""
    person = getattr(request.user, "person", None)
    app = (
        Application.objects.filter(pk=pk, person=person)
        .select_related("offering", "offer__opleider__organisation")
        .first()
    )
    if app is None or person is None:
        raise Http404
    if request.method == "GET":
        if app.status not in CANCELLABLE or app.offering.start_date <= today():
            return redirect("enrolment:application", pk=pk)
        return render(
            request,
            "enrolment/cancel.html",
            {
                "offer": app.offer,
                "offering": app.offering,
                "fundings": selectors.fundings_of(app),
                "action": reverse("enrolment:cancel", args=[app.pk]),
                "back": reverse("enrolment:application", args=[app.pk]),
            },
        )
    try:
        services.cancel_own(actor=_actor(request), person=person, application=app)
    except Problem as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Your application is cancelled. The money is free again."))
    return redirect("enrolment:application", pk=pk)


@role_required(Role.BURGER)
def my_applications(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied
    entries = selectors.pending_entries(person)
    # The applications and the decided entries without one (waiting, refused, lapsed,
    # cancelled: decision 013) in one list, the newest first.
    rows = [
        {"app": a, "label": STATUS_LABELS.get(a.status, a.status), "at": a.applied_at}
        for a in selectors.applications_of(person)
    ] + [
        {
            "entry": e,
            "label": STATUS_LABELS.get(e.status) or outcome_label(e.outcome),
            "at": e.received_at,
        }
        for e in entries
        if e.outcome
    ]
    rows.sort(key=lambda r: r["at"], reverse=True)
    return render(
        request,
        "enrolment/my_applications.html",
        {"apps": rows, "entries": [e for e in entries if not e.outcome]},
    )


# --- the provider -----------------------------------------------------------------------------


def _provider_org(request: HttpRequest) -> Organisation:
    org = getattr(request.user, "organisation", None)
    if org is None:
        raise PermissionDenied
    return org


@role_required(Role.OPLEIDER)
def provider_applications(request: HttpRequest) -> HttpResponse:
    org = _provider_org(request)
    status = request.GET.get("status", "")
    if status not in STATUS_LABELS:
        status = ""
    rows = [
        {"app": a, "label": STATUS_LABELS.get(a.status, a.status)}
        for a in selectors.provider_applications(org, _actor(request), status)
    ]
    return render(
        request,
        "enrolment/provider_applications.html",
        {"rows": rows, "statuses": list(STATUS_LABELS.items()), "status": status},
    )


ACTIONS: dict[str, type] = {
    "inschrijven": EnrolForm,
    "aanwezigheid": AttendanceForm,
    "afronden": CompletionForm,
    "gestopt": DropOutForm,
}


def _provider_forms(app: Application, bound: tuple[str, Any] | None = None) -> dict[str, Any]:
    enrolment = selectors.enrolment_of(app)
    forms: dict[str, Any] = {}
    if app.status == Status.GRANTED:
        forms["inschrijven"] = EnrolForm()
    if app.status == Status.STARTED and enrolment is not None:
        forms["aanwezigheid"] = AttendanceForm(
            initial={
                "attended": enrolment.sessions_attended,
                "excused": enrolment.sessions_excused,
                "excused_reason": enrolment.excused_reason,
            }
        )
        forms["afronden"] = CompletionForm()
        forms["gestopt"] = DropOutForm()
    if bound is not None:
        forms[bound[0]] = bound[1]
    return {
        "app": app,
        "label": STATUS_LABELS.get(app.status, app.status),
        "enrolment": enrolment,
        "forms": forms,
        "can_start": app.status == Status.ENROLLED,
        "payments": _payments(app),
    }


def _own_app(
    request: HttpRequest, pk: int, *, reading: bool = False
) -> tuple[Organisation, Application]:
    org = _provider_org(request)
    app = selectors.provider_application(org, pk, _actor(request) if reading else None)
    if app is None:
        raise Http404  # another provider's application does not exist here
    return org, app


@role_required(Role.OPLEIDER)
def provider_application(request: HttpRequest, pk: int) -> HttpResponse:
    _org, app = _own_app(request, pk, reading=True)
    return render(request, "enrolment/provider_application.html", _provider_forms(app))


FIELD_NAMES = {
    "sessionsPlanned": "sessions_planned",
    "attended": "attended",
    "excusedReason": "excused_reason",
    "reason": "reason",
}


@role_required(Role.OPLEIDER)
@require_POST
def provider_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    org, app = _own_app(request, pk)
    actor = _actor(request)
    day = today()
    if action == "starten":
        try:
            services.start(actor=actor, provider=org, application=app, on=day)
        except Problem as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("The training has started. The advance is paid."))
        return redirect("enrolment:provider-application", pk=pk)
    form_class = ACTIONS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "inschrijven":
                services.enrol(
                    actor=actor,
                    provider=org,
                    application=app,
                    sessions_planned=data["sessions_planned"],
                )
                messages.success(request, _("The student is enrolled."))
            elif action == "aanwezigheid":
                services.report_attendance(
                    actor=actor,
                    provider=org,
                    application=app,
                    attended=data["attended"],
                    excused=data["excused"] or 0,
                    excused_reason=data["excused_reason"],
                )
                messages.success(request, _("The attendance is saved."))
            elif action == "afronden":
                services.complete(
                    actor=actor,
                    provider=org,
                    application=app,
                    credential=data["credential"],
                    on=day,
                )
                app.refresh_from_db()
                if app.status == Status.PAID:
                    messages.success(request, _("The training is completed. The rest is paid."))
                else:
                    messages.info(
                        request,
                        _(
                            "Not completed: attendance under 80 % and no certificate. "
                            "The advance is taken back."
                        ),
                    )
            else:
                services.drop_out(
                    actor=actor,
                    provider=org,
                    application=app,
                    excused=data["excused"],
                    reason=data["reason"],
                    on=day,
                )
                messages.success(request, _("The stop is saved."))
        except Problem as exc:
            add_problem(form, exc, FIELD_NAMES)
        else:
            return redirect("enrolment:provider-application", pk=pk)
    # The page again, with the error: a read of the student's data like the page itself.
    app = selectors.provider_application(org, pk, actor) or app
    return render(
        request,
        "enrolment/provider_application.html",
        _provider_forms(app, (action, form)),
        status=400,
    )


@role_required(Role.OPLEIDER)
def provider_statement(request: HttpRequest) -> HttpResponse:
    org = _provider_org(request)
    lines = [(line, PAYMENT_LABELS.get(line.kind, line.kind)) for line in selectors.statement(org)]
    return render(
        request,
        "enrolment/statement.html",
        {"totals": selectors.statement_totals(org), "lines": lines},
    )


# --- review queue (staff) ---------------------------------------------------------------------


@role_required(Role.BEHEER)
@require_http_methods(["GET", "POST"])
def review_queue(request: HttpRequest) -> HttpResponse:
    bound: tuple[int, CloseCaseForm] | None = None
    if request.method == "POST":
        case = get_object_or_404(ReviewCase, pk=_int(request.POST.get("case")) or 0)
        form = CloseCaseForm(request.POST, prefix=f"case{case.pk}")
        if form.is_valid():
            try:
                services.close_case(
                    actor=_actor(request), case=case, note=form.cleaned_data["note"]
                )
            except Problem as exc:
                add_problem(form, exc, {"note": "note"})
            else:
                messages.success(request, _("The case is closed."))
                return redirect("enrolment:review-queue")
        bound = (case.pk, form)
    queue = selectors.review_queue()
    cases = [
        {
            "case": item.case,
            "flags": item.flags,
            "form": bound[1]
            if bound and bound[0] == item.case.pk
            else CloseCaseForm(prefix=f"case{item.case.pk}"),
        }
        for item in queue.open
    ]
    return render(
        request,
        "enrolment/review_queue.html",
        {"cases": cases, "closed": queue.closed, "loose": queue.loose},
        status=400 if bound else 200,
    )


# --- the public spending register -------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    value = _int(request.GET.get("jaar"))
    return value if value and 2000 <= value <= 2100 else now().year


def _rows(
    request: HttpRequest, provider_id: int | None = None
) -> tuple[int, list[selectors.SpendingRow]]:
    year = _year(request)
    rows = selectors.spending(year)
    if provider_id is not None:
        rows = [r for r in rows if r.provider_id == provider_id]
    return year, rows


def spending_page(request: HttpRequest, provider_id: int | None = None) -> HttpResponse:
    year, rows = _rows(request, provider_id)
    provider = get_object_or_404(Organisation, pk=provider_id) if provider_id is not None else None
    shown = [r for r in rows if not r.suppressed]
    return render(
        request,
        "enrolment/spending.html",
        {
            "year": year,
            "rows": rows,
            "provider": provider,
            "total_cents": sum(r.amount_cents or 0 for r in shown),
            "total_grants": sum(r.grants or 0 for r in shown),
            "hidden": sum(1 for r in rows if r.suppressed),
            "years": list(range(now().year, now().year - 5, -1)),
        },
    )


def spending_csv(request: HttpRequest) -> HttpResponseBase:
    year, rows = _rows(request)
    return csvio.response(exports.spending_csv_text(year, rows), f"llo-uitgaven-{year}.csv")


def spending_json(request: HttpRequest) -> JsonResponse:
    year, rows = _rows(request)
    response = JsonResponse(exports.spending_json(year, rows))
    response["Content-Disposition"] = f'inline; filename="llo-uitgaven-{year}.json"'
    return response
