# SPDX-License-Identifier: EUPL-1.2
"""Storage mechanics of credentials: row locks (one order: status list, then credential) and
the look-ups the services need. Decides nothing."""

from __future__ import annotations

from django.db.models import F

from llo.credentials.models import Credential, StatusList


def lock_list_with_room(purpose: str) -> StatusList | None:
    """The newest list of ``purpose`` that still has a free index, locked."""
    return (
        StatusList.objects.select_for_update()
        .filter(purpose=purpose, next_index__lt=F("size"))
        .order_by("-pk")
        .first()
    )


def lock_list(pk: int) -> StatusList:
    return StatusList.objects.select_for_update().get(pk=pk)


def lock_credential(pk: int) -> Credential:
    return Credential.objects.select_for_update().get(pk=pk)
