# SPDX-License-Identifier: EUPL-1.2
"""The notifications of a person or an organisation, as plain dataclasses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llo.notifications.models import Notification
from llo.notifications.services import Recipient, render


@dataclass(frozen=True)
class Item:
    id: int
    topic: str
    text: str
    link: str
    created_at: dt.datetime
    read: bool
    email_state: str


def inbox(recipient: Recipient, limit: int = 50) -> list[Item]:
    rows = Notification.objects.filter(recipient.filter()).order_by("-created_at", "-id")[:limit]
    return [
        Item(
            id=n.pk,
            topic=n.topic,
            text=render(n.message, n.params),
            link=n.link,
            created_at=n.created_at,
            read=n.read_at is not None,
            email_state=n.email_state,
        )
        for n in rows
    ]


def unread_count(recipient: Recipient) -> int:
    return Notification.objects.filter(recipient.filter(), read_at__isnull=True).count()


def address(recipient: Recipient) -> str:
    from llo.notifications.models import Address

    found = Address.objects.filter(recipient.filter()).values_list("email", flat=True).first()
    return found or ""
