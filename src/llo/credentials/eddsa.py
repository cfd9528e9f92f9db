# SPDX-License-Identifier: EUPL-1.2
"""The Data Integrity cryptosuite ``eddsa-rdfc-2022`` (W3C Data Integrity EdDSA Cryptosuites
v1.0, section 3.3): RDFC-1.0 canonicalisation, SHA-256, Ed25519.

hashData = SHA-256(canonical proof configuration) || SHA-256(canonical document without its
proof); the proof value is the Ed25519 signature of hashData, base58btc multibase. The W3C test
vectors in ``standards/testvectors`` are reproduced byte for byte (tests/credentials).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from llo.credentials import rdfc
from llo.credentials.errors import CredentialError
from llo.credentials.limits import DEFAULT_LIMITS, Limits
from llo.credentials.multibase import b58encode, multibase_decode

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"


def _created(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def proof_config(
    document: dict[str, Any], verification_method: str, created: str, purpose: str
) -> dict[str, Any]:
    return {
        "@context": document.get("@context"),
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": purpose,
    }


def hash_data(
    document: dict[str, Any], config: dict[str, Any], limits: Limits = DEFAULT_LIMITS
) -> bytes:
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return (
        hashlib.sha256(rdfc.canonize(config, limits).encode()).digest()
        + hashlib.sha256(rdfc.canonize(unsecured, limits).encode()).digest()
    )


def sign(
    document: dict[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    created: dt.datetime,
    purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """``document`` with an embedded ``eddsa-rdfc-2022`` proof added (a new dict)."""
    config = proof_config(document, verification_method, _created(created), purpose)
    signature = key.sign(hash_data(document, config))
    proof = {k: v for k, v in config.items() if k != "@context"}
    proof["proofValue"] = "z" + b58encode(signature)
    return {**{k: v for k, v in document.items() if k != "proof"}, "proof": proof}


def sign_batch(
    documents: list[dict[str, Any]],
    key: Ed25519PrivateKey,
    verification_method: str,
    created: dt.datetime,
    purpose: str = "assertionMethod",
) -> list[dict[str, Any]]:
    """Sign a cohort: the proof configuration is the same for every credential of the batch
    (same context, key and time), so it is canonicalised and hashed once; each document is
    canonicalised through its shape's template (:mod:`llo.credentials.rdfc`)."""
    if not documents:
        return []
    stamp = _created(created)
    out = []
    config_hashes: dict[Any, bytes] = {}
    for document in documents:
        ctx = document.get("@context")
        ctx_key = tuple(ctx) if isinstance(ctx, list) else ctx
        config = proof_config(document, verification_method, stamp, purpose)
        head = config_hashes.get(ctx_key)
        if head is None:
            head = hashlib.sha256(rdfc.canonize(config).encode()).digest()
            config_hashes[ctx_key] = head
        unsecured = {k: v for k, v in document.items() if k != "proof"}
        data = head + hashlib.sha256(rdfc.canonize(unsecured).encode()).digest()
        proof = {k: v for k, v in config.items() if k != "@context"}
        proof["proofValue"] = "z" + b58encode(key.sign(data))
        out.append({**unsecured, "proof": proof})
    return out


@dataclass(frozen=True)
class ProofInfo:
    verification_method: str
    created: dt.datetime | None
    purpose: str


def proof_of(document: dict[str, Any]) -> dict[str, Any]:
    """The one eddsa-rdfc-2022 proof of ``document`` (OB 3.0's schema allows a list)."""
    proof = document.get("proof")
    if proof is None:
        raise CredentialError("no-proof")
    proofs = proof if isinstance(proof, list) else [proof]
    ours = [p for p in proofs if isinstance(p, dict) and p.get("cryptosuite") == CRYPTOSUITE]
    if not ours:
        raise CredentialError("unsupported-proof", "no eddsa-rdfc-2022 proof")
    if len(ours) > 1:
        raise CredentialError("unsupported-proof", "more than one eddsa-rdfc-2022 proof")
    p = ours[0]
    if p.get("type") != PROOF_TYPE:
        raise CredentialError("bad-proof", "type is not DataIntegrityProof")
    for name in ("verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(p.get(name), str):
            raise CredentialError("bad-proof", f"{name} is missing")
    return p


def parse_created(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise CredentialError("bad-date", "created")
    try:
        at = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CredentialError("bad-date", "created") from exc
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def verify(
    document: dict[str, Any],
    resolve_key: Callable[[str, dt.datetime | None], Ed25519PublicKey],
    limits: Limits = DEFAULT_LIMITS,
) -> ProofInfo:
    """Check the eddsa-rdfc-2022 proof of ``document``; ``resolve_key(verification method,
    created)`` gives the public key (or raises CredentialError). Raises on any failure."""
    p = proof_of(document)
    if p.get("proofPurpose") != "assertionMethod":
        raise CredentialError("bad-proof", "proofPurpose is not assertionMethod")
    created = parse_created(p.get("created"))
    signature = multibase_decode(p["proofValue"])
    if len(signature) != 64:
        raise CredentialError("bad-proof", "the signature is not 64 bytes")
    config = {k: v for k, v in p.items() if k != "proofValue"}
    config["@context"] = document.get("@context")
    key = resolve_key(p["verificationMethod"], created)
    data = hash_data(document, config, limits)
    try:
        key.verify(signature, data)
    except InvalidSignature as exc:
        raise CredentialError("signature") from exc
    return ProofInfo(p["verificationMethod"], created, p["proofPurpose"])
