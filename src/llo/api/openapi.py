# SPDX-License-Identifier: EUPL-1.2
"""The OpenAPI document: generated from code, committed to the repository, checked for drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings

COMMITTED = Path(settings.PROJECT_DIR) / "docs" / "api" / "openapi.json"


def generate() -> dict[str, Any]:
    from llo.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return json.loads(json.dumps(schema, default=str))


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
