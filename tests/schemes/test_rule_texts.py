# SPDX-License-Identifier: EUPL-1.2
"""The rules' sentences address a person as "u", as every page of llo does (issue 15: the
reasons said "je" where the pages said "u"; tests/web/test_translations.py checks the pages'
catalogue the same way). Every sentence of every scheme (``scheme.yaml``: a condition's
passed, failed, not-yet-known and rule sentences), the labels a sentence quotes from a
parameter (``level_reading``), and the engine's own sentence for a fact not known yet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from llo.schemes import decision

SCHEMES = Path(decision.__file__).parent
INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie|jezelf)\b", re.IGNORECASE)


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


def test_no_rule_sentence_says_je() -> None:
    files = sorted(SCHEMES.glob("*/scheme.yaml"))
    assert len(files) >= 3  # stap, llo_regeling, funder
    sentences = [decision.UNKNOWN_SENTENCE]
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for condition in data.get("conditions", []):
            sentences += [condition.get(k, "") for k in ("passed", "failed", "unknown", "rule")]
    for path in SCHEMES.glob("*/parameters/level_reading.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sentences += list(_texts(data.get("metadata", {}).get("labels", {})))
    sentences = [s for s in sentences if s]
    assert len(sentences) > 50
    assert [s for s in sentences if INFORMAL.search(s)] == []
