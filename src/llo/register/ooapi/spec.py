# SPDX-License-Identifier: EUPL-1.2
"""The OOAPI v6 specification (vendored, ``ooapi-v6-bundled.json``) as a JSON-Schema
validator, and the part of it llo implements.

OpenAPI 3.1 schemas are JSON Schema 2020-12, so a response is checked with ``jsonschema``
against the schema the specification gives for that operation and status, with formats
checked (``date-time`` needs an offset, RFC 3339 section 5.6; ``uuid``; ``uri``) and one
OOAPI rule JSON Schema cannot say: a value of an *extensible enumeration*
(``x-ooapi-extensible-enum``) is one of the listed values or starts with ``x-`` ("This is an
extensible enumeration. Use the prefix `x-` for custom values", the specification's
description of each such enumeration).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from llo.core import textguard

SPEC_FILE = Path(__file__).with_name("ooapi-v6-bundled.json")
#: The base URI under which the vendored document is known to the validator (no network).
SPEC_URI = "urn:llo:ooapi-v6"

#: The formats a check of OOAPI needs; ``jsonschema`` checks ``date-time`` and ``uri`` only
#: when rfc3339-validator and rfc3986-validator are installed (test dependencies), and skips
#: them silently otherwise: :func:`missing_formats` lets a test refuse that.
NEEDED_FORMATS = ("date-time", "date", "uuid", "uri", "uri-reference", "email")


@cache
def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    return data


@cache
def _registry() -> Registry:
    return Registry().with_resource(
        SPEC_URI, Resource.from_contents(document(), default_specification=DRAFT202012)
    )


def _extensible_enum(
    validator: Any, allowed: list[str], instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if isinstance(instance, str) and instance not in allowed and not instance.startswith("x-"):
        yield ValidationError(
            f"{instance!r} is not one of {allowed} and does not start with 'x-' "
            "(OOAPI extensible enumeration)"
        )


OoapiValidator = jsonschema.validators.extend(
    Draft202012Validator, {"x-ooapi-extensible-enum": _extensible_enum}
)


def missing_formats() -> list[str]:
    checker = Draft202012Validator.FORMAT_CHECKER
    return [f for f in NEEDED_FORMATS if f not in checker.checkers]


def _escape(path: str) -> str:
    return path.replace("~", "~0").replace("/", "~1")


def response_pointer(path: str, method: str = "get") -> str:
    """The JSON pointer of the schema of the 200 answer of an operation. (Every error
    answer of OOAPI v6 is a ``Problem``: ``schema_pointer("Problem")``.)"""
    return f"/paths/{_escape(path)}/{method}/responses/200/content/application~1json/schema"


def schema_pointer(name: str) -> str:
    return f"/components/schemas/{name}"


@cache
def validator(pointer: str) -> Any:
    """A validator for the schema at ``pointer`` in the specification."""
    return OoapiValidator(
        {"$ref": f"{SPEC_URI}#{pointer}"},
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def errors(instance: Any, pointer: str) -> list[str]:
    """Every way ``instance`` breaks the schema at ``pointer``: ``where: what`` lines (empty
    when it is valid). ``oneOf``/``allOf`` errors name their deepest cause."""
    found = []
    for error in validator(pointer).iter_errors(instance):
        deepest = jsonschema.exceptions.best_match([error])
        where = "/".join(str(p) for p in deepest.absolute_path) or "(root)"
        found.append(f"{where}: {deepest.message}")
    return sorted(found)


# --- the operations llo implements -----------------------------------------------------------


def resolve(node: Any) -> Any:
    """A ``#/components/...`` reference replaced by what it points at (one level)."""
    if isinstance(node, dict) and set(node) == {"$ref"} and node["$ref"].startswith("#/"):
        target: Any = document()
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return target
    return node


def parameters(path: str, method: str = "get") -> dict[str, dict[str, Any]]:
    """The query parameters the specification defines for an operation, by name; each with
    ``x-pointer``, where its schema is in the specification."""
    operation = document()["paths"][path][method]
    found = {}
    for index, param in enumerate(operation.get("parameters", [])):
        if "$ref" in param:
            pointer = param["$ref"][1:] + "/schema"
        else:
            pointer = f"/paths/{_escape(path)}/{method}/parameters/{index}/schema"
        param = resolve(param)
        if param.get("in") == "query":
            found[param["name"]] = {**param, "x-pointer": pointer}
    return found


INT32_MAX = 2**31 - 1


def parameter_errors(path: str, name: str, value: Any) -> list[ValidationError]:
    """How a (typed) query value breaks the schema the specification gives the parameter
    (``format: int32`` included, which JSON Schema leaves to the implementation)."""
    pointer = parameters(path)[name]["x-pointer"]
    found = list(validator(pointer).iter_errors(value))
    if isinstance(value, int) and value > INT32_MAX:
        found.append(ValidationError(f"{value} is more than {INT32_MAX}", validator="maximum"))
    return found


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter's schema with its extensible enumeration said in JSON Schema: one of the
    values, or a value that starts with ``x-`` (what llo checks, so what it documents)."""
    target = resolve(schema)
    values = target.get("x-ooapi-extensible-enum")
    if not values:
        return schema
    return {
        "type": "string",
        # "x-" and then text llo accepts (llo.core.textguard: no control characters).
        "anyOf": [{"enum": list(values)}, {"pattern": "^x-" + textguard.TEXT_PATTERN[1:]}],
        "description": target.get("description", ""),
    }


def _free_text(schema: dict[str, Any]) -> bool:
    target = resolve(schema)
    return target.get("type") == "string" and not {"pattern", "enum", "format"} & target.keys()


def operation(path: str, allowed: set[str], expands: tuple[str, ...] = ()) -> dict[str, Any]:
    """The specification's GET operation at ``path`` with only the query parameters llo
    applies (``allowed``; path parameters stay), ``expand`` limited to ``expands`` and every
    extensible enumeration said in JSON Schema: what a client (or schemathesis) may send and
    llo accepts, no more."""
    found = copy.deepcopy(document()["paths"][path]["get"])
    kept = []
    for param in found.get("parameters", []):
        resolved = resolve(param)
        if resolved.get("in") == "query" and resolved["name"] not in allowed:
            continue
        if resolved.get("name") == "expand":
            param = copy.deepcopy(resolved)
            param["schema"]["items"]["enum"] = list(expands)
        elif resolved.get("in") == "query" and "schema" in resolved:
            strict = _strict(resolved["schema"])
            if strict is not resolved["schema"]:
                param = {**copy.deepcopy(resolved), "schema": strict}
            elif _free_text(strict):
                # llo refuses control, invisible and direction characters in any text
                # (llo.core.textguard, issue 14 finding 8); the document says so.
                schema = {**copy.deepcopy(resolve(strict)), "pattern": textguard.TEXT_PATTERN}
                param = {**copy.deepcopy(resolved), "schema": schema}
        kept.append(param)
    found["parameters"] = kept
    return found


def subset(
    operations: dict[str, set[str]],
    expands: dict[str, tuple[str, ...]],
    extra: dict[str, Any],
    server: str,
) -> dict[str, Any]:
    """The specification cut down to what llo implements: the GET operations in
    ``operations`` (path → the query parameters llo applies; see :func:`operation`),
    ``expand`` limited to ``expands``, llo's extensions (``extra``: path → path item) and its
    server. This is the document the service root names as its ``specification``, so it must
    not promise a parameter or a value llo refuses. Components stay whole: an unused schema
    does no harm."""
    full = document()
    doc = {k: copy.deepcopy(v) for k, v in full.items() if k not in ("paths", "servers")}
    doc["servers"] = [{"url": server, "description": "llo: the training register (OOAPI v6)"}]
    doc["paths"] = {
        path: {"get": operation(path, allowed, expands.get(path, ()))}
        for path, allowed in operations.items()
    }
    doc["paths"].update(copy.deepcopy(extra))
    doc.pop("x-tagGroups", None)
    return doc
