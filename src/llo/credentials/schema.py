# SPDX-License-Identifier: EUPL-1.2
"""The Open Badges 3.0 AchievementCredential JSON schema (``standards/``, see SOURCES.md).

The schema models ``proof`` as an array; VC Data Model 2.0 allows one proof object too, so a
single proof is wrapped in a list before the check (the credential itself is not changed).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft201909Validator

from llo.credentials.contexts import standard_file
from llo.credentials.errors import CredentialError

SCHEMA_FILE = "ob_v3p0_achievementcredential_schema.json"


@cache
def validator() -> Draft201909Validator:
    schema = json.loads(standard_file(SCHEMA_FILE))
    return Draft201909Validator(schema)


def problems(credential: dict[str, Any], limit: int = 5) -> list[str]:
    """Up to ``limit`` schema errors, each as "where: what"."""
    doc = dict(credential)
    if isinstance(doc.get("proof"), dict):
        doc["proof"] = [doc["proof"]]
    out = []
    for error in validator().iter_errors(doc):
        where = "/".join(str(p) for p in error.absolute_path) or "(credential)"
        out.append(f"{where}: {error.message[:160]}")
        if len(out) >= limit:
            break
    return out


def check(credential: dict[str, Any]) -> None:
    found = problems(credential, limit=3)
    if found:
        raise CredentialError("schema", "; ".join(found))
