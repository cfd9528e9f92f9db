# SPDX-License-Identifier: EUPL-1.2
"""Limits on the work one credential can cause, and a JSON reader that keeps to them.

A credential comes from anyone (an upload on the public verify page), so the size, the
nesting depth, the number of RDF statements and the canonicalisation work are bounded
(RDF Dataset Canonicalization, W3C RDFC-1.0, section 4.4 "poison graphs": an implementation
must guard against datasets that make the algorithm take too long).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from llo.credentials.errors import CredentialError


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 256 * 1024
    max_depth: int = 32
    max_quads: int = 2_000
    #: Calls of RDFC-1.0's Hash N-Degree Quads (the part that can explode).
    max_deep_hashes: int = 1_000
    max_seconds: float = 2.0


DEFAULT_LIMITS = Limits()


def parse_json(data: str | bytes, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse ``data`` as JSON within the limits, or raise CredentialError."""
    if len(data) > limits.max_bytes:
        raise CredentialError("too-large", f"{len(data)} bytes, at most {limits.max_bytes}")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CredentialError("not-json", "not UTF-8 text") from exc
    try:
        value = json.loads(data)
    except RecursionError as exc:
        raise CredentialError("too-deep", "the JSON is nested too deeply") from exc
    except ValueError as exc:
        raise CredentialError("not-json", str(exc)[:200]) from exc
    check_depth(value, limits)
    return value


def check_depth(value: Any, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse JSON nested deeper than ``limits.max_depth`` (iteratively: no recursion)."""
    # Only containers go on the stack (a credential's many strings cost one type check each):
    # this runs on every verification (bench/credentials).
    if type(value) is not dict and type(value) is not list:
        return
    most = limits.max_depth
    stack: list[tuple[Any, int]] = [(value, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > most:
            raise CredentialError("too-deep", f"deeper than {most} levels")
        for child in node.values() if type(node) is dict else node:
            kind = type(child)
            if kind is dict or kind is list:
                push((child, depth + 1))
