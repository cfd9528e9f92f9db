# SPDX-License-Identifier: EUPL-1.2
"""Pages for funders: budgets with conditions, deposits, use, expiries, export.

An employer, fund, municipality or UWV does everything here without building a portal of its
own (JOURNEYS.md: Bakkerij de Korenaar "without building a portal"). Every page works without
JavaScript. Each form carries a hidden idempotency key, so pressing "Deposit" twice deposits
once. Reading persons' rights is personal data read by staff: the selectors that show it log
it with its purpose (DESIGN.md section 4). Entry points only: each view resolves the funder
and budget, calls one service or selector, and renders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from llo.accounts import exports, panels, selectors, services
from llo.accounts.access import FUNDER_ROLES, actor_of
from llo.accounts.forms import BudgetForm, DepositFileForm, DepositForm, conditions_text
from llo.accounts.models import Budget, Funder
from llo.core import csvio, jobs
from llo.core.money import Money
from llo.core.problems import Problem
from llo.core.timeutil import today

View = Callable[..., HttpResponseBase]


def funder_required(view: View) -> View:
    """Only someone acting for a funding organisation; they get its Funder as ``funder``."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        org = getattr(user, "organisation", None)
        if getattr(user, "role", None) not in FUNDER_ROLES or org is None:
            raise PermissionDenied
        try:
            funder = services.ensure_funder(org, actor=actor_of(request))
        except Problem as exc:
            raise PermissionDenied from exc
        return view(request, funder, *args, **kwargs)

    return wrapper


def own_budget(funder: Funder, budget_id: int) -> Budget:
    budget = selectors.budget_of(funder, budget_id)
    if budget is None:
        raise Http404
    return budget


def _money(cents: int) -> str:
    return Money(cents).format()


@funder_required
def budget_list(request: HttpRequest, funder: Funder) -> HttpResponse:
    rows = []
    for budget in selectors.budgets_of(funder):
        use = selectors.budget_use(budget)
        rows.append({"budget": budget, "use": use, "given": use.total - use.left})
    return render(request, "accounts/budget_list.html", {"funder": funder, "rows": rows})


@require_http_methods(["GET", "POST"])
@funder_required
def budget_create(request: HttpRequest, funder: Funder) -> HttpResponse:
    form = BudgetForm(
        request.POST or None,
        initial={"period_start": today(), "period_end": dt.date(today().year, 12, 31)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            budget = services.create_budget(
                actor=actor_of(request),
                funder=funder,
                name=data["name"],
                total=Money(data["total"]),
                period_start=data["period_start"],
                period_end=data["period_end"],
                conditions=data["conditions"],
                allocation_policy=data["allocation_policy"],
                amount_per_person=Money.optional(data["amount_per_person"]),
                right_kind=data["right_kind"],
                right_validity_months=data["right_validity_months"],
                portability=data["portability"],
                idempotency_key=form.ledger_key(request.user.pk),
            )
        except Problem as problem:
            form.add_error(None, problem.detail)
        else:
            messages.success(
                request, _("The budget %(name)s has been made.") % {"name": budget.name}
            )
            return redirect("accounts:budget", budget_id=budget.pk)
    return render(
        request,
        "accounts/budget_form.html",
        {
            "form": form,
            "funder": funder,
            "basic": [form[n] for n in BudgetForm.BASIC],
            "conditions": [form[n] for n in BudgetForm.CONDITIONS],
        },
        status=400 if request.method == "POST" else 200,
    )


@funder_required
def budget_detail(request: HttpRequest, funder: Funder, budget_id: int) -> HttpResponse:
    budget = own_budget(funder, budget_id)
    page = selectors.budget_page(actor_of(request), budget, today())
    use = page.use
    parts = [
        (_("Not given out yet"), use.left),
        (_("In learning accounts, free to use"), use.in_rights),
        (_("Reserved for a training"), use.reserved),
        (_("Paid to training providers"), use.paid),
        (_("Returned to you (expired or not used)"), use.returned),
    ]
    return render(
        request,
        "accounts/budget_detail.html",
        {
            "funder": funder,
            "budget": budget,
            "use": use,
            "parts": [(label, _money(cents)) for label, cents in parts],
            "recent": page.recent,
            "expiring": page.expiring,
            "reserved": [(name, ref, _money(cents)) for name, ref, cents in page.reserved],
            "by_employer": page.by_employer,
            "conditions": conditions_text(budget.conditions),
            "panels": panels.panels_for(request, budget),
        },
    )


@require_http_methods(["GET", "POST"])
@funder_required
def deposit(request: HttpRequest, funder: Funder, budget_id: int) -> HttpResponse:
    budget = own_budget(funder, budget_id)
    page = selectors.deposit_page(actor_of(request), budget, today())
    choices = [(str(pid), name) for pid, name in page.choices]
    initial = {
        "amount": Money(budget.amount_per_person_cents).format().removeprefix("€ ")
        if budget.amount_per_person_cents
        else ""
    }
    form = DepositForm(request.POST or None, person_choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rows = [
            services.DepositRow(
                data["amount"], person_id=int(pid), valid_until=data["valid_until"], line=i
            )
            for i, pid in enumerate(data["persons"], start=1)
        ]
        try:
            result = services.bulk_deposit(
                actor=actor_of(request),
                budget=budget,
                rows=rows,
                idempotency_key=form.ledger_key(request.user.pk),
            )
        except Problem as problem:
            form.add_error("amount" if problem.code == "budget-exceeded" else None, problem.detail)
        else:
            _deposited(request, result)
            return redirect("accounts:budget", budget_id=budget.pk)
    return render(
        request,
        "accounts/deposit_form.html",
        {"form": form, "budget": budget, "funder": funder, "left": _money(page.left)},
        status=400 if request.method == "POST" else 200,
    )


def _deposited(request: HttpRequest, result: services.BulkResult) -> None:
    messages.success(
        request,
        _("%(amount)s has been deposited for %(count)s persons.")
        % {"amount": _money(result.total_cents), "count": result.created},
    )


@require_http_methods(["GET", "POST"])
@funder_required
def deposit_file(request: HttpRequest, funder: Funder, budget_id: int) -> HttpResponse:
    budget = own_budget(funder, budget_id)
    form = DepositFileForm(request.POST or None, request.FILES or None)
    row_errors: list[dict[str, Any]] = []
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if jobs.too_large_for_a_request(len(data["file"])):
            # A large file is deposited by `llo run_jobs`; the job's page shows how far it is.
            job = jobs.enqueue(
                actor=actor_of(request),
                kind="accounts.deposit_file",
                owner=jobs.owner_of(request.user),
                params={
                    "budget": budget.pk,
                    "mode": data["mode"],
                    "idempotency_key": f"web:{request.user.pk}:{data['idempotency_key']}"
                    if data["idempotency_key"]
                    else None,
                    "title": _("Depositing from your file"),
                },
                data=data["file"].encode(),
            )
            return redirect("web:job", pk=job.pk)
        try:
            result = services.deposit_csv(
                actor=actor_of(request),
                budget=budget,
                text=data["file"],
                mode=services.BulkMode(data["mode"]),
                idempotency_key=form.ledger_key(request.user.pk),
            )
        except Problem as problem:
            form.add_error("file", problem.detail)
            row_errors = [{"where": p.name, "reason": p.reason} for p in problem.invalid_params]
        else:
            if not result.rejected:
                _deposited(request, result)
                return redirect("accounts:budget", budget_id=budget.pk)
            row_errors = [
                {"where": f"line {e.line}: {e.field}", "reason": e.reason} for e in result.rejected
            ]
    status = (
        400 if request.method == "POST" and (form.errors or row_errors) and result is None else 200
    )
    return render(
        request,
        "accounts/deposit_file.html",
        {
            "form": form,
            "budget": budget,
            "funder": funder,
            "row_errors": row_errors,
            "result": result,
            "total": _money(result.total_cents) if result else "",
            "left": _money(selectors.budget_left(budget)),
        },
        status=status,
    )


@funder_required
def export(request: HttpRequest, funder: Funder, budget_id: int) -> HttpResponseBase:
    """The rights of a budget as CSV (semicolons, UTF-8 with BOM: opens in Dutch Excel)."""
    budget = own_budget(funder, budget_id)
    rows = selectors.budget_export(actor_of(request), budget, today())
    return csvio.response(exports.budget_csv(rows), f"budget-{budget.pk}.csv")
