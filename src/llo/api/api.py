# SPDX-License-Identifier: EUPL-1.2
"""The llo API at /api/v1 (django-ninja). Routers of the apps are added here."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

import llo
from llo.api.problems import problem_response, pydantic_location
from llo.core.problems import InvalidParam, Problem, invalid

log = logging.getLogger(__name__)

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details, with invalidParams (NL API Design Rules).",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "reason"],
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}

_PROBLEM_TEXT = {
    "400": "Bad request: the body or a parameter is not valid (invalidParams says which).",
    "401": "Not logged in.",
    "403": "Logged in, but this role may not do this.",
    "404": "Not found.",
    "409": "Conflict with the current state (for example: it exists already).",
    "422": "Understood, but a rule refuses it.",
    "500": "Error on our side.",
}


class LloNinjaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document states the problem+json errors and the API-Version
    header of every operation, so clients (and schemathesis) know the whole contract."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"].setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        schema["components"].setdefault("headers", {})["API-Version"] = {
            "description": "The version of the API that answered (semver).",
            "schema": {"type": "string", "example": settings.LLO_API_VERSION},
        }
        problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        version_header = {"API-Version": {"$ref": "#/components/headers/API-Version"}}
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                codes = {"400", "500"}
                if operation.get("security"):
                    codes |= {"401", "403"}
                if "{" in path:
                    codes.add("404")
                if method in {"post", "put", "patch"}:
                    codes |= {"409", "422"}
                responses = operation.setdefault("responses", {})
                for code in sorted(codes):
                    responses.setdefault(
                        code, {"description": _PROBLEM_TEXT[code], "content": problem}
                    )
                for response in responses.values():
                    response.setdefault("headers", {}).update(version_header)
        return schema


api = LloNinjaAPI(
    title="llo API",
    version="1",
    description=(
        "The open API of llo, the platform of the Dutch lifelong-learning system. "
        "Errors are application/problem+json (RFC 9457) with invalidParams; every response "
        "carries an API-Version header (NL API Design Rules)."
    ),
    urls_namespace="api-v1",
    # Swagger UI would load from a CDN, which the CSP and the offline rule forbid; the
    # document itself is at /api/v1/openapi.json and committed as docs/api/openapi.json.
    docs_url=None,
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
    params = [
        InvalidParam(
            name=pydantic_location(error.get("loc", ())),
            code=str(error.get("type", "invalid")),
            reason=str(error.get("msg", "invalid")).removeprefix("Value error, "),
        )
        for error in exc.errors
    ]
    return problem_response(
        request,
        Problem(
            400, "The request has invalid parameters.", code="invalid-params", invalid_params=params
        ),
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if isinstance(cause, json.JSONDecodeError | UnicodeDecodeError):
        reason = (
            f"{cause.msg} (line {cause.lineno}, column {cause.colno})"
            if isinstance(cause, json.JSONDecodeError)
            else "the body is not UTF-8 text"
        )
        return problem_response(
            request,
            invalid("The request body is not valid JSON.", [InvalidParam("body", reason, "json")]),
        )
    if isinstance(cause, Problem):
        return problem_response(request, cause)
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


api.add_router("", "llo.regions.api.router")
api.add_router("", "llo.people.api.router")
api.add_router("", "llo.register.api.router")
api.add_router("", "llo.accounts.api.router")
api.add_router("", "llo.enrolment.api.router")
api.add_router("", "llo.credentials.api.router")


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
