# SPDX-License-Identifier: EUPL-1.2
from django.http import HttpRequest, HttpResponse

from llo.api.problems import problem_response
from llo.core.problems import Problem


def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return problem_response(
        request, Problem(404, "There is nothing at this address.", code="not-found")
    )
