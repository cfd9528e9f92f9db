# SPDX-License-Identifier: EUPL-1.2
"""The training register as OOAPI v6 endpoints under ``/ooapi/v6`` (public, no login).

What OOAPI v6 defines for reading courses, programmes, their offerings and organisations,
with OOAPI's paging (``pageSize`` 10/20/50/100/250, ``pageNumber``; ``hasPreviousPage``,
``hasNextPage``, ``totalPages``, ``items``), the service root with its metadata, and one llo
extension: ``/offerings``, every start moment in one paged list (OOAPI v6 has offerings only
per course or programme; a harvester would otherwise need a request per course).

These endpoints follow OOAPI's own rules (snake_case values, its parameter names), not the
NL API Design Rules of ``/api/v1``; they are described by the OOAPI specification cut down to
what llo implements, served at ``/ooapi/v6/openapi.json`` and named by the service root.

Query parameters are checked against the specification's own schema for each: a value the
specification refuses, a parameter it does not define for the operation, or one llo does not
apply (``filter_query``, a course's ``level``, ...) is a 400 problem naming it, never
silently ignored (a client would take an unfiltered list for a filtered one). ``consumer`` is
accepted (llo has no consumer profiles and answers every consumer alike), and so is
``fields``, a hint the specification lets a server disregard. Errors are
``application/problem+json`` (RFC 9457), as OOAPI v6 prescribes.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from functools import cache, wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from llo.core import textguard
from llo.core.problems import PROBLEM_CONTENT_TYPE, InvalidParam, Problem
from llo.core.timeutil import AMSTERDAM, today
from llo.register.models import Offer, OfferState, OfferType, Opleider
from llo.register.ooapi import pages, spec, v6

BASE = "/ooapi/v6"

#: Query parameters llo accepts, by operation (spec path). ``consumer`` and ``fields`` are
#: accepted and change nothing: llo has no consumer profiles, and ``fields`` is "a request
#: hint", which "the server MAY disregard" (v6, the parameter's description).
LIST = {"pageSize", "pageNumber", "consumer", "fields", "q"}
OFFER_LIST = LIST | {"teachingLanguage", "modeOfDelivery"}
PROGRAMME_LIST = (
    LIST | {"teachingLanguage", "levelOfQualification", "programmeType"} | {"qualificationAwarded"}
)
OFFERING_LIST = LIST | {"teachingLanguage", "state", "since", "until", "modeOfDelivery"}
SUPPORTED: dict[str, set[str]] = {
    "/": set(),
    "/courses": OFFER_LIST | {"primaryCode"},
    "/courses/{courseId}": {"consumer", "fields", "expand", "returnTimelineOverrides"},
    "/courses/{courseId}/course-offerings": OFFERING_LIST,
    "/course-offerings/{courseOfferingId}": {"consumer", "fields", "expand"},
    "/programmes": PROGRAMME_LIST | {"primaryCode"},
    "/programmes/{programmeId}": {"consumer", "fields", "expand", "returnTimelineOverrides"},
    "/programmes/{programmeId}/courses": OFFER_LIST,
    "/programmes/{programmeId}/programme-offerings": OFFERING_LIST,
    "/programme-offerings/{programmeOfferingId}": {"consumer", "fields", "expand"},
    "/organisations": LIST | {"primaryCode", "organisationType"},
    "/organisations/{organisationId}": {"consumer", "fields"},
    "/organisations/{organisationId}/courses": OFFER_LIST,
    "/organisations/{organisationId}/programmes": PROGRAMME_LIST,
    "/organisations/{organisationId}/course-offerings": OFFERING_LIST,
    "/organisations/{organisationId}/programme-offerings": OFFERING_LIST,
}
#: The values of ``expand`` llo fills in, by operation.
EXPANDS: dict[str, tuple[str, ...]] = {
    "/courses/{courseId}": ("programmes", "organisation"),
    "/programmes/{programmeId}": ("organisation",),
    "/course-offerings/{courseOfferingId}": ("course",),
    "/programme-offerings/{programmeOfferingId}": ("programme", "organisation"),
}
#: llo's own list of every offering (not in OOAPI v6: see the module docstring); its query
#: parameters are those of a course's offerings.
OFFERINGS = "/offerings"
SUPPORTED[OFFERINGS] = OFFERING_LIST
PARAMETERS_OF = {OFFERINGS: "/courses/{courseId}/course-offerings"}
INT_PARAMS = {"pageSize", "pageNumber"}
BOOL_PARAMS = {"returnTimelineOverrides"}


# --- answers --------------------------------------------------------------------------------


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def problem_response(request: HttpRequest, problem: Problem) -> JsonResponse:
    # OOAPI's Problem wants ``instance`` as an absolute URI (RFC 3986): the path escaped as
    # Django escapes it for get_full_path(), so an id with ``[``, ``]`` or ``%`` in it still
    # gives a valid URI (build_absolute_uri alone leaves those as they are).
    instance = request.build_absolute_uri(escape_uri_path(request.path))
    response = _json(problem.as_dict(instance=instance), status=problem.status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


def _not_found(what: str) -> Problem:
    return Problem(404, what, code="not-found")


def endpoint(path: str) -> Callable[..., Callable[..., HttpResponse]]:
    """A GET-only OOAPI operation (``path`` as in the specification): its query checked,
    its problems answered as problem+json."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def run(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                response = problem_response(
                    request,
                    Problem(405, _("Only GET is possible here."), code="method-not-allowed"),
                )
                response["Allow"] = "GET, HEAD"
                return response
            try:
                query = Query(request, path)
                return view(request, query, **kwargs)
            except Problem as problem:
                return problem_response(request, problem)

        run.ooapi_path = path  # type: ignore[attr-defined]
        # Read-only: nothing here changes state, so no CSRF check; another method must get
        # OOAPI's 405 problem, not the site's 403 page of a failed CSRF check.
        return csrf_exempt(run)

    return decorate


# --- the query ------------------------------------------------------------------------------


class Query:
    """The query string of one request, checked against the specification."""

    def __init__(self, request: HttpRequest, path: str) -> None:
        self.values: dict[str, Any] = {}
        path = PARAMETERS_OF.get(path, path)
        defined = spec.parameters(path)
        supported = SUPPORTED[path]
        problems = []
        for key in request.GET:
            name = "filter_query" if key.startswith("filter_query[") else key
            values = request.GET.getlist(key)
            if name not in defined:
                problems.append(
                    InvalidParam(
                        key,
                        _("This query parameter does not exist here. Possible: %(names)s.")
                        % {"names": ", ".join(sorted(supported)) or "-"},
                        "unknown-parameter",
                    )
                )
            elif name not in supported:
                problems.append(
                    InvalidParam(
                        key, _("llo does not support this parameter."), "unsupported-parameter"
                    )
                )
            elif len(values) > 1:
                problems.append(InvalidParam(key, _("Give this parameter once."), "repeated"))
            else:
                problem = self._value(path, name, values[0], defined)
                if problem:
                    problems.append(InvalidParam(key, problem, "invalid"))
        if problems:
            raise Problem(
                400,
                _("The query is not right."),
                code="invalid-params",
                invalid_params=problems,
            )

    def _value(self, path: str, name: str, raw: str, defined: dict[str, Any]) -> str:
        value: Any = raw
        if textguard.text_problem(raw):
            # The rule of llo's own API (llo.core.textguard), said in the served document as
            # the pattern of every free-text parameter (spec.operation).
            return _("Remove the invisible or control character from this value.")
        if name in INT_PARAMS:
            if not (raw.isascii() and raw.isdigit()):
                return _("Give a whole number.")
            # Any very long number is out of range; no need to read it (int32).
            value = int(raw) if len(raw) <= 12 else spec.INT32_MAX + 1
        elif name in BOOL_PARAMS:
            if raw not in ("true", "false"):
                return _("Give true or false.")
            value = raw == "true"
        elif name == "expand":
            allowed = EXPANDS.get(path, ())
            value = [v for v in raw.split(",") if v]
            wrong = [v for v in value if v not in allowed]
            if wrong:
                return _("llo can expand only: %(names)s.") % {"names": ", ".join(allowed) or "-"}
        elif name in ("since", "until"):
            day = _day(raw)
            if day is None:
                return _("Give a date like 2027-01-01 or a date-time like 2027-01-01T00:00:00Z.")
            value = day
        if name in defined and name not in ("since", "until", "expand"):
            errors = spec.parameter_errors(path, name, value)
            if errors:
                return _reason(errors[0])
        self.values[name] = value
        return ""

    @property
    def page(self) -> tuple[int, int]:
        """(pageNumber, pageSize); OOAPI's default page size is 10."""
        return int(self.values.get("pageNumber", 1)), int(self.values.get("pageSize", 10))

    @property
    def expand(self) -> list[str]:
        return list(self.values.get("expand", []))

    def filters(self, offerings: bool = False) -> pages.Filters:
        v = self.values
        since = v.get("since")
        if offerings and since is None:
            # OOAPI: "By default only future offerings are shown (equal to ?since=<today>)".
            since = today()
        return pages.Filters(
            primary_code=v.get("primaryCode"),
            q=v.get("q") or None,
            teaching_language=v.get("teachingLanguage"),
            mode_of_delivery=v.get("modeOfDelivery"),
            level_of_qualification=v.get("levelOfQualification"),
            programme_type=v.get("programmeType"),
            qualification_awarded=v.get("qualificationAwarded"),
            organisation_type=v.get("organisationType"),
            state=v.get("state"),
            since=since,
            until=v.get("until"),
        )


def _reason(error: Any) -> str:
    """A B1 reason for a value the specification refuses."""
    if error.validator == "x-ooapi-extensible-enum" or error.validator == "enum":
        values = error.validator_value
        return _("Choose one of: %(values)s.") % {"values": ", ".join(str(v) for v in values)}
    if error.validator in ("minimum", "maximum"):
        return _("Give a number from 1 to %(max)s.") % {"max": spec.INT32_MAX}
    if error.validator in ("pattern", "minLength") and error.instance is not None:
        return _("Give a language code, like nl or nl-NL.")
    return _("This value is not possible here.")


def _day(raw: str) -> dt.date | None:
    """A full-date or an RFC 3339 date-time (taken as its Dutch calendar date)."""
    try:
        if len(raw) == 10:
            return dt.date.fromisoformat(raw)
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(AMSTERDAM).date()


# --- links ----------------------------------------------------------------------------------


def _offer_link(request: HttpRequest) -> Callable[[Offer], str]:
    return lambda o: request.build_absolute_uri(reverse("register:offer", args=[o.pk]))


def _provider_link(request: HttpRequest) -> Callable[[Opleider], str]:
    return lambda p: request.build_absolute_uri(reverse("register:provider", args=[p.kvk]))


def _page(page: pages.Page) -> JsonResponse:
    return _json(page.as_dict())


def _uuid(value: str, what: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise _not_found(what) from None


def _offer(ident: str, kind: str) -> Offer:
    what = _("There is no public programme with this id.")
    if kind != OfferType.PROGRAMME:
        what = _("There is no public course with this id.")
    found = pages.offer(_uuid(ident, what), kind)
    if found is None:
        raise _not_found(what)
    return found


def _provider(ident: str) -> Opleider:
    what = _("There is no admitted organisation with this id.")
    kvk = v6.kvk_of(ident)
    found = pages.provider(kvk) if kvk else None
    if found is None:
        raise _not_found(what)
    return found


def _one(request: HttpRequest, offer: Offer) -> dict[str, Any]:
    (item,) = pages.render_offers([offer], _offer_link(request))
    return item


# --- the service root and the specification ----------------------------------------------------


@cache
def _specification(server: str) -> bytes:
    operations = {path: names for path, names in SUPPORTED.items() if path != OFFERINGS}
    extra = {OFFERINGS: _offerings_path_item()}
    document = spec.subset(operations, EXPANDS, extra, server)
    return json.dumps(document, ensure_ascii=False).encode()


def _offerings_path_item() -> dict[str, Any]:
    # The course's offerings list, without its path parameter (courseId is not a query one).
    item = spec.operation("/courses/{courseId}/course-offerings", SUPPORTED[OFFERINGS])
    item["operationId"] = "listOfferings"
    item["summary"] = "GET /offerings (llo extension)"
    item["description"] = (
        "llo extension, not in OOAPI v6: every course and programme offering of the public "
        "register, ordered chronologically. By default only future offerings (since today)."
    )
    item["parameters"] = [p for p in item["parameters"] if spec.resolve(p).get("in") == "query"]
    item["responses"]["200"]["content"]["application/json"]["schema"]["allOf"][1]["properties"][
        "items"
    ]["items"] = {
        "oneOf": [
            {"$ref": "#/components/schemas/CourseOffering"},
            {"$ref": "#/components/schemas/ProgrammeOffering"},
        ]
    }
    item["x-llo-extension"] = True
    return {"get": item}


@csrf_exempt
def specification(request: HttpRequest) -> HttpResponse:
    """The OOAPI v6 specification cut down to what llo implements, with llo as server."""
    if request.method not in ("GET", "HEAD"):
        response = problem_response(
            request, Problem(405, _("Only GET is possible here."), code="method-not-allowed")
        )
        response["Allow"] = "GET, HEAD"
        return response
    body = _specification(request.build_absolute_uri(BASE))
    return HttpResponse(body, content_type="application/json")


def _reference(path: str) -> str:
    """A path of the specification as the ``uri-reference`` the Service schema asks for: the
    braces of its variables percent-encoded (RFC 3986 allows no braces in a URI)."""
    return quote(path, safe="/")


@endpoint("/")
def service(request: HttpRequest, query: Query) -> HttpResponse:
    operations = sorted({*SUPPORTED, OFFERINGS})
    return _json(
        {
            "contactEmail": getattr(settings, "LLO_CONTACT_EMAIL", "api@llo.example.nl"),
            "specification": request.build_absolute_uri(f"{BASE}/openapi.json"),
            "documentation": request.build_absolute_uri(reverse("register:search")),
            "supportedOperations": [{"verbs": ["GET"], "path": _reference(p)} for p in operations],
            "supportedExpands": [
                {"expandableObjects": list(objects), "path": _reference(path)}
                for path, objects in sorted(EXPANDS.items())
            ],
        }
    )


# --- courses and programmes -----------------------------------------------------------------


@endpoint("/courses")
def courses(request: HttpRequest, query: Query) -> HttpResponse:
    number, size = query.page
    return _page(
        pages.offers_page(OfferType.COURSE, query.filters(), number, size, _offer_link(request))
    )


@endpoint("/programmes")
def programmes(request: HttpRequest, query: Query) -> HttpResponse:
    number, size = query.page
    return _page(
        pages.offers_page(OfferType.PROGRAMME, query.filters(), number, size, _offer_link(request))
    )


def _expanded(request: HttpRequest, offer: Offer, query: Query) -> dict[str, Any]:
    item = _one(request, offer)
    if "organisation" in query.expand:
        item["organisation"] = v6.organisation_object(
            offer.opleider, _provider_link(request)(offer.opleider)
        )
    if "programmes" in query.expand:
        item["programmes"] = (
            [_one(request, offer.part_of)]
            if offer.part_of is not None and offer.part_of.state == OfferState.PUBLISHED
            else []
        )
    if query.values.get("returnTimelineOverrides"):
        item["timelineOverrides"] = []  # llo keeps no timeline of an offer's changes here
    return item


@endpoint("/courses/{courseId}")
def course(request: HttpRequest, query: Query, ident: str) -> HttpResponse:
    return _json(_expanded(request, _offer(ident, OfferType.COURSE), query))


@endpoint("/programmes/{programmeId}")
def programme(request: HttpRequest, query: Query, ident: str) -> HttpResponse:
    return _json(_expanded(request, _offer(ident, OfferType.PROGRAMME), query))


@endpoint("/programmes/{programmeId}/courses")
def programme_courses(request: HttpRequest, query: Query, ident: str) -> HttpResponse:
    parent = _offer(ident, OfferType.PROGRAMME)
    number, size = query.page
    return _page(
        pages.offers_page(
            OfferType.COURSE,
            query.filters(),
            number,
            size,
            _offer_link(request),
            programme=parent,
        )
    )


# --- offerings ------------------------------------------------------------------------------


@endpoint("/courses/{courseId}/course-offerings")
def course_offerings(request: HttpRequest, query: Query, ident: str) -> HttpResponse:
    offer = _offer(ident, OfferType.COURSE)
    number, size = query.page
    return _page(pages.offerings_page(query.filters(offerings=True), number, size, offer=offer))


@endpoint("/programmes/{programmeId}/programme-offerings")
def programme_offerings(request: HttpRequest, query: Query, ident: str) -> HttpResponse:
    offer = _offer(ident, OfferType.PROGRAMME)
    number, size = query.page
    return _page(pages.offerings_page(query.filters(offerings=True), number, size, offer=offer))


@endpoint(OFFERINGS)
def offerings(request: HttpRequest, query: Query) -> HttpResponse:
    number, size = query.page
    return _page(pages.offerings_page(query.filters(offerings=True), number, size))


def _offering(request: HttpRequest, query: Query, ident: str, kind: str) -> HttpResponse:
    what = _("There is no public offering with this id.")
    found = pages.offering(_uuid(ident, what), kind)
    if found is None:
        raise _not_found(what)
    (item,) = pages.render_offerings([found])
    if "course" in query.expand or "programme" in query.expand:
        item["programme" if kind == OfferType.PROGRAMME else "course"] = _one(request, found.offer)
    if "organisation" in query.expand:
        item["organisation"] = v6.organisation_object(
            found.offer.opleider, _provider_link(request)(found.offer.opleider)
        )
    return _json(item)


@endpoint("/course-offerings/{courseOfferingId}")
def course_offering(request: HttpRequest, query: Query, ident: str) -> HttpResponse:
    return _offering(request, query, ident, OfferType.COURSE)


@endpoint("/programme-offerings/{programmeOfferingId}")
def programme_offering(request: HttpRequest, query: Query, ident: str) -> HttpResponse:
    return _offering(request, query, ident, OfferType.PROGRAMME)


# --- organisations --------------------------------------------------------------------------


@endpoint("/organisations")
def organisations(request: HttpRequest, query: Query) -> HttpResponse:
    number, size = query.page
    return _page(pages.organisations_page(query.filters(), number, size, _provider_link(request)))


@endpoint("/organisations/{organisationId}")
def organisation(request: HttpRequest, query: Query, ident: str) -> HttpResponse:
    provider = _provider(ident)
    return _json(v6.organisation_object(provider, _provider_link(request)(provider)))


@endpoint("/organisations/{organisationId}/courses")
def organisation_courses(request: HttpRequest, query: Query, ident: str) -> HttpResponse:
    provider = _provider(ident)
    number, size = query.page
    return _page(
        pages.offers_page(
            OfferType.COURSE,
            query.filters(),
            number,
            size,
            _offer_link(request),
            kvk=provider.kvk,
        )
    )


@endpoint("/organisations/{organisationId}/programmes")
def organisation_programmes(request: HttpRequest, query: Query, ident: str) -> HttpResponse:
    provider = _provider(ident)
    number, size = query.page
    return _page(
        pages.offers_page(
            OfferType.PROGRAMME,
            query.filters(),
            number,
            size,
            _offer_link(request),
            kvk=provider.kvk,
        )
    )


@endpoint("/organisations/{organisationId}/course-offerings")
def organisation_course_offerings(request: HttpRequest, query: Query, ident: str) -> HttpResponse:
    provider = _provider(ident)
    number, size = query.page
    return _page(
        pages.offerings_page(
            query.filters(offerings=True), number, size, kind=OfferType.COURSE, kvk=provider.kvk
        )
    )


@endpoint("/organisations/{organisationId}/programme-offerings")
def organisation_programme_offerings(
    request: HttpRequest, query: Query, ident: str
) -> HttpResponse:
    provider = _provider(ident)
    number, size = query.page
    return _page(
        pages.offerings_page(
            query.filters(offerings=True),
            number,
            size,
            kind=OfferType.PROGRAMME,
            kvk=provider.kvk,
        )
    )


@csrf_exempt
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under /ooapi: a problem, not the site's HTML page."""
    return problem_response(request, _not_found(_("OOAPI has no endpoint at this address.")))
