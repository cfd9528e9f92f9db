# SPDX-License-Identifier: EUPL-1.2
"""The demo login: pick a persona, or type a BSN or KvK number and a role.

For ``make demo`` and tests only. It proves nothing about who someone is, so it is off in a
deployment (``LLO_LOGIN_PLUGINS=oidc``) and its backend refuses to work when it is off.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from llo.people.models import User
from llo.people.store.users import active_user
from llo.web.login.identity import Identity, resolve
from llo.web.login.registry import registry


class DemoPlugin:
    identifier = "demo"
    title = _("Demo login")
    description = _("For trying out llo: choose a person or organisation from the demo.")

    def is_configured(self) -> bool:
        return True

    def start_url(self) -> str:
        return reverse("web:login-demo")


class DemoBackend(BaseBackend):
    def authenticate(
        self, request: HttpRequest | None, *, demo_identity: Identity | None = None, **_: Any
    ) -> User | None:
        if demo_identity is None or not registry.is_enabled("demo"):
            return None
        return resolve(demo_identity)

    def get_user(self, user_id: int) -> User | None:
        # The person or organisation read along, in one prepared statement: nearly every
        # request of a logged-in user needs it (issue 18, decision 013).
        return active_user(user_id)


registry.register(DemoPlugin())
