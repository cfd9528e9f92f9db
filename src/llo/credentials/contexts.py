# SPDX-License-Identifier: EUPL-1.2
"""The JSON-LD contexts llo knows, served from the package: never from the network.

``standards/SOURCES.md`` says where each file comes from. :func:`document_loader` is the only
loader llo gives pyld; any other URL is an "unknown context" (a credential that needs one is
invalid, with that reason), so processing a credential can never make a network call.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from llo.credentials.errors import CredentialError

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
LLO_V1 = "https://llo.example.nl/ns/credentials/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"

#: URL -> file in ``standards/contexts``.
BUNDLED: dict[str, str] = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob-context-3.0.3.json",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
    EXAMPLES_V2: "credentials-examples-v2.jsonld",
    LLO_V1: "llo-v1.jsonld",
}


def standard_file(name: str) -> bytes:
    return resources.files("llo.credentials").joinpath("standards", name).read_bytes()


@cache
def _context(url: str) -> dict[str, Any]:
    return json.loads(standard_file(f"contexts/{BUNDLED[url]}"))


def context_document(url: str) -> dict[str, Any]:
    """The bundled context for ``url`` (a copy), or CredentialError("unknown-context")."""
    if url not in BUNDLED:
        raise CredentialError("unknown-context", url[:200])
    return copy.deepcopy(_context(url))


def document_loader(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's document loader: only the bundled contexts."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}


def check_contexts(doc: Any) -> None:
    """Refuse a document that names a context llo does not bundle, before any JSON-LD work
    (the loader refuses too; this gives the clearer reason without a pyld error chain)."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    _check_context_value(value)
                else:
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


def _check_context_value(value: Any) -> None:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, str):
            if item not in BUNDLED:
                raise CredentialError("unknown-context", item[:200])
        elif isinstance(item, dict):
            imported = item.get("@import")
            if imported is not None and imported not in BUNDLED:
                raise CredentialError("unknown-context", str(imported)[:200])
            for term in item.values():
                if isinstance(term, dict) and "@context" in term:
                    _check_context_value(term["@context"])
        elif item is not None:
            raise CredentialError("jsonld", "a context is neither a URL nor an object")


@cache
def defined_terms() -> frozenset[str]:
    """Every term and prefix the bundled contexts define (at any scope). A value whose
    "scheme" is one of these could be a compact IRI, so the fast path does not trust it."""
    terms: set[str] = set()

    def walk(ctx: Any) -> None:
        if isinstance(ctx, list):
            for item in ctx:
                walk(item)
        elif isinstance(ctx, dict):
            for key, value in ctx.items():
                if not key.startswith("@"):
                    terms.add(key)
                if isinstance(value, dict) and "@context" in value:
                    walk(value["@context"])

    for url in BUNDLED:
        walk(_context(url).get("@context"))
    return frozenset(terms)
