# SPDX-License-Identifier: EUPL-1.2
"""Encryption at rest for identifiers such as the BSN, and keyed hashes to find them.

Fernet (AES-128-CBC with HMAC-SHA256) makes the stored value unreadable without the key;
because Fernet is randomised, equal BSNs encrypt differently, so look-ups use a separate keyed
hash (HMAC-SHA256) instead. Keys come from settings (DESIGN.md section 4, privacy); there is
no default key (docs/operations.md, "Keys").

Rotation (``llo rotate_bsn_keys``): ``LLO_BSN_ENCRYPTION_KEY`` may list several Fernet keys,
comma-separated. The first encrypts; every one decrypts (``MultiFernet``), so a new key is put
first, the command re-encrypts every BSN with it, and the old key is then removed. The hash
key cannot be listed that way (a look-up needs one hash): while it is rotated, the old one is
``LLO_BSN_HASH_KEY_PREVIOUS`` and :func:`lookup_hashes` gives both.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: The shortest hash key accepted in a deployment (256 bits as text: 32 characters of a
#: generated key, see docs/operations.md).
MIN_HASH_KEY_LENGTH = 32


def encryption_keys(value: str | None = None) -> list[str]:
    raw = settings.LLO_BSN_ENCRYPTION_KEY if value is None else value
    return [part.strip() for part in raw.split(",") if part.strip()]


def fernet_problem(key: str) -> str:
    """Why ``key`` is not a Fernet key ("" when it is one)."""
    try:
        Fernet(key.encode())
    except (ValueError, TypeError):
        return "not a Fernet key (32 bytes, url-safe base64; make one with Fernet.generate_key())"
    return ""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "LLO_BSN_ENCRYPTION_KEY is not set: llo cannot encrypt or read BSNs without it "
            "(docs/operations.md, Keys)."
        )
    for key in keys:
        if problem := fernet_problem(key):
            raise ImproperlyConfigured(f"LLO_BSN_ENCRYPTION_KEY: {problem}")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _hash_key(value: str) -> bytes:
    if not value:
        raise ImproperlyConfigured(
            "LLO_BSN_HASH_KEY is not set: llo cannot find persons by BSN without it "
            "(docs/operations.md, Keys)."
        )
    return value.encode()


def encrypt(value: str) -> str:
    return _fernet(tuple(encryption_keys())).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(encryption_keys())).decrypt(token.encode()).decode()


def reencrypt(token: str) -> str:
    """The same value encrypted with the first key (unchanged when it already is)."""
    return _fernet(tuple(encryption_keys())).rotate(token.encode()).decode()


def is_current(token: str) -> bool:
    """Whether ``token`` was encrypted with the first (current) key."""
    keys = encryption_keys()
    try:
        Fernet(keys[0].encode()).decrypt(token.encode())
    except (InvalidToken, IndexError):
        return False
    return True


def keyed_hash(value: str, key: str | None = None) -> str:
    secret = _hash_key(settings.LLO_BSN_HASH_KEY if key is None else key)
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def lookup_hashes(value: str) -> list[str]:
    """The hashes to look a value up by: the current key's, and during a rotation of the hash
    key also the previous key's (rows not yet re-hashed)."""
    hashes = [keyed_hash(value)]
    previous = getattr(settings, "LLO_BSN_HASH_KEY_PREVIOUS", "")
    if previous:
        hashes.append(keyed_hash(value, previous))
    return hashes
