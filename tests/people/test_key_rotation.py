# SPDX-License-Identifier: EUPL-1.2
"""Rotating the BSN keys (docs/operations.md): a new encryption key first in the list, the
old hash key as LLO_BSN_HASH_KEY_PREVIOUS, `llo rotate_bsn_keys`, then the old keys go."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from pytest_django.fixtures import Settings

from llo.core import audit, crypto
from llo.core.identifiers import Level
from llo.people.models import LabourPosition, Person, User
from llo.people.services import register_person
from llo.web.login.identity import Identity, resolve

pytestmark = pytest.mark.django_db
BSNS = ["999990019", "999990020", "999990032"]


def test_rotation_re_encrypts_re_hashes_and_keeps_every_login(settings: Settings) -> None:
    old_key, old_hash = settings.LLO_BSN_ENCRYPTION_KEY, settings.LLO_BSN_HASH_KEY
    for n, bsn in enumerate(BSNS):
        register_person(
            actor=audit.Actor.system("tests"),
            bsn=bsn,
            display_name=f"Persoon {n}",
            birth_date=dt.date(1980, 1, 1),
            highest_level=Level.EQF_2,
            labour_position=LabourPosition.FLEX,
            gemeente_code="GM0599",
        )
    first_login = resolve(Identity(role="burger", bsn=BSNS[0], plugin="demo"))

    new_key = Fernet.generate_key().decode()
    settings.LLO_BSN_ENCRYPTION_KEY = f"{new_key},{old_key}"
    settings.LLO_BSN_HASH_KEY = "a-new-hash-key-0123456789abcdefghijklmnop"
    settings.LLO_BSN_HASH_KEY_PREVIOUS = old_hash
    # Between the new keys and the command, persons are still found (previous hash).
    assert Person.objects.by_bsn(BSNS[1]) is not None

    call_command("rotate_bsn_keys", batch=2)
    settings.LLO_BSN_ENCRYPTION_KEY = new_key
    settings.LLO_BSN_HASH_KEY_PREVIOUS = ""
    for bsn in BSNS:
        person = Person.objects.by_bsn(bsn)
        assert person is not None
        assert person.bsn == bsn
        assert crypto.is_current(person.bsn_encrypted)
    # The citizen's account was renamed with its person, and logging in again finds it.
    again = resolve(Identity(role="burger", bsn=BSNS[0], plugin="demo"))
    assert again.pk == first_login.pk
    assert User.objects.filter(role="burger").count() == 1
    # A second run has nothing left to do.
    call_command("rotate_bsn_keys")


def test_without_keys_nothing_is_encrypted_or_found(settings: Settings) -> None:
    settings.LLO_BSN_ENCRYPTION_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="LLO_BSN_ENCRYPTION_KEY"):
        crypto.encrypt("999990019")
    settings.LLO_BSN_HASH_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="LLO_BSN_HASH_KEY"):
        crypto.keyed_hash("999990019")
