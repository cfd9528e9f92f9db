# SPDX-License-Identifier: EUPL-1.2
"""Register pages: public search, offer and provider pages; the provider's own offers,
import and export; the review queue of register staff. Every page works without JavaScript."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from llo.core import jobs
from llo.core.money import Money
from llo.core.problems import Problem
from llo.core.timeutil import today
from llo.register import checks, exports, importers, plans, selectors, terms, transitions
from llo.register.forms import (
    ImportForm,
    OfferForm,
    OfferingForm,
    ProviderStatusForm,
    QualityMarkForm,
    ReasonForm,
    SearchForm,
)
from llo.register.models import Offer, OfferState, Opleider, ProviderStatus
from llo.register.search import FACETS, QueryError, SearchQuery, search
from llo.register.services import bulk, offers, providers, workflow
from llo.register.services.access import actor_for
from llo.register.services.inputs import OfferingInput


def _check_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "message": checks.message(r)} for r in results or []]


# --- public ---------------------------------------------------------------------------------


#: The filter "what my budgets pay for" plans every match it shows from, in one run of the
#: rules (accounts.funding_plans); it looks at this many matches and says so when there are
#: more. bench/search_plans measures what it costs.
MAX_PLANNED = 100
PAGE_SIZE = 20


def search_page(request: HttpRequest) -> HttpResponse:
    planning = plans.can_plan(request.user)
    form = SearchForm(request.GET or None, can_plan=planning)
    result = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        mine = planning and bool(data.get("mine"))
        page = data.get("page") or 1
        query = SearchQuery(
            text=data.get("q") or "",
            levels=tuple(data.get("level") or ()),
            offer_types=tuple(data.get("offerType") or ()),
            modes=tuple(data.get("mode") or ()),
            provider_kinds=tuple(data.get("providerKind") or ()),
            leads_to=tuple(data.get("leadsTo") or ()),
            regions=tuple(data.get("region") or ()),
            include_online=not data.get("placeOnly"),
            max_price_cents=data.get("maxPrice"),
            start_from=data.get("startFrom"),
            start_to=data.get("startTo"),
            skills=(data["skill"],) if data.get("skill") else (),
            occupations=(data["occupation"],) if data.get("occupation") else (),
            sort=data.get("sort") or "relevance",
            page=1 if mine else page,
            page_size=MAX_PLANNED if mine else PAGE_SIZE,
        )
        try:
            result = search(query)
        except QueryError as exc:
            form.add_error(None, exc.reason)
    context: dict[str, Any] = {
        "form": form,
        "result": result,
        "planning": planning,
        "chosen": _chosen_filters(form) if form.is_bound and not form.errors else [],
    }
    if result is not None:
        params = request.GET.copy()
        params.pop("page", None)
        base = params.urlencode()
        on = today()
        if mine:
            # Plans for the first MAX_PLANNED matches; the pages are of those that are paid.
            planned = plans.for_offers(request.user, result.offers, on)
            paid = [o for o in result.offers if o.pk in planned and planned[o.pk].funded_cents]
            pages = max(1, -(-len(paid) // PAGE_SIZE))
            page = min(page, pages)
            shown = paid[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
            context.update(
                mine=True,
                paid_total=len(paid),
                looked_at=len(result.offers),
                partial=result.total > len(result.offers),
            )
        else:
            pages = result.pages
            shown = result.offers
            planned = plans.for_offers(request.user, shown, on)
        context.update(
            rows=[(offer, planned.get(offer.pk)) for offer in shown],
            page_count=pages,
            facets=[
                (name, form.fields[name].label, result.facets.get(name, [])) for name in FACETS
            ],
            prev_url=f"?{base}&page={page - 1}" if page > 1 else "",
            next_url=f"?{base}&page={page + 1}" if page < pages else "",
            pages=_page_links(base, page, pages),
        )
    return render(request, "register/search.html", context)


def _chosen_filters(form: SearchForm) -> list[str]:
    """The filters in use, in words, for the summary of the closed filter panel."""
    chosen: list[str] = []
    data = form.cleaned_data
    for name in (*FACETS, "placeOnly", "maxPrice", "startFrom", "startTo", "skill", "occupation"):
        value = data.get(name)
        if not value:
            continue
        field = form.fields[name]
        if isinstance(value, list | tuple):
            labels = dict(getattr(field, "choices", []))
            chosen.extend(str(labels.get(v, v)) for v in value)
        elif name == "maxPrice":
            chosen.append(f"{field.label}: {Money(value).format()}")
        elif isinstance(value, dt.date):
            chosen.append(f"{field.label}: {date_format(value, 'j F Y')}")
        elif value is True:
            chosen.append(str(field.label))
        else:
            chosen.append(f"{field.label}: {value}")
    return chosen


def _page_links(base: str, current: int, pages: int) -> list[dict[str, Any]]:
    shown = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    return [{"number": n, "url": f"?{base}&page={n}", "current": n == current} for n in shown]


def offer_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        offer = selectors.visible_offer(request.user, pk)
    except Problem as exc:
        raise Http404 from exc
    own = selectors.provider_of(request.user)
    is_owner = own is not None and own.pk == offer.opleider_id
    is_staff = selectors.is_staff(request.user)
    on = today()
    plan = plans.for_offers(request.user, [offer], on).get(offer.pk)
    return render(
        request,
        "register/offer_detail.html",
        {
            "offer": offer,
            "plan": plan,
            "planning": plans.can_plan(request.user),
            "is_owner": is_owner,
            "is_staff": is_staff,
            "offerings": [o for o in offer.offerings.all() if o.start_date >= on],
            "versions": selectors.price_history(offer) if (is_owner or is_staff) else [],
            "places": list(offer.gemeenten.all()),
            "terms": terms.labels(offer.occupations or [], offer.skills or []),
            "parts": selectors.published_parts(offer),
        },
    )


def provider_page(request: HttpRequest, kvk: str) -> HttpResponse:
    opleider = _provider(kvk)
    marks = selectors.quality_marks(opleider, today())
    result = None
    if opleider.status == ProviderStatus.ADMITTED:
        page = request.GET.get("page", "1")
        result = search(
            SearchQuery(
                provider_ids=(opleider.pk,),
                facets=False,
                page=int(page) if page.isdigit() and 0 < int(page) < 500 else 1,
            )
        )
    offers = result.offers if result else []
    planned = plans.for_offers(request.user, offers, today())
    return render(
        request,
        "register/provider_detail.html",
        {
            "opleider": opleider,
            "marks": marks,
            "result": result,
            "rows": [(offer, planned.get(offer.pk)) for offer in offers],
        },
    )


# --- provider -------------------------------------------------------------------------------


def provider_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        opleider = selectors.provider_of(request.user)
        if opleider is None:
            raise PermissionDenied(_("Only a training provider in the register can do this."))
        return view(request, opleider, *args, **kwargs)

    return wrapper


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.is_staff(request.user):
            raise PermissionDenied(_("Only register staff can do this."))
        return view(request, *args, **kwargs)

    return wrapper


def _own(opleider: Opleider, pk: int) -> Offer:
    """An offer of this provider; another provider's offer does not exist here."""
    try:
        return selectors.own_offer(opleider, pk)
    except Problem as exc:
        raise Http404 from exc


def _provider(kvk: str) -> Opleider:
    try:
        return selectors.provider_by_kvk(kvk)
    except Problem as exc:
        raise Http404 from exc


def _page_number(request: HttpRequest) -> int:
    page = request.GET.get("page", "1")
    return int(page) if page.isdigit() and int(page) > 0 else 1


@provider_required
def my_offers(request: HttpRequest, opleider: Opleider) -> HttpResponse:
    state = request.GET.get("state", "")
    found = selectors.provider_offers(opleider, state if state in OfferState.values else "")
    counts = selectors.offer_counts(opleider)
    number = _page_number(request)
    size = 50
    chunk = list(found[(number - 1) * size : number * size + 1])
    query = urlencode({"state": state}) if state else ""
    return render(
        request,
        "register/my_offers.html",
        {
            "opleider": opleider,
            "offers": chunk[:size],
            "state": state,
            "states": [(s, label, counts[s]) for s, label in OfferState.choices],
            "prev_url": f"?{query}&page={number - 1}" if number > 1 else "",
            "next_url": f"?{query}&page={number + 1}" if len(chunk) > size else "",
        },
    )


@provider_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, opleider: Opleider, pk: int | None = None) -> HttpResponse:
    offer = _own(opleider, pk) if pk else None
    if offer is not None and offer.state not in transitions.EDITABLE:
        messages.error(
            request, _("You cannot change this offer now: it is being reviewed or removed.")
        )
        return redirect("register:manage", pk=offer.pk)
    initial = OfferForm.initial_from(offer) if offer else {"vat_exempt": True, "language": "nl"}
    form = OfferForm(request.POST or None, opleider=opleider, offer=offer, initial=initial)
    if request.method == "POST" and form.is_valid():
        actor = actor_for(request.user)
        try:
            if offer is None:
                offer = offers.create_offer(actor=actor, opleider=opleider, data=form.to_input())
            else:
                offers.update_offer(actor=actor, offer=offer, data=form.to_input())
        except Problem as exc:
            for param in exc.invalid_params:
                form.add_problem(param.name, param.reason)
            if not exc.invalid_params:
                form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Your offer is saved."))
            return redirect("register:manage", pk=offer.pk)
    elif request.method == "GET" and offer is not None:
        # The reasons of the last checks, beside their fields.
        for result in checks.blocking(offer.checks or []):
            form.add_problem(str(result.get("field", "")), checks.message(result))
    return render(
        request,
        "register/offer_form.html",
        {"form": form, "offer": offer},
        status=400 if request.method == "POST" else 200,
    )


@provider_required
@require_http_methods(["GET", "POST"])
def offer_manage(request: HttpRequest, opleider: Opleider, pk: int) -> HttpResponse:
    offer = _own(opleider, pk)
    offering_form = OfferingForm(request.POST if "start_date" in request.POST else None)
    if request.method == "POST" and offering_form.is_bound and offering_form.is_valid():
        d = offering_form.cleaned_data
        try:
            offers.add_offering(
                actor=actor_for(request.user),
                offer=offer,
                data=OfferingInput(
                    start_date=d["start_date"],
                    end_date=d.get("end_date"),
                    capacity=d.get("capacity"),
                ),
            )
        except Problem as exc:
            offering_form.add_error(None, exc.detail)
        else:
            messages.success(request, _("The start moment is added."))
            return redirect("register:manage", pk=offer.pk)
    return render(
        request,
        "register/offer_manage.html",
        {
            "offer": offer,
            "checks": _check_rows(offer.checks),
            "actions": _step_buttons(offer.state, transitions.PROVIDER),
            "offering_form": offering_form,
            "offerings": offer.offerings.all(),
            "versions": selectors.price_history(offer),
            "reviews": selectors.review_trail(offer),
        },
        status=400 if offering_form.is_bound and offering_form.errors else 200,
    )


ACTION_LABELS = {
    "submit": gettext_lazy("Submit for review"),
    "retract": gettext_lazy("Take back from review"),
    "publish": gettext_lazy("Publish"),
    "withdraw": gettext_lazy("Withdraw"),
    "reopen": gettext_lazy("Open again as a draft"),
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Send back to the provider"),
    "remove": gettext_lazy("Remove from the register"),
}


def _step_buttons(state: str, who: str) -> list[tuple[str, str]]:
    """The steps a person can take with a button, with their label. "edit" is not one: it is
    what saving a change does (the "Change" link), so it never stands under "Next step" as a
    raw code (issue 15 item 6)."""
    return [
        (a, str(ACTION_LABELS[a]))
        for a in transitions.allowed_actions(state, who)
        if a in ACTION_LABELS
    ]


@provider_required
@require_POST
def offer_transition(request: HttpRequest, opleider: Opleider, pk: int) -> HttpResponse:
    offer = _own(opleider, pk)
    action = request.POST.get("action", "")
    try:
        workflow.transition(
            actor=actor_for(request.user),
            offer=offer,
            action=action,
            who=transitions.PROVIDER,
            reason=request.POST.get("reason", ""),
        )
    except Problem as exc:
        messages.error(request, exc.detail)
        if exc.code == "checks-failed":
            return redirect("register:edit", pk=offer.pk)
    else:
        offer.refresh_from_db()
        messages.success(
            request,
            _("Done. The offer is now: %(state)s.") % {"state": offer.get_state_display()},
        )
    return redirect("register:manage", pk=offer.pk)


@provider_required
@require_POST
def offering_cancel(
    request: HttpRequest, opleider: Opleider, pk: int, offering: int
) -> HttpResponse:
    offer = _own(opleider, pk)
    run = selectors.offering_of(offer, offering)
    if run is None:
        raise Http404
    offers.cancel_offering(actor=actor_for(request.user), offering=run)
    messages.success(request, _("The start moment is cancelled."))
    return redirect("register:manage", pk=offer.pk)


@provider_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, opleider: Opleider) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > importers.MAX_BYTES:
            form.add_error("file", _("The file is too big."))
        elif jobs.too_large_for_a_request(upload.size or 0):
            # A large file is read by `llo run_jobs`; the job's page shows how far it is.
            job = bulk.queue_import(
                actor=actor_for(request.user),
                owner=jobs.owner_of(request.user),
                opleider=opleider,
                data=upload.read(),
                content_type=upload.content_type or "",
                filename=upload.name or "",
                submit=True,
                publish=bool(form.cleaned_data.get("publish")),
                title=_("Importing your offers"),
            )
            return redirect("web:job", pk=job.pk)
        else:
            report = importers.import_file(
                actor=actor_for(request.user),
                opleider=opleider,
                data=upload.read(),
                filename=upload.name or "",
                content_type=upload.content_type or "",
                submit=True,
                publish=bool(form.cleaned_data.get("publish")),
            )
            if report.ok:
                messages.success(
                    request,
                    _("%(n)s offers are imported.") % {"n": report.offers},
                )
    status = 400 if (form.errors or (report is not None and not report.ok)) else 200
    return render(request, "register/import.html", {"form": form, "report": report}, status=status)


@provider_required
def export_file(request: HttpRequest, opleider: Opleider) -> HttpResponseBase:
    return exports.download(opleider, "json")


@provider_required
def export_csv(request: HttpRequest, opleider: Opleider) -> HttpResponseBase:
    """The same offers as CSV in the columns of the CSV import (semicolons, UTF-8 with BOM:
    opens in Dutch Excel, and imports again unchanged)."""
    return exports.download(opleider, "csv")


# --- register staff -------------------------------------------------------------------------


@staff_required
def review_queue(request: HttpRequest) -> HttpResponse:
    queue = selectors.review_queue()
    rows = [(o, _check_rows(o.checks)) for o in queue[:200]]
    return render(
        request,
        "register/review_queue.html",
        {"rows": rows, "waiting": queue.count()},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def review_offer(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        offer = selectors.offer(pk)
    except Problem as exc:
        raise Http404 from exc
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")
        try:
            workflow.transition(
                actor=actor_for(request.user),
                offer=offer,
                action=action,
                who=transitions.STAFF,
                reason=form.cleaned_data.get("reason") or "",
            )
        except Problem as exc:
            if exc.code == "reason-required":
                form.add_error("reason", exc.detail)
            else:
                form.add_error(None, exc.detail)
        else:
            offer.refresh_from_db()
            messages.success(
                request,
                _("Done. The offer is now: %(state)s.") % {"state": offer.get_state_display()},
            )
            return redirect("register:review-queue")
    return render(
        request,
        "register/review_detail.html",
        {
            "offer": offer,
            "form": form,
            "checks": _check_rows(offer.checks),
            "actions": _step_buttons(offer.state, transitions.STAFF),
            "reviews": selectors.review_trail(offer),
            "versions": selectors.price_history(offer),
        },
        status=400 if form.errors else 200,
    )


@staff_required
def staff_providers(request: HttpRequest) -> HttpResponse:
    """All providers with their status and quality marks, for register staff."""
    status = request.GET.get("status", "")
    if status not in ProviderStatus.values:
        status = ""
    counts = selectors.provider_counts()
    number = _page_number(request)
    size = 50
    chunk = list(selectors.providers(status)[(number - 1) * size : number * size + 1])
    on = today()
    query = urlencode({"status": status}) if status else ""
    return render(
        request,
        "register/staff_providers.html",
        {
            "rows": [
                (p, [m for m in p.quality_marks.all() if m.is_valid_on(on)]) for p in chunk[:size]
            ],
            "status": status,
            "statuses": [(s, label, counts[s]) for s, label in ProviderStatus.choices],
            "total": sum(counts.values()),
            "prev_url": f"?{query}&page={number - 1}" if number > 1 else "",
            "next_url": f"?{query}&page={number + 1}" if len(chunk) > size else "",
        },
    )


def _staff_provider_page(
    request: HttpRequest,
    opleider: Opleider,
    status_form: ProviderStatusForm | None = None,
    mark_form: QualityMarkForm | None = None,
) -> HttpResponse:
    counts = selectors.offer_counts(opleider)
    bad = bool((status_form and status_form.errors) or (mark_form and mark_form.errors))
    return render(
        request,
        "register/staff_provider.html",
        {
            "opleider": opleider,
            "marks": selectors.quality_marks(opleider, today()),
            "offers": {
                label: counts[value] for value, label in OfferState.choices if counts[value]
            },
            "status_form": status_form or ProviderStatusForm(prefix="status"),
            "mark_form": mark_form or QualityMarkForm(prefix="mark"),
        },
        status=400 if bad else 200,
    )


@staff_required
def staff_provider(request: HttpRequest, kvk: str) -> HttpResponse:
    return _staff_provider_page(request, _provider(kvk))


@staff_required
@require_POST
def staff_provider_status(request: HttpRequest, kvk: str) -> HttpResponse:
    """Suspend, readmit or remove through the service of ``PUT /providers/{kvk}/status``."""
    opleider = _provider(kvk)
    form = ProviderStatusForm(request.POST, prefix="status")
    if form.is_valid():
        try:
            providers.set_provider_status(
                actor=actor_for(request.user),
                opleider=opleider,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data.get("reason") or "",
            )
        except Problem as exc:
            if exc.code == "reason-required":
                form.add_error("reason", exc.detail)
            else:
                form.add_error(None, exc.detail)
        else:
            messages.success(
                request,
                _("Done. The provider is now: %(status)s.")
                % {"status": opleider.get_status_display()},
            )
            return redirect("register:staff-provider", kvk=kvk)
    opleider.refresh_from_db()
    return _staff_provider_page(request, opleider, status_form=form)


@staff_required
@require_POST
def staff_quality_mark(request: HttpRequest, kvk: str) -> HttpResponse:
    """Record a quality mark through the service of ``POST /providers/{kvk}/quality-marks``."""
    opleider = _provider(kvk)
    form = QualityMarkForm(request.POST, prefix="mark")
    if form.is_valid():
        d = form.cleaned_data
        try:
            providers.add_quality_mark(
                actor=actor_for(request.user),
                opleider=opleider,
                kind=d["kind"],
                valid_from=d["valid_from"],
                valid_until=d.get("valid_until"),
                reference=(d.get("reference") or "").strip(),
            )
        except Problem as exc:
            names = {"validUntil": "valid_until", "validFrom": "valid_from", "kind": "kind"}
            for param in exc.invalid_params:
                form.add_error(names.get(param.name), param.reason)
            if not exc.invalid_params:
                form.add_error(None, exc.detail)
        else:
            messages.success(request, _("The quality mark is recorded."))
            return redirect("register:staff-provider", kvk=kvk)
    return _staff_provider_page(request, opleider, mark_form=form)
