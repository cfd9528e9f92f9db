# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import llo
from llo.notifications.selectors import unread_count
from llo.notifications.services import Recipient


def llo_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role_label = ""
    unread = 0
    if user is not None and user.is_authenticated:
        role_label = user.get_role_display()
        recipient = Recipient.of_user(user)
        if recipient is not None:
            unread = unread_count(recipient)
    return {
        "llo_version": llo.__version__,
        "role_label": role_label,
        "unread_notifications": unread,
    }
