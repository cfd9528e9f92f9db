# SPDX-License-Identifier: EUPL-1.2
"""What the provider knows about a user beyond the login: the claims a broker would release."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    """The identity a broker vouches for: ``bsn``, ``kvk``, ``llo_role`` and ``acr``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="op_profile"
    )
    claims = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"profile of {self.user}"
