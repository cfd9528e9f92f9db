# SPDX-License-Identifier: EUPL-1.2
"""The committed OpenAPI document pins the public API surface (httpx-style)."""

from __future__ import annotations

import json

from llo.api.openapi import COMMITTED, generate, render


def test_committed_openapi_matches_the_code() -> None:
    assert COMMITTED.exists(), "run `llo openapi --write` and commit docs/api/openapi.json"
    committed = COMMITTED.read_text(encoding="utf-8")
    generated = render(generate())
    assert committed == generated, (
        "the API changed but docs/api/openapi.json did not: review the change, then run "
        "`llo openapi --write` and commit it"
    )


def test_paths_follow_the_nl_api_design_rules() -> None:
    schema = json.loads(render(generate()))
    # The major version is in the server URL; the paths are relative to it.
    assert schema["servers"] == [
        {"url": "/api/v1", "description": "this llo (relative to the document's host)"}
    ]
    for path in schema["paths"]:
        assert path.startswith("/")
        assert not path.startswith("/api/")
        assert not path.endswith("/"), f"{path}: no trailing slash"
        for part in path.split("/"):
            if part and not part.startswith("{"):
                assert part == part.lower(), f"{path}: kebab-case, lower case"
                assert "_" not in part, f"{path}: kebab-case, not snake_case"
