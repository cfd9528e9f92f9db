# SPDX-License-Identifier: EUPL-1.2
"""Who acts, for the entry points of learning accounts (pages and API): the roles that act
for a funder, and the audit actor of a request."""

from __future__ import annotations

from django.http import HttpRequest

from llo.core import audit
from llo.core.roles import Role

#: The roles that act for a funder (JOURNEYS.md: employer, sector fund, municipality, UWV).
FUNDER_ROLES = frozenset({Role.WERKGEVER, Role.FONDS, Role.GEMEENTE, Role.UWV, Role.BELEID})


def actor_of(request: HttpRequest) -> audit.Actor:
    return audit.actor_of(request)
