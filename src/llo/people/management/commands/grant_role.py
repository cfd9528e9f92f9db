# SPDX-License-Identifier: EUPL-1.2
"""``llo grant_role KVK ROLE --reason TEXT`` (or ``--revoke``): which organisation may act in a
staff role (adviseur, beleid, beheer) is explicit data (people.RoleGrant), with an audit row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llo.core import audit
from llo.people import services
from llo.people.models import GRANTED_ROLES, Organisation, RoleGrant


class Command(BaseCommand):
    help = "Let an organisation act in a staff role (adviseur, beleid, beheer), or revoke it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kvk", nargs="?", help="KvK number of the organisation")
        parser.add_argument("role", nargs="?", choices=sorted(GRANTED_ROLES))
        parser.add_argument("--reason", default="", help="why (kept in the audit log)")
        parser.add_argument("--revoke", action="store_true", help="take the role away")
        parser.add_argument("--list", action="store_true", help="list every grant")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for grant in RoleGrant.objects.select_related("organisation").order_by(
                "role", "organisation__kvk"
            ):
                self.stdout.write(
                    f"{grant.role:10} {grant.organisation.kvk} {grant.organisation.name} "
                    f"({grant.reason})"
                )
            return
        if not options["kvk"] or not options["role"]:
            raise CommandError("give a KvK number and a role, or --list")
        org = Organisation.objects.filter(kvk=options["kvk"]).first()
        if org is None:
            raise CommandError(f"no organisation with KvK number {options['kvk']}")
        actor = audit.Actor.system("grant_role")
        if options["revoke"]:
            done = services.revoke_role(actor=actor, organisation=org, role=options["role"])
            self.stdout.write(
                f"{org.name} may no longer act as {options['role']}"
                if done
                else f"{org.name} had no grant for {options['role']}"
            )
            return
        try:
            done = services.grant_role(
                actor=actor, organisation=org, role=options["role"], reason=options["reason"]
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{org.name} may now act as {options['role']}"
            if done
            else f"{org.name} already may act as {options['role']}"
        )
