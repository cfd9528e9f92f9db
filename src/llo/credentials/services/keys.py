# SPDX-License-Identifier: EUPL-1.2
"""Issuer keys: made on first use, rotated on request; old keys stay in the DID document."""

from __future__ import annotations

import threading

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, transaction

from llo.core import audit, crypto
from llo.core.timeutil import now
from llo.credentials import config, multibase
from llo.credentials.models import IssuerKey
from llo.people.models import Organisation

_cache: dict[tuple[int, str], Ed25519PrivateKey] = {}
_lock = threading.Lock()


def _did(organisation: Organisation | None) -> str:
    return config.issuer_did(organisation.kvk) if organisation else config.platform_did()


def _new(organisation: Organisation | None, did: str, number: int) -> IssuerKey:
    secret = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    raw = secret.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return IssuerKey.objects.create(
        organisation=organisation,
        did=did,
        fragment=f"key-{number}",
        public_multibase=multibase.public_multikey(secret.public_key()),
        secret_encrypted=crypto.encrypt("z" + multibase.b58encode(multibase.ED25519_PRIV + raw)),
        valid_from=now(),
    )


def ensure_key(organisation: Organisation | None, actor: audit.Actor) -> IssuerKey:
    """The active key of an issuer (llo itself when ``organisation`` is None), made once."""
    did = _did(organisation)
    key = IssuerKey.objects.filter(
        did=did, retired_at__isnull=True, revoked_at__isnull=True
    ).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            number = IssuerKey.objects.filter(did=did).count() + 1
            key = _new(organisation, did, number)
            audit.record(
                actor=actor, action="credentials.key.create", subject=key, after={"did": did}
            )
            return key
    except IntegrityError:  # made at the same moment by another request
        return IssuerKey.objects.get(did=did, retired_at__isnull=True, revoked_at__isnull=True)


def rotate_key(organisation: Organisation | None, actor: audit.Actor) -> IssuerKey:
    """Retire the active key (credentials it signed stay valid) and make a new one."""
    did = _did(organisation)
    with transaction.atomic():
        at = now()
        old = (
            IssuerKey.objects.select_for_update()
            .filter(did=did, retired_at__isnull=True, revoked_at__isnull=True)
            .first()
        )
        if old is not None:
            old.retired_at = at
            old.save(update_fields=["retired_at"])
        key = _new(organisation, did, IssuerKey.objects.filter(did=did).count() + 1)
        audit.record(
            actor=actor,
            action="credentials.key.rotate",
            subject=key,
            before={"key": str(old) if old else None},
            after={"key": str(key)},
        )
    return key


def signing_key(key: IssuerKey) -> Ed25519PrivateKey:
    """The secret key, decrypted once per process."""
    with _lock:
        # Keyed by the public key too: a row id alone could come back (a test database).
        found = _cache.get((key.pk, key.public_multibase))
        if found is None:
            found = multibase.private_from_multikey(crypto.decrypt(key.secret_encrypted))
            _cache[(key.pk, key.public_multibase)] = found
        return found
