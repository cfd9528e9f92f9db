# SPDX-License-Identifier: EUPL-1.2
"""``llo rotate_bsn_keys``: re-encrypt every BSN with the first key of LLO_BSN_ENCRYPTION_KEY
and re-hash it with LLO_BSN_HASH_KEY (docs/operations.md, "Rotating the BSN keys").

Runs in batches, each one transaction; a crash halfway loses nothing (a row is either still
readable with an old key that is still listed, or already done), and running it again does
the rest. Citizens' login accounts carry the hash in their user name: they are renamed in
the same transaction as their person.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from llo.core import audit, crypto
from llo.core.roles import Role
from llo.people.models import Person, User


class Command(BaseCommand):
    help = "Re-encrypt and re-hash every stored BSN with the current keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, options["batch"])
        last = 0
        changed = 0
        seen = 0
        while True:
            with transaction.atomic():
                people = list(
                    Person.objects.select_for_update()
                    .filter(pk__gt=last)
                    .order_by("pk")
                    .only("pk", "bsn_encrypted", "bsn_hash")[:batch]
                )
                if not people:
                    break
                dirty = []
                for person in people:
                    bsn = crypto.decrypt(person.bsn_encrypted)
                    new_hash = crypto.keyed_hash(bsn)
                    if new_hash != person.bsn_hash or not crypto.is_current(person.bsn_encrypted):
                        person.bsn_encrypted = crypto.reencrypt(person.bsn_encrypted)
                        person.bsn_hash = new_hash
                        dirty.append(person)
                Person.objects.bulk_update(dirty, ["bsn_encrypted", "bsn_hash"])
                for person in dirty:
                    account = (
                        User.objects.filter(role=Role.BURGER, person=person).order_by("pk").first()
                    )
                    if account is not None:
                        account.username = f"{Role.BURGER}:{person.bsn_hash[:32]}"
                        account.save(update_fields=["username"])
                if dirty:
                    audit.record(
                        actor=audit.Actor.system("rotate_bsn_keys"),
                        action="bsn_keys.rotated",
                        subject=("people.Person", f"{people[0].pk}-{people[-1].pk}"),
                        after={"persons": len(dirty)},
                    )
                changed += len(dirty)
                seen += len(people)
                last = people[-1].pk
        self.stdout.write(f"{changed} of {seen} persons re-encrypted and re-hashed")
