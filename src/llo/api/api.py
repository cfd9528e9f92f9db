# SPDX-License-Identifier: EUPL-1.2
"""The llo API at /api/v1 (django-ninja). Routers of the apps are added here."""

from __future__ import annotations

import json
import logging
import typing
from typing import Any

import annotated_types
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import django_auth
from pydantic import BaseModel

import llo
from llo.api.auth import session_auth
from llo.api.problems import known_error_problem, problem_response, pydantic_location
from llo.core import textguard
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
    "404": (
        "Not found: the address, or a thing the body refers to by its number "
        "(for example previewId or offeringId)."
    ),
    "409": "Conflict with the current state (for example: it exists already).",
    "413": "The body is larger than llo reads at this address.",
    "415": "The body is not of a media type this operation reads (application/json).",
    "422": "Understood, but a rule refuses it.",
    "429": "Too many requests: wait the seconds of the Retry-After header.",
    "500": "Error on our side.",
}

#: The server every path is relative to (NL API Design Rules: the major version in the URI).
SERVER_URL = "/api/v1"


#: Bodies that are documents to judge, not input to keep: the credential verifier answers
#: "invalid" with the reason for any JSON (issue 16, "Bad input"), with its own limits
#: (llo.credentials.limits), so only a generous depth is guarded here.
DOCUMENT_BODIES = frozenset({"/api/v1/credentials/verify"})
DOCUMENT_MAX_DEPTH = 1000


class LloParser(Parser):
    """JSON bodies as llo reads them (llo.core.textguard): only ``application/json`` in UTF-8
    (JSON sent as text/plain or UTF-16 was accepted, issue 14 finding 8), depth and numbers
    bounded, text without NUL, direction overrides or invisible characters."""

    def parse_body(self, request: HttpRequest) -> Any:
        media = (request.content_type or "").lower()
        charset = (request.content_params or {}).get("charset", "utf-8").lower()
        if not (media == "application/json" or media.endswith("+json")) or charset not in {
            "utf-8",
            "utf8",
        }:
            raise Problem(
                415,
                "Send the body as JSON in UTF-8, with the header Content-Type: application/json.",
                code="unsupported-media-type",
                invalid_params=[
                    InvalidParam(
                        "Content-Type", f"{media or 'none'} is not application/json", "media-type"
                    )
                ],
            )
        try:
            if request.path in DOCUMENT_BODIES:
                return textguard.loads(request.body, max_depth=DOCUMENT_MAX_DEPTH, check_text=False)
            return textguard.loads(request.body)
        except textguard.JsonProblem as problem:
            raise invalid(
                "The request has invalid parameters.",
                [InvalidParam(problem.where, problem.reason, problem.code)],
            ) from None


class LloNinjaAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document states the problem+json errors and the API-Version
    header of every operation, so clients (and schemathesis) know the whole contract."""

    def add_router(self, prefix: str, router: Router | str, **kwargs: Any) -> None:
        if isinstance(router, str):
            from django.utils.module_loading import import_string

            router = import_string(router)
        assert isinstance(router, Router)
        _use_llo_session_auth(router)
        _bound_integer_parameters(router)
        super().add_router(prefix, router, **kwargs)

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        # Paths are relative to the server /api/v1 (NL API Design Rules: the major version
        # is in the server URL; servers must be given).
        kwargs["path_prefix"] = ""
        schema = super().get_openapi_schema(*args, **kwargs)
        _flatten_nullable(schema)
        _document_input_rules(schema)
        schema["servers"] = [
            {"url": SERVER_URL, "description": "this llo (relative to the document's host)"}
        ]
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
                if "{" in path or "requestBody" in operation:
                    # A number in the path, or in the body (previewId, offeringId), may
                    # name nothing.
                    codes.add("404")
                if method in {"post", "put", "patch"}:
                    codes |= {"409", "413", "415", "422", "429"}
                responses = operation.setdefault("responses", {})
                for code in sorted(codes):
                    responses.setdefault(
                        code, {"description": _PROBLEM_TEXT[code], "content": problem}
                    )
                for response in responses.values():
                    response.setdefault("headers", {}).update(version_header)
        return schema


def _flatten_nullable(node: Any) -> None:
    """``anyOf: [{type: string, format: date}, {type: null}]`` (pydantic's optional field)
    becomes ``type: [string, null], format: date``: the same in OpenAPI 3.1, and the format is
    where readers (and the NL API Design Rules linter: "any date field must set format")
    look for it."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        options = item.get("anyOf")
        if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
            other = next(o for o in options if o != {"type": "null"})
            if isinstance(other, dict) and isinstance(other.get("type"), str):
                del item["anyOf"]
                for key, value in other.items():
                    item.setdefault(key, value)
                item["type"] = [other["type"], "null"]
        stack.extend(item.values())


def _document_input_rules(document: dict[str, Any]) -> None:
    """State in the schemas of every input (parameters, request bodies) what llo refuses of
    all input (llo.core.textguard and the request guard): text without control, direction or
    invisible characters, dates in 1900-2199, whole numbers within 64 bits. The schema says
    what is accepted, so a client (and schemathesis) knows it before trying."""
    components = document.get("components", {}).get("schemas", {})
    stack: list[Any] = []
    for item in document.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                stack.append(parameter.get("schema"))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                stack.append(media.get("schema"))
    seen: set[str] = set()
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                stack.append(components.get(name))
        kinds = node.get("type")
        kinds = set(kinds) if isinstance(kinds, list) else {kinds}
        if "string" in kinds and not {"pattern", "enum", "const"} & node.keys():
            if node.get("format") in {"date", "date-time"}:
                node["pattern"] = textguard.DATE_PATTERN
            elif node.get("format") not in {"binary", "byte"}:
                node["pattern"] = textguard.TEXT_PATTERN
        if "integer" in kinds:
            node.setdefault("minimum", textguard.INT64_MIN)
            node.setdefault("maximum", textguard.INT64_MAX)
        for key in ("properties", "patternProperties", "$defs"):
            if isinstance(node.get(key), dict):
                stack.extend(node[key].values())
        for key in ("items", "additionalProperties", "anyOf", "oneOf", "allOf", "not"):
            if key in node:
                stack.append(node[key])


def _bound_integers(model: type[BaseModel]) -> bool:
    """Give every ``int`` field of ``model`` without a bound the 64-bit range; True if one
    changed. ``offset=99999999999999999999`` passed pydantic and overflowed the database."""
    changed = False
    for field in model.model_fields.values():
        annotation = field.annotation
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        if annotation is int or inner == [int]:
            kinds = {type(m) for m in field.metadata}
            if not kinds & {annotated_types.Le, annotated_types.Lt}:
                field.metadata.append(annotated_types.Le(textguard.INT64_MAX))
                changed = True
            if not kinds & {annotated_types.Ge, annotated_types.Gt}:
                field.metadata.append(annotated_types.Ge(textguard.INT64_MIN))
                changed = True
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            changed |= _bound_integers(annotation)
    if changed:
        model.model_rebuild(force=True)
    return changed


def _bound_integer_parameters(router: Router) -> None:
    for view in router.path_operations.values():
        for operation in view.operations:
            for model in operation.models:
                if getattr(model, "__ninja_param_source__", "") in {"query", "path", "header"}:
                    _bound_integers(model)
    for _prefix, child, *_tags in getattr(router, "_routers", []):
        _bound_integer_parameters(child)


def _use_llo_session_auth(router: Router) -> None:
    """Put :data:`llo.api.auth.session_auth` where an operation has ninja's ``django_auth``
    (401 before the CSRF check; see llo.api.auth)."""
    for view in router.path_operations.values():
        for operation in view.operations:
            callbacks = operation.auth_callbacks
            if any(callback is django_auth for callback in callbacks):
                operation.auth_callbacks = [
                    session_auth if callback is django_auth else callback for callback in callbacks
                ]
                if operation.auth_param is django_auth:
                    operation.auth_param = session_auth
    for _prefix, child, *_tags in getattr(router, "_routers", []):
        _use_llo_session_auth(child)


api = LloNinjaAPI(
    title="llo API",
    version=settings.LLO_API_VERSION,
    parser=LloParser(),
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
            "contact": {
                "name": "llo",
                "url": "https://llo.example.nl",
                "email": "api@llo.example.nl",
            },
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
    known = known_error_problem(exc)
    if known is not None:
        # Bad input that reached a layer below the checks (a database range, a parser):
        # a 4xx that says what, never a 500 (issue 14, finding 7).
        log.warning("refused %s %s: %s", request.method, request.path, exc.__class__.__name__)
        return problem_response(request, known)
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
api.add_router("", "llo.skills.api.router")
api.add_router("", "llo.register.api.router")
api.add_router("", "llo.accounts.api.router")
api.add_router("", "llo.enrolment.api.router")
api.add_router("", "llo.credentials.api.router")
api.add_router("", "llo.monitoring.api.router")
api.add_router("", "llo.api.jobs.router")


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
