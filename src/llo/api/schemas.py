# SPDX-License-Identifier: EUPL-1.2
"""Every schema in the OpenAPI document has a name of its own (issue 14, finding 8).

ninja puts the schemas of all operations in one ``components.schemas`` dict keyed by class
name, so two classes with one name silently become one: ``POST /offers`` was documented with
the funding plan's ``OfferIn``. :func:`duplicate_schema_names` finds every name used by two
different classes; the API refuses to make its document while there is one (and so
``llo openapi --check`` and the committed-document test fail).
"""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel


def _models_in(annotation: Any, seen: set[int]) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if id(annotation) in seen:
            return
        seen.add(id(annotation))
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models_in(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg, seen)


def _operations(api: Any) -> Iterator[tuple[str, Any]]:
    from ninja import Router

    def walk(router: Router, prefix: str) -> Iterator[tuple[str, Any]]:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield f"{prefix}{path}", operation
        for child_prefix, child, *_tags in getattr(router, "_routers", []):
            yield from walk(child, prefix + child_prefix)

    yield from walk(api.default_router, "")
    for prefix, router in getattr(api, "_routers", []):
        if router is not api.default_router:
            yield from walk(router, prefix)


def duplicate_schema_names(api: Any) -> dict[str, list[str]]:
    """Schema name → the classes (module.qualname) that share it, for every shared name."""
    by_name: dict[str, dict[str, type[BaseModel]]] = defaultdict(dict)
    seen: set[int] = set()
    for _path, operation in _operations(api):
        roots: list[Any] = list(getattr(operation, "models", []))
        roots += [m for m in getattr(operation, "response_models", {}).values() if m]
        for root in roots:
            for model in _models_in(root, seen):
                if model.__module__.startswith("ninja."):
                    continue  # ninja's own wrappers (params, response) never reach the document
                if getattr(model, "__ninja_param_source__", None) or model.__module__ == "abc":
                    continue  # the models ninja makes per operation (their fields count)
                by_name[model.__name__][f"{model.__module__}.{model.__qualname__}"] = model
    return {name: sorted(classes) for name, classes in by_name.items() if len(classes) > 1}
