# SPDX-License-Identifier: EUPL-1.2
"""Who acts: the audit actor of a user, and the side a user takes in the review workflow."""

from __future__ import annotations

from typing import Any

from llo.core import audit
from llo.core.roles import Role
from llo.register import transitions


def actor_for(user: Any) -> audit.Actor:
    return audit.Actor.of_user(user)


def workflow_actor(user: Any) -> str:
    """The side of the transition table a user acts on (empty: none)."""
    role = getattr(user, "role", "")
    if role == Role.BEHEER:
        return transitions.STAFF
    if role == Role.OPLEIDER:
        return transitions.PROVIDER
    return ""
