# SPDX-License-Identifier: EUPL-1.2
"""Encryption at rest for identifiers such as the BSN, and keyed hashes to find them.

Fernet (AES-128-CBC with HMAC-SHA256) makes the stored value unreadable without the key;
because Fernet is randomised, equal BSNs encrypt differently, so look-ups use a separate keyed
hash (HMAC-SHA256) instead. Keys come from settings (DESIGN.md section 4, privacy).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    raw = key.encode()
    try:
        return Fernet(raw)
    except ValueError:
        # Accept any passphrase by deriving a 32-byte key from it.
        return Fernet(base64.urlsafe_b64encode(hashlib.sha256(raw).digest()))


def encrypt(value: str) -> str:
    return _fernet(settings.LLO_BSN_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.LLO_BSN_ENCRYPTION_KEY).decrypt(token.encode()).decode()


def keyed_hash(value: str) -> str:
    key = settings.LLO_BSN_HASH_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
