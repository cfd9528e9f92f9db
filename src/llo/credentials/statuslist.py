# SPDX-License-Identifier: EUPL-1.2
"""Bitstring Status List v1.0 (W3C): ``statusSize`` bits per credential in a GZIP-compressed,
base64url bitstring with the multibase prefix ``u``; bit 0 is the most significant bit of the
first byte (section 3.2), and a status of several bits is read most significant bit first.
Lists have at least 131,072 entries so a single credential cannot be picked out by the size of
the list (section 6.1, "herd privacy").

llo's credentials carry **one** status entry, because Open Badges 3.0 allows one
``credentialStatus`` (its JSON schema models it as an object): purpose ``message`` with
``statusSize`` 2 and the messages valid (0x0), suspended (0x1) and revoked (0x2), so one entry
says both "suspended" (can be lifted) and "withdrawn" (final). Entries with purpose
``revocation`` or ``suspension`` (one bit) from other issuers are read too.
"""

from __future__ import annotations

import base64
import gzip
from typing import Any

from llo.credentials.contexts import VC_V2
from llo.credentials.errors import CredentialError

MIN_ENTRIES = 131_072
PURPOSES = ("revocation", "suspension", "message")
#: llo's status values (statusSize 2) and their messages.
VALID, SUSPENDED, REVOKED = 0, 1, 2
MESSAGES = [
    {"status": "0x0", "message": "valid"},
    {"status": "0x1", "message": "suspended"},
    {"status": "0x2", "message": "revoked"},
]
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


def empty(entries: int = MIN_ENTRIES, size: int = 1) -> bytearray:
    return bytearray((max(entries, MIN_ENTRIES) * size + 7) // 8)


def get_value(bits: bytes | bytearray, index: int, size: int = 1) -> int:
    """The status of entry ``index`` (``size`` bits, most significant first)."""
    value = 0
    for i in range(index * size, index * size + size):
        value = (value << 1) | int(get_bit(bits, i))
    return value


def set_value(bits: bytearray, index: int, value: int, size: int = 1) -> None:
    for n, i in enumerate(range(index * size, index * size + size)):
        set_bit(bits, i, bool(value >> (size - 1 - n) & 1))


def get_bit(bits: bytes | bytearray, index: int) -> bool:
    if index < 0 or index >= len(bits) * 8:
        raise CredentialError("bad-status", "statusListIndex is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def set_bit(bits: bytearray, index: int, value: bool) -> None:
    if value:
        bits[index // 8] |= 0x80 >> (index % 8)
    else:
        bits[index // 8] &= ~(0x80 >> (index % 8)) & 0xFF


def entry(list_url: str, purpose: str, index: int, size: int = 1) -> dict[str, Any]:
    """A ``credentialStatus`` entry of a credential (section 2.1)."""
    data: dict[str, Any] = {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
    if purpose == "message":
        data["statusSize"] = size
        data["statusMessage"] = MESSAGES
    return data


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
        size = item.get("statusSize", 1)
        if not isinstance(size, int) or not 1 <= size <= 8:
            raise CredentialError("bad-status", "statusSize is not 1 to 8")
        if item["statusPurpose"] != "message" and size != 1:
            raise CredentialError("bad-status", "statusSize above 1 needs purpose message")
        out.append(item)
    return out


def value_in_list(
    list_credential_doc: dict[str, Any], purpose: str, index: int, size: int = 1
) -> int:
    subject = list_credential_doc.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        raise CredentialError("bad-status", "not a BitstringStatusList")
    listed = subject.get("statusPurpose")
    if listed != purpose and not (isinstance(listed, list) and purpose in listed):
        raise CredentialError("bad-status", "the list has another purpose")
    return get_value(decode(subject.get("encodedList", "")), index, size)


def outcome(item: dict[str, Any], value: int) -> str:
    """ "" (fine), "revoked" or "suspended" for the value an entry found in its list."""
    if value == 0:
        return ""
    purpose = item["statusPurpose"]
    if purpose in ("revocation", "suspension"):
        return "revoked" if purpose == "revocation" else "suspended"
    status = f"0x{value:x}"
    for m in item.get("statusMessage", []) or []:
        if isinstance(m, dict) and str(m.get("status", "")).lower() == status:
            message = str(m.get("message", ""))
            return {"valid": "", "suspended": "suspended", "revoked": "revoked"}.get(
                message, "revoked"
            )
    return "revoked"  # a status without a message: not fine, and nothing says it will pass
