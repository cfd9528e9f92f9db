# SPDX-License-Identifier: EUPL-1.2
"""Bitstring Status List v1.0 (W3C): one bit per credential in a GZIP-compressed, base64url
bitstring with the multibase prefix ``u``; bit 0 is the most significant bit of the first byte
(section 3.2). Each list has one purpose, ``revocation`` (final) or ``suspension`` (can be
lifted), and at least 131,072 entries so a single credential cannot be picked out by the size
of the list (section 6.1, "herd privacy").
"""

from __future__ import annotations

import base64
import gzip
from typing import Any

from llo.credentials.contexts import VC_V2
from llo.credentials.errors import CredentialError

MIN_ENTRIES = 131_072
PURPOSES = ("revocation", "suspension")
#: Decompressed lists above this size are refused (a "zip bomb" status list).
MAX_BYTES = 16 * 1024 * 1024


def encode(bits: bytes | bytearray) -> str:
    data = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def decode(encoded: str) -> bytes:
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise CredentialError("bad-status", "encodedList is not base64url multibase")
    body = encoded[1:]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        with gzip.GzipFile(fileobj=__import__("io").BytesIO(raw)) as f:
            data = f.read(MAX_BYTES + 1)
    except (ValueError, OSError, EOFError) as exc:
        raise CredentialError("bad-status", "encodedList cannot be decompressed") from exc
    if len(data) > MAX_BYTES:
        raise CredentialError("bad-status", "the status list is too large")
    return data


def empty(entries: int = MIN_ENTRIES) -> bytearray:
    return bytearray((max(entries, MIN_ENTRIES) + 7) // 8)


def get_bit(bits: bytes | bytearray, index: int) -> bool:
    if index < 0 or index >= len(bits) * 8:
        raise CredentialError("bad-status", "statusListIndex is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def set_bit(bits: bytearray, index: int, value: bool) -> None:
    if value:
        bits[index // 8] |= 0x80 >> (index % 8)
    else:
        bits[index // 8] &= ~(0x80 >> (index % 8)) & 0xFF


def entry(list_url: str, purpose: str, index: int) -> dict[str, Any]:
    """A ``credentialStatus`` entry of a credential (section 2.1)."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def list_credential(
    list_url: str, issuer: str, purpose: str, bits: bytes | bytearray, valid_from: str
) -> dict[str, Any]:
    """The (unsigned) BitstringStatusListCredential (section 2.2)."""
    return {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode(bits),
        },
    }


def entries_of(credential: dict[str, Any]) -> list[dict[str, Any]]:
    status = credential.get("credentialStatus")
    if status is None:
        return []
    items = status if isinstance(status, list) else [status]
    out = []
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "BitstringStatusListEntry":
            raise CredentialError("bad-status", "not a BitstringStatusListEntry")
        if item.get("statusPurpose") not in PURPOSES:
            raise CredentialError("bad-status", "unknown statusPurpose")
        if not isinstance(item.get("statusListCredential"), str):
            raise CredentialError("bad-status", "statusListCredential is missing")
        index = item.get("statusListIndex")
        if not isinstance(index, str) or not index.isdigit() or len(index) > 9:
            raise CredentialError("bad-status", "statusListIndex is not a number")
        out.append(item)
    return out


def bit_in_list(list_credential_doc: dict[str, Any], purpose: str, index: int) -> bool:
    subject = list_credential_doc.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        raise CredentialError("bad-status", "not a BitstringStatusList")
    if subject.get("statusPurpose") != purpose:
        raise CredentialError("bad-status", "the list has another purpose")
    return get_bit(decode(subject.get("encodedList", "")), index)
