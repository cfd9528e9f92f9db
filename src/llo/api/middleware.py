# SPDX-License-Identifier: EUPL-1.2
"""Every response under /api/ carries ``API-Version`` and every error there is problem+json,
including the ones Django answers before our API code runs (unknown path, wrong method)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from llo.api.problems import problem_response
from llo.core.problems import PROBLEM_CONTENT_TYPE, Problem, problem_for

API_PREFIX = "/api/"

_DETAIL = {
    400: _("The request could not be read."),
    401: _("Log in first."),
    403: _("You may not do this."),
    404: _("There is nothing at this address."),
    405: _("This method is not allowed at this address."),
    413: _("The request is larger than llo reads at this address."),
    415: _("The body is not of a media type this address reads."),
    429: _("Too many requests. Wait, then try again."),
    500: _("Something went wrong on our side. Try again later."),
}


class ApiProblemMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            PROBLEM_CONTENT_TYPE
        ):
            status = response.status_code
            allow = response.get("Allow")
            response = problem_response(
                request, Problem(status, str(_DETAIL.get(status, _("The request failed."))))
            )
            if allow:
                response["Allow"] = allow
        response["API-Version"] = settings.LLO_API_VERSION
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith(API_PREFIX):
            if isinstance(exception, Http404 | PermissionDenied | SuspiciousOperation):
                return None  # Django answers 404/403/400; __call__ makes it a problem
            known = problem_for(exception)
            if known is not None:
                return problem_response(request, known)
            return problem_response(request, Problem(500, str(_DETAIL[500])))
        return None
