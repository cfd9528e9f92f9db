# SPDX-License-Identifier: EUPL-1.2
"""The committed OpenAPI document passes Logius' NL API Design Rules linter (ADR 2.0) with
zero errors (issue 14, finding 8). The ruleset is vendored in tests/api/adr/."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from llo.api.openapi import COMMITTED

ROOT = Path(__file__).resolve().parents[2]
SPECTRAL = ROOT / "tools" / "node_modules" / ".bin" / "spectral"
RULESET = Path(__file__).parent / "adr" / "adr-linter.yaml"
ERROR = 0  # Spectral's severity: 0 error, 1 warn, 2 info, 3 hint


def lint(document: Path) -> list[dict[str, object]]:
    assert SPECTRAL.exists(), "run `make install-test`: it installs spectral from tools/"
    result = subprocess.run(
        [str(SPECTRAL), "lint", "-r", str(RULESET), "-f", "json", "-q", str(document)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Exit status 1 means "found errors"; anything else is spectral failing.
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout or "[]")  # type: ignore[no-any-return]


def test_openapi_document_has_no_api_design_rule_errors() -> None:
    errors = [r for r in lint(COMMITTED) if r["severity"] == ERROR]
    assert errors == [], "\n".join(
        f"{r['code']} at {'/'.join(map(str, r['path']))}: {r['message']}"  # type: ignore[call-overload]
        for r in errors
    )


def test_the_linter_finds_what_it_should(tmp_path: Path) -> None:
    """The check is real: a document with the faults of issue 14 fails it."""
    document = json.loads(COMMITTED.read_text())
    document["info"]["version"] = "1"
    del document["servers"]
    bad = tmp_path / "openapi.json"
    bad.write_text(json.dumps(document))
    codes = {r["code"] for r in lint(bad) if r["severity"] == ERROR}
    assert {"nlgov:semver", "oas3-api-servers"} <= codes
