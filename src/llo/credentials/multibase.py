# SPDX-License-Identifier: EUPL-1.2
"""Multibase (base58btc, ``z``) and Multikey encodings of Ed25519 keys.

Controlled Identifiers v1.0 (W3C), section 2.2.2 "Multikey": an Ed25519 public key is the
multicodec header 0xed 0x01 followed by the 32 key bytes, a secret key 0x80 0x26 followed by
the 32 seed bytes, both base58btc-encoded with the multibase prefix ``z``.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from llo.credentials.errors import CredentialError

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


#: Every pair of base58 digits, by value (0 .. 58**2 - 1).
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]
_CHUNK = 58**10


def b58encode(data: bytes) -> str:
    """Base58btc. The big number is divided by 58**10 (nine divisions for a signature, not
    88) and each chunk written as five pairs of digits from a table: every issued proof
    value goes through here (bench/credentials). Equal to the digit-by-digit definition
    (tests/credentials/test_core.py, Hypothesis)."""
    n = int.from_bytes(data, "big")
    chunks = []
    while n:
        n, r = divmod(n, _CHUNK)
        chunks.append(r)
    parts = []
    for r in reversed(chunks):
        r, e = divmod(r, 3364)
        r, d = divmod(r, 3364)
        r, c = divmod(r, 3364)
        a, b = divmod(r, 3364)
        parts.append(_PAIRS[a] + _PAIRS[b] + _PAIRS[c] + _PAIRS[d] + _PAIRS[e])
    text = "".join(parts).lstrip("1")
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + text


def b58decode(text: str) -> bytes:
    if len(text) > 200:
        raise CredentialError("bad-proof", "base58 text too long")
    n = 0
    for c in text:
        if c not in _INDEX:
            raise CredentialError("bad-proof", "not base58")
        n = n * 58 + _INDEX[c]
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


def multibase_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise CredentialError("bad-proof", "not base58btc multibase")
    return b58decode(text[1:])


def public_multikey(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + b58encode(ED25519_PUB + raw)


def public_from_multikey(text: str) -> Ed25519PublicKey:
    data = multibase_decode(text)
    if len(data) != 34 or not data.startswith(ED25519_PUB):
        raise CredentialError("bad-did", "not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def private_from_multikey(text: str) -> Ed25519PrivateKey:
    data = multibase_decode(text)
    if len(data) != 34 or not data.startswith(ED25519_PRIV):
        raise CredentialError("bad-proof", "not an Ed25519 secret Multikey")
    return Ed25519PrivateKey.from_private_bytes(data[2:])
