# SPDX-License-Identifier: EUPL-1.2
"""The OpenAPI document: generated from code, committed to the repository, checked for drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

COMMITTED = Path(settings.PROJECT_DIR) / "docs" / "api" / "openapi.json"


class DuplicateSchemaName(ValueError):
    pass


def generate() -> dict[str, Any]:
    from llo.api.api import api
    from llo.api.schemas import duplicate_schema_names

    duplicates = duplicate_schema_names(api)
    if duplicates:
        raise DuplicateSchemaName(
            "two different schemas have one name in the OpenAPI document, so one is "
            "documented as the other (rename one): "
            + "; ".join(f"{name}: {', '.join(where)}" for name, where in duplicates.items())
        )
    schema = api.get_openapi_schema()
    return json.loads(json.dumps(schema, default=str))


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
