# SPDX-License-Identifier: EUPL-1.2
"""DIDs of issuers: ``did:web`` documents that llo serves, and ``did:key`` (self-contained).

did:web method specification (W3C CCG), section 3.2: ``did:web:example.com%3A8000:issuers:x``
is resolved at ``https://example.com:8000/issuers/x/did.json``. llo never fetches a DID: it
answers its own from the database, takes a DID document given by the user (offline
verification), and works out ``did:key`` from the identifier itself.

Key rotation: a retired key stays in the document with ``expires`` set to the moment it was
retired (Multikey v1 context), so a credential signed before that still verifies and one
signed after does not; a compromised key gets ``revoked``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from llo.credentials.contexts import DID_V1, MULTIKEY_V1
from llo.credentials.errors import CredentialError
from llo.credentials.multibase import public_from_multikey

_DID_WEB = re.compile(r"did:web:([A-Za-z0-9.\-]+(?:%3A\d+)?)((?::[A-Za-z0-9._\-]+)*)\Z")


@dataclass(frozen=True)
class KeySpec:
    """One key in a DID document."""

    fragment: str
    public_multibase: str
    valid_from: dt.datetime
    expires: dt.datetime | None = None
    revoked: dt.datetime | None = None


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp_up(at: dt.datetime) -> str:
    """Rounded up to the second: a proof's ``created`` is truncated to the second, so a key
    retired within the second it last signed still covers that signature."""
    if at.microsecond:
        at = at.replace(microsecond=0) + dt.timedelta(seconds=1)
    return _stamp(at)


def did_web(host: str, *path: str) -> str:
    """``did:web`` for a host (with port) and a path."""
    return "did:web:" + ":".join([quote(host, safe=""), *path])


def did_web_url(did: str) -> str:
    """Where a did:web document lives (https)."""
    m = _DID_WEB.match(did)
    if not m:
        raise CredentialError("bad-did", did[:200])
    host = unquote(m.group(1))
    path = m.group(2).split(":")[1:]
    return f"https://{host}/" + ("/".join(path) + "/did.json" if path else ".well-known/did.json")


def document(did: str, keys: list[KeySpec]) -> dict[str, Any]:
    """The DID document of an issuer with these keys (retired ones included)."""
    methods = []
    for key in keys:
        vm: dict[str, Any] = {
            "id": f"{did}#{key.fragment}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_multibase,
        }
        if key.expires:
            vm["expires"] = _stamp_up(key.expires)
        if key.revoked:
            vm["revoked"] = _stamp(key.revoked)
        methods.append(vm)
    ids = [vm["id"] for vm in methods]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def _parse_stamp(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    try:
        at = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise CredentialError("bad-did", "a date in the DID document") from exc
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def key_from_document(
    doc: dict[str, Any], verification_method: str, created: dt.datetime | None
) -> Ed25519PublicKey:
    """The public key ``verification_method`` names in DID document ``doc``, if it may
    assert credentials created at ``created``."""
    did = verification_method.split("#", 1)[0]
    if not isinstance(doc, dict) or doc.get("id") != did:
        raise CredentialError("unknown-key", "the DID document is of another DID")
    allowed = {
        (f"{did}{a}" if isinstance(a, str) and a.startswith("#") else a)
        for a in doc.get("assertionMethod", [])
        if isinstance(a, str)
    }
    for vm in doc.get("verificationMethod", []):
        if not isinstance(vm, dict):
            continue
        vm_id = vm.get("id", "")
        if isinstance(vm_id, str) and vm_id.startswith("#"):
            vm_id = did + vm_id
        if vm_id != verification_method:
            continue
        if vm_id not in allowed:
            raise CredentialError("unknown-key", "the key may not sign credentials")
        if vm.get("type") != "Multikey" or vm.get("controller") != did:
            raise CredentialError("unknown-key", "not a Multikey of this DID")
        revoked = _parse_stamp(vm.get("revoked"))
        expires = _parse_stamp(vm.get("expires"))
        if revoked is not None and (created is None or created >= revoked):
            raise CredentialError("key-revoked")
        if expires is not None and (created is None or created >= expires):
            raise CredentialError("key-revoked", "signed after the key was retired")
        return public_from_multikey(str(vm.get("publicKeyMultibase", "")))
    raise CredentialError("unknown-key", verification_method[:200])


def did_key_document(did: str) -> dict[str, Any]:
    """did:key (W3C CCG did:key v0.7): the document follows from the identifier."""
    if not did.startswith("did:key:z6Mk"):
        raise CredentialError("bad-did", "only Ed25519 did:key is supported")
    multikey = did.removeprefix("did:key:")
    public_from_multikey(multikey)  # valid?
    vm = f"{did}#{multikey}"
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [
            {"id": vm, "type": "Multikey", "controller": did, "publicKeyMultibase": multikey}
        ],
        "assertionMethod": [vm],
        "authentication": [vm],
    }
