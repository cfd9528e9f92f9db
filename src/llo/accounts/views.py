# SPDX-License-Identifier: EUPL-1.2
"""Pages for funders: budgets with conditions, deposits, use, expiries, export.

An employer, fund, municipality or UWV does everything here without building a portal of its
own (JOURNEYS.md: Bakkerij de Korenaar "without building a portal"). Every page works without
JavaScript. Each form carries a hidden idempotency key, so pressing "Deposit" twice deposits
once. Reading persons' rights is personal data read by staff: it is logged with its purpose
(DESIGN.md section 4).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from llo.accounts import lines, services
from llo.accounts.forms import BudgetForm, DepositFileForm, DepositForm
from llo.accounts.models import Budget, DepositLine, Funder, LedgerAccount, Right, RightStatus
from llo.core import audit
from llo.core.money import Money
from llo.core.problems import Problem
from llo.core.roles import Role
from llo.core.timeutil import today

FUNDER_ROLES = frozenset({Role.WERKGEVER, Role.FONDS, Role.GEMEENTE, Role.UWV, Role.BELEID})
RECENT = 50

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


def actor_of(request: HttpRequest) -> audit.Actor:
    return audit.Actor(name=f"user:{request.user.pk}", role=getattr(request.user, "role", ""))


def own_budget(funder: Funder, budget_id: int) -> Budget:
    budget = (
        Budget.objects.select_related("account", "funder__organisation")
        .filter(pk=budget_id, funder=funder)
        .first()
    )
    if budget is None:
        raise Http404
    return budget


def log_read(request: HttpRequest, budget: Budget, purpose: str) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor_of(request), action="rights.viewed", subject=budget, purpose=purpose
        )


def _money(cents: int) -> str:
    return Money(cents).format()


@funder_required
def budget_list(request: HttpRequest, funder: Funder) -> HttpResponse:
    rows = []
    for budget in Budget.objects.filter(funder=funder).select_related("account"):
        use = services.budget_use(budget)
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
                total_cents=data["total"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                conditions=data["conditions"],
                allocation_policy=data["allocation_policy"],
                amount_per_person_cents=data["amount_per_person"],
                right_kind=data["right_kind"],
                right_validity_months=data["right_validity_months"],
                portability=data["portability"],
                idempotency_key=f"web:{request.user.pk}:{data['idempotency_key']}"
                if data["idempotency_key"]
                else None,
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


def _as_right(budget: Budget, line: DepositLine) -> Right:
    """A deposit line shown as the right it becomes when read (not saved)."""
    return Right(
        person=line.person,
        budget=budget,
        funder_id=budget.funder_id,
        kind=budget.right_kind,
        deposited_cents=line.cents,
        valid_until=line.valid_until,
        status=RightStatus.ACTIVE,
    )


@funder_required
def budget_detail(request: HttpRequest, funder: Funder, budget_id: int) -> HttpResponse:
    budget = own_budget(funder, budget_id)
    on = today()
    use = services.budget_use(budget, on)
    log_read(request, budget, "funder page: use of a budget")
    # Deposit lines are rights nobody has read yet: shown as rights, newest deposits first.
    pending = lines.pending(lines.deposit_ids([budget.pk])).select_related("person")
    recent = [
        _as_right(budget, line) for line in pending.order_by("-deposit_id", "person_id")[:RECENT]
    ]
    recent += list(
        Right.objects.filter(budget=budget)
        .select_related("person", "account")
        .order_by("-pk")[: RECENT - len(recent)]
    )
    soon = on + dt.timedelta(days=90)
    expiring = list(
        Right.objects.filter(budget=budget, status="active", valid_until__lte=soon)
        .filter(Q(account__isnull=True) | Q(account__balance_cents__gt=0))
        .select_related("person", "account")
        .order_by("valid_until")[:RECENT]
    ) + [
        _as_right(budget, line)
        for line in pending.filter(valid_until__lte=soon).order_by("valid_until")[:RECENT]
    ]
    expiring = sorted(expiring, key=lambda r: r.valid_until or soon)[:RECENT]
    reserved = (
        LedgerAccount.objects.filter(reservation__right__budget=budget, balance_cents__gt=0)
        .values_list(
            "reservation__right__person__display_name", "reservation__reference", "balance_cents"
        )
        .order_by("reservation__pk")[:RECENT]
    )
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
            "recent": recent,
            "expiring": expiring,
            "reserved": [(name, ref, _money(cents)) for name, ref, cents in reserved],
            "by_employer": services.use_by_employer(budget) if funder.kind == "sector_fund" else [],
            "conditions": _conditions_text(budget.conditions),
        },
    )


def _conditions_text(conditions: dict[str, Any]) -> list[tuple[str, str]]:
    from llo.accounts.forms import CONDITION_FIELDS, BudgetForm

    form = BudgetForm()
    shown = []
    for name, key in CONDITION_FIELDS.items():
        if key not in conditions:
            continue
        value = conditions[key]
        field = form.fields[name]
        choices = dict(getattr(field, "choices", []) or [])
        if isinstance(value, list):
            text = ", ".join(str(choices.get(v, v)) for v in value)
        elif key.endswith("_cents"):
            text = _money(int(value))
        elif isinstance(value, bool):
            text = _("yes") if value else _("no")
        else:
            text = str(choices.get(value, value))
        shown.append((str(field.label), text))
    return shown


@require_http_methods(["GET", "POST"])
@funder_required
def deposit(request: HttpRequest, funder: Funder, budget_id: int) -> HttpResponse:
    budget = own_budget(funder, budget_id)
    reach = services.reach_of(funder)
    choices = [(str(p.pk), p.display_name) for p in reach[:2000]]
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
                idempotency_key=f"web:{request.user.pk}:{data['idempotency_key']}"
                if data["idempotency_key"]
                else None,
            )
        except Problem as problem:
            form.add_error("amount" if problem.code == "budget-exceeded" else None, problem.detail)
        else:
            messages.success(
                request,
                _("%(amount)s has been deposited for %(count)s persons.")
                % {"amount": _money(result.total_cents), "count": result.created},
            )
            return redirect("accounts:budget", budget_id=budget.pk)
    log_read(request, budget, "funder page: choose persons to deposit to")
    return render(
        request,
        "accounts/deposit_form.html",
        {
            "form": form,
            "budget": budget,
            "funder": funder,
            "left": _money(budget.account.balance_cents),
        },
        status=400 if request.method == "POST" else 200,
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
        try:
            result = services.deposit_csv(
                actor=actor_of(request),
                budget=budget,
                text=data["file"],
                mode=services.BulkMode(data["mode"]),
                idempotency_key=f"web:{request.user.pk}:{data['idempotency_key']}"
                if data["idempotency_key"]
                else None,
            )
        except Problem as problem:
            form.add_error("file", problem.detail)
            row_errors = [{"where": p.name, "reason": p.reason} for p in problem.invalid_params]
        else:
            if not result.rejected:
                messages.success(
                    request,
                    _("%(amount)s has been deposited for %(count)s persons.")
                    % {"amount": _money(result.total_cents), "count": result.created},
                )
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
            "left": _money(LedgerAccount.objects.get(pk=budget.account_id).balance_cents),
        },
        status=status,
    )


@funder_required
def export(request: HttpRequest, funder: Funder, budget_id: int) -> StreamingHttpResponse:
    """The rights of a budget as CSV (semicolons, UTF-8 with BOM: opens in Dutch Excel)."""
    budget = own_budget(funder, budget_id)
    log_read(request, budget, "funder export of a budget (CSV)")
    # Every row has its right's number: deposits nobody has read yet become rights first
    # (done once; the nightly job does it too).
    services.claim_budgets([budget.pk])
    reserved = dict(
        LedgerAccount.objects.filter(reservation__right__budget=budget)
        .values_list("reservation__right_id")
        .annotate(s=Sum("balance_cents"))
    )

    class Echo:
        def write(self, value: str) -> str:
            return value

    def rows() -> Iterator[str]:
        writer = csv.writer(Echo(), delimiter=";")
        yield "\ufeff" + writer.writerow(
            [
                "right",
                "person_id",
                "name",
                "kind",
                "status",
                "valid_from",
                "valid_until",
                "deposited",
                "balance",
                "reserved",
                "cao",
            ]
        )
        rights = (
            Right.objects.filter(budget=budget).select_related("person", "account").order_by("pk")
        )
        for r in rights.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    r.pk,
                    r.person_id,
                    r.person.display_name,
                    r.kind,
                    r.status,
                    r.valid_from.isoformat(),
                    r.valid_until.isoformat() if r.valid_until else "",
                    _euros(r.deposited_cents or 0),
                    _euros(r.balance_cents or 0),
                    _euros(int(reserved.get(r.pk, 0) or 0)),
                    r.cao,
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budget-{budget.pk}.csv"'
    return response


def _euros(cents: int) -> str:
    """Plain euros with a decimal comma for spreadsheets: 1234,50."""
    return f"{cents // 100},{cents % 100:02d}" if cents >= 0 else f"-{_euros(-cents)}"
