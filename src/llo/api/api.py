# SPDX-License-Identifier: EUPL-1.2
"""The llo API at /api/v1 (django-ninja). Routers of the apps are added here."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.errors import AuthorizationError as NinjaAuthorizationError

import llo
from llo.api.problems import problem_response, pydantic_location
from llo.core.problems import InvalidParam, Problem

log = logging.getLogger(__name__)

api = NinjaAPI(
    title="llo API",
    version="1",
    description=(
        "The open API of llo, the platform of the Dutch lifelong-learning system. "
        "Errors are application/problem+json (RFC 9457) with invalidParams; every response "
        "carries an API-Version header (NL API Design Rules)."
    ),
    urls_namespace="api-v1",
    openapi_extra={
        "info": {
            "contact": {"name": "llo", "url": "https://llo.example.nl"},
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        }
    },
)


@api.exception_handler(Problem)
def on_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(request, exc)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    params = []
    for error in exc.errors:
        loc = error.get("loc", ())
        if error.get("type") == "json_invalid" or "json" in str(error.get("msg", "")).lower():
            code = "json"
        else:
            code = str(error.get("type", "invalid"))
        params.append(
            InvalidParam(
                name=pydantic_location(loc), code=code, reason=str(error.get("msg", "invalid"))
            )
        )
    return problem_response(
        request,
        Problem(
            400, "The request has invalid parameters.", code="invalid-params", invalid_params=params
        ),
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(request, Problem(401, "Log in first.", code="unauthenticated"))


@api.exception_handler(NinjaAuthorizationError)
def on_forbidden(request: HttpRequest, exc: NinjaAuthorizationError) -> HttpResponse:
    return problem_response(request, Problem(403, "You may not do this.", code="forbidden"))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, Problem(404, str(exc) or "Not found.", code="not-found"))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(request, Problem(exc.status_code, str(exc)))


@api.exception_handler(Exception)
def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Log the details for operators; the user gets no stack trace and no settings.
    log.exception("unhandled error in %s %s", request.method, request.path)
    return problem_response(
        request, Problem(500, "Something went wrong on our side. Try again later.")
    )


class Health(Schema):
    status: str
    version: str
    apiVersion: str
    database: str


@api.get("/health", response=Health, tags=["health"], summary="Is llo up?")
def health(request: HttpRequest) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {
        "status": "ok",
        "version": llo.__version__,
        "apiVersion": settings.LLO_API_VERSION,
        "database": connection.vendor,
    }
