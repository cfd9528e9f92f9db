# SPDX-License-Identifier: EUPL-1.2
from __future__ import annotations

from typing import Any

from django.http import HttpRequest

import llo


def llo_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role_label = ""
    if user is not None and user.is_authenticated:
        role_label = user.get_role_display()
    return {"llo_version": llo.__version__, "role_label": role_label}
