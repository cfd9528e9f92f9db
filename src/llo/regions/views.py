# SPDX-License-Identifier: EUPL-1.2
"""Region pages. Public (no login): the map of the 35 regions, a region's gap table, the
statements and offers behind a number, the portfolio, and downloads of the same figures.
For region partners: stating demand. For providers: subscribing to new demand. Every page
works without JavaScript (the tables hold every number the charts draw)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from importlib import resources
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from llo.core import audit, csvio
from llo.core.problems import Problem
from llo.core.roles import Role
from llo.core.timeutil import today
from llo.notifications import selectors as notification_selectors
from llo.notifications import services as notifications
from llo.regions import charts, exports, selectors
from llo.regions.forms import (
    CloseForm,
    DemandForm,
    MapForm,
    ShortageImportForm,
    SubscriptionForm,
)
from llo.regions.models import DemandStatus
from llo.regions.services import demand, shortages, subscriptions
from llo.skills.resolve import Resolver, TermError

DIMENSIONS = {"beroep": "occupation", "vaardigheid": "skill"}
SLUG = {v: k for k, v in DIMENSIONS.items()}


def actor_of(request: HttpRequest) -> audit.Actor:
    return audit.Actor(name=f"user:{request.user.pk}", role=getattr(request.user, "role", ""))


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() and len(value) < 7 else default


def _year(request: HttpRequest, run: Any = None) -> tuple[int, tuple[int, ...]]:
    years = selectors.years() if run is None else selectors.years(run)
    year = _int(request.GET.get("jaar"), years.current)
    if year not in years.available:
        year = years.current
    return year, years.available


# --- public pages ---------------------------------------------------------------------------


def topojson(request: HttpRequest) -> HttpResponse:
    """The packaged map of the 35 regions (CBS/PDOK 2025, data/ATTRIBUTION.md)."""
    data = resources.files("llo.regions").joinpath("data/arbeidsmarktregio_2025.topojson")
    response = HttpResponse(data.read_bytes(), content_type="application/json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _term(text: str) -> tuple[str, str, str, str]:
    """(dimension, code, label, error) of what someone typed above the map."""
    if not text.strip():
        return "all", "", "", ""
    try:
        code = Resolver("occupation").resolve(text)
        return "occupation", code, selectors.label_of("occupation", [code])[code], ""
    except TermError as occupation_error:
        try:
            code = Resolver("skill").resolve(text)
            return "skill", code, selectors.label_of("skill", [code])[code], ""
        except TermError:
            return "all", "", "", occupation_error.reason


def _downloads(name: str, *args: str, query: str = "") -> dict[str, str]:
    q = f"?{query}" if query else ""
    return {fmt: reverse(name, args=[*args, fmt]) + q for fmt in ("csv", "json")}


def overview(request: HttpRequest) -> HttpResponse:
    year, available = _year(request)
    form = MapForm(request.GET or None, years=available)
    text = request.GET.get("beroep", "")[:200]
    measure = request.GET.get("maat", "gap")
    if measure not in ("gap", "demand_people", "seats"):
        measure = "gap"
    dimension, code, label, error = _term(text)
    if error and form.is_bound:
        form.is_valid()
        form.add_error("beroep", error)
    rows = selectors.map_rows(year, dimension, code)
    what = label or _("all occupations together")
    title = _("%(what)s in %(year)s") % {"what": what, "year": year}
    spec = charts.map_spec(
        rows,
        reverse("regions:topojson"),
        measure=measure,
        title=title,
        description=_("Map of the 35 labour-market regions. The table below has the same numbers."),
    )
    query = request.GET.urlencode()
    return render(
        request,
        "regions/overview.html",
        {
            "form": form,
            "year": year,
            "rows": rows,
            "label": label,
            "title": title,
            "dimension": dimension,
            "slug": SLUG.get(dimension, ""),
            "code": code,
            "charts": [{"id": "chart-map", "spec": spec}],
            "downloads": _downloads("regions:map-download", query=query),
        },
    )


def region_page(request: HttpRequest, code: str) -> HttpResponse:
    run = selectors.last_run()  # read once for the years, the summary and the trend
    year, available = _year(request, run)
    summary = selectors.summary(code, year, run)
    if summary is None:
        raise Http404
    dimension = DIMENSIONS.get(request.GET.get("soort", "beroep"), "occupation")
    sort = request.GET.get("volgorde", "gap")
    page = selectors.gap_page(
        summary.region.code,
        year,
        dimension=dimension,
        sort=sort,
        page=_int(request.GET.get("pagina"), 1),
        named=summary.region,
        run=run,
    )
    assert page is not None  # the region exists
    top = [r for r in page.rows if r.demand_people or r.seats][:10] if page.page == 1 else []
    chart = []
    if top:
        chart_title = _("People needed and training places, %(year)s") % {"year": year}
        chart = [
            {
                "id": "chart-bars",
                "title": chart_title,
                "spec": charts.bars_spec(
                    top,
                    title=chart_title,
                    description=_("Bar chart. The table below has the same numbers."),
                ),
            }
        ]
    return render(
        request,
        "regions/region.html",
        {
            "summary": summary,
            "year": year,
            "years": available,
            "page": page,
            "slug": SLUG[dimension],
            "charts": chart,
            "shortages": selectors.shortages(summary.region.code, today()),
            "base_query": f"jaar={year}&soort={SLUG[dimension]}&volgorde={page.sort}",
            "downloads": _downloads(
                "regions:gap-download", summary.region.code, query=f"jaar={year}"
            ),
        },
    )


def cell_page(request: HttpRequest, code: str, slug: str, term: str) -> HttpResponse:
    dimension = DIMENSIONS.get(slug)
    if dimension is None:
        raise Http404
    year, _available = _year(request)
    detail = selectors.cell(code, year, dimension, term, page=_int(request.GET.get("pagina"), 1))
    if detail is None:
        raise Http404
    return render(request, "regions/cell.html", {"detail": detail, "year": year, "slug": slug})


def portfolio_page(request: HttpRequest, code: str) -> HttpResponse:
    year, available = _year(request)
    kind = request.GET.get("opleider", "")
    found = selectors.portfolio(
        code,
        year,
        provider_kind=kind if kind in ("public", "private") else "",
        page=_int(request.GET.get("pagina"), 1),
    )
    if found is None:
        raise Http404
    return render(
        request,
        "regions/portfolio.html",
        {
            "portfolio": found,
            "year": year,
            "years": available,
            "kind": kind,
            "downloads": _downloads(
                "regions:portfolio-download", found.region.code, query=f"jaar={year}"
            ),
        },
    )


def demand_list(request: HttpRequest, code: str) -> HttpResponse:
    named = selectors.region(code)
    if named is None:
        raise Http404
    status = request.GET.get("status", DemandStatus.OPEN)
    if status not in DemandStatus.values:
        status = ""
    return render(
        request,
        "regions/demand_list.html",
        {
            "region": named,
            "statements": selectors.statements(region_code=named.code, status=status),
            "status": status,
            "downloads": _downloads("regions:demand-download", named.code),
        },
    )


def statement_page(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.statement(pk)
    if found is None:
        raise Http404
    own = getattr(request.user, "organisation_id", None) == found.stated_by_id
    return render(
        request,
        "regions/statement.html",
        {"s": found, "own": own and found.status == DemandStatus.OPEN, "close_form": CloseForm()},
    )


# --- downloads (the same fields as the API) -----------------------------------------------


def _download(
    name: str, fmt: str, fields: tuple[str, ...], rows: Iterable[dict[str, Any]]
) -> HttpResponseBase:
    if fmt not in ("csv", "json"):
        raise Http404
    if fmt == "json":
        response: HttpResponseBase = JsonResponse(
            list(rows), safe=False, json_dumps_params={"ensure_ascii": False}
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    return csvio.response(exports.csv_lines(fields, rows), f"{name}.csv")


def gap_download(request: HttpRequest, code: str, fmt: str) -> HttpResponseBase:
    year, _available = _year(request)
    named = selectors.region(code)
    if named is None:
        raise Http404
    rows = (exports.gap_row(named, year, r) for r in selectors.gap_table(named.code, year))
    return _download(f"vraag-en-aanbod-{named.code}-{year}", fmt, exports.GAP_FIELDS, rows)


def map_download(request: HttpRequest, fmt: str) -> HttpResponseBase:
    year, _available = _year(request)
    dimension, code, label, _error = _term(request.GET.get("beroep", "")[:200])
    term = selectors.Named(code, label) if code else None
    rows = (
        exports.map_row(year, dimension, term, r) for r in selectors.map_rows(year, dimension, code)
    )
    return _download(f"regio-kaart-{year}", fmt, exports.MAP_FIELDS, rows)


def demand_download(request: HttpRequest, code: str, fmt: str) -> HttpResponseBase:
    named = selectors.region(code)
    if named is None:
        raise Http404
    rows = (
        exports.statement(s) for s in selectors.statements(region_code=named.code, limit=100_000)
    )
    return _download(f"vraag-{named.code}", fmt, exports.STATEMENT_FIELDS, rows)


def portfolio_download(request: HttpRequest, code: str, fmt: str) -> HttpResponseBase:
    year, _available = _year(request)
    named = selectors.region(code)
    if named is None:
        raise Http404

    def rows() -> Iterable[dict[str, Any]]:
        page, size = 1, 500
        while True:
            found = selectors.portfolio(named.code, year, page=page, page_size=size)
            if found is None:
                return
            for row in found.rows:
                yield exports.portfolio_offer(
                    row, request.build_absolute_uri(f"/opleidingen/{row.offer.id}")
                )
            if page >= found.pages:
                return
            page += 1

    return _download(f"aanbod-{named.code}-{year}", fmt, exports.PORTFOLIO_FIELDS, rows())


# --- region partners: stating demand --------------------------------------------------------


def partner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            organisation = demand.partner_of(request.user)
        except Problem as exc:
            raise PermissionDenied(exc.detail) from exc
        return view(request, organisation, *args, **kwargs)

    return wrapper


@partner_required
def my_demand(request: HttpRequest, organisation: Any) -> HttpResponse:
    return render(
        request,
        "regions/my_demand.html",
        {
            "organisation": organisation,
            "statements": selectors.statements(organisation_id=organisation.pk),
        },
    )


def _form_problem(form: DemandForm | CloseForm | SubscriptionForm, exc: Problem) -> None:
    for param in exc.invalid_params:
        form.add_problem(param.name, param.reason)
    if not exc.invalid_params:
        form.add_error(None, exc.detail)


@partner_required
@require_http_methods(["GET", "POST"])
def demand_edit(request: HttpRequest, organisation: Any, pk: int | None = None) -> HttpResponse:
    current = None
    if pk is not None:
        current = selectors.statement(pk)
        if current is None or current.stated_by_id != organisation.pk:
            raise Http404
        if current.status != DemandStatus.OPEN:
            messages.error(request, _("This statement is closed; record a new one."))
            return redirect("regions:statement", pk=pk)
        initial: dict[str, Any] = {
            "region": current.region.code,
            # A name two occupations share is shown with its code, so it saves unchanged.
            "occupation": selectors.occupation_form_name(current.occupation.code)
            if current.occupation
            else "",
            "skills": "\n".join(s.label for s in current.skills),
            "people": str(current.people),
            "level": current.level,
            "period_start": current.period_start,
            "period_end": current.period_end,
            "urgency": current.urgency,
            "source": current.source,
            "note": current.note,
            "version": current.version,
        }
    else:
        region = organisation.gemeente.region_id if organisation.gemeente_id else ""
        initial = DemandForm.initial_for(region, today())
    form = DemandForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if pk is None:
                saved = demand.record(
                    actor=actor_of(request), organisation=organisation, data=form.to_input()
                )
                messages.success(request, _("Thank you. Your demand is recorded and public."))
            else:
                saved = demand.update(
                    actor=actor_of(request), organisation=organisation, pk=pk, data=form.to_input()
                )
                messages.success(request, _("Your changes are saved."))
        except Problem as exc:
            _form_problem(form, exc)
        else:
            return redirect("regions:statement", pk=saved.pk)
    return render(
        request,
        "regions/demand_form.html",
        {"form": form, "current": current},
        status=400 if request.method == "POST" else 200,
    )


@partner_required
@require_POST
def demand_close(request: HttpRequest, organisation: Any, pk: int) -> HttpResponse:
    # An unknown statement, or another partner's, is 404 whatever the form holds (issue 14:
    # it redirected silently, and the redirect went to a page that said nothing).
    current = selectors.statement(pk)
    if current is None or current.stated_by_id != organisation.pk:
        raise Http404
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            demand.close(
                actor=actor_of(request),
                organisation=organisation,
                pk=pk,
                reason=form.cleaned_data["reason"],
            )
        except Problem as exc:
            if exc.status == 404:
                raise Http404 from exc
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("The statement is closed. It no longer counts as demand."))
    else:
        messages.error(request, _("Choose why you close the statement."))
    return redirect("regions:statement", pk=pk)


# --- providers: subscriptions -----------------------------------------------------------------


def provider_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if getattr(user, "role", None) != Role.OPLEIDER or not getattr(
            user, "organisation_id", None
        ):
            raise PermissionDenied(_("Only training providers can subscribe to new demand."))
        return view(request, user.organisation, *args, **kwargs)  # type: ignore[union-attr]

    return wrapper


@provider_required
@require_http_methods(["GET", "POST"])
def subscriptions_page(request: HttpRequest, organisation: Any) -> HttpResponse:
    recipient = notifications.Recipient(organisation_id=organisation.pk)
    address = notification_selectors.address(recipient)
    form = SubscriptionForm(request.POST or None, initial={"email": address})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            subscriptions.subscribe(
                actor=actor_of(request),
                organisation=organisation,
                occupation=d.get("occupation") or "",
                skill=d.get("skill") or "",
                region=d.get("region") or "",
            )
            if (d.get("email") or "") != address:
                notifications.set_address(
                    actor=actor_of(request), recipient=recipient, email=d.get("email") or ""
                )
        except Problem as exc:
            _form_problem(form, exc)
        else:
            messages.success(request, _("Done. We will tell you about new demand in this field."))
            return redirect("regions:subscriptions")
    return render(
        request,
        "regions/subscriptions.html",
        {
            "form": form,
            "subscriptions": selectors.subscriptions(organisation.pk),
            "address": address,
        },
        status=400 if request.method == "POST" else 200,
    )


@provider_required
@require_POST
def subscription_delete(request: HttpRequest, organisation: Any, pk: int) -> HttpResponse:
    try:
        subscriptions.unsubscribe(actor=actor_of(request), organisation=organisation, pk=pk)
    except Problem as exc:
        raise Http404 from exc
    messages.success(request, _("The subscription is stopped."))
    return redirect("regions:subscriptions")


# --- shortage data ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def shortage_import(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "role", None) not in (Role.UWV, Role.BEHEER):
        raise PermissionDenied(_("Only UWV and register staff can load shortage data."))
    form = ShortageImportForm(request.POST or None, request.FILES or None)
    issues: list[shortages.Issue] = []
    if request.method == "POST" and form.is_valid():
        raw = form.cleaned_data["file"].read()
        try:
            count = shortages.import_csv(actor=actor_of(request), data=raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            form.add_error("file", _("The file is not UTF-8 text. Save it as CSV UTF-8."))
        except shortages.ShortageFileError as exc:
            issues = exc.issues
            form.add_error(
                "file", _("The file has mistakes. Nothing was loaded; see the list below.")
            )
        else:
            messages.success(request, _("%(count)s rows loaded.") % {"count": count})
            return redirect("regions:shortages")
    return render(
        request,
        "regions/shortages.html",
        {"form": form, "issues": issues, "rows": selectors.shortages()},
        status=400 if request.method == "POST" else 200,
    )
