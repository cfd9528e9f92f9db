# SPDX-License-Identifier: EUPL-1.2
"""OIDC login (DigiD for citizens, eHerkenning for organisations, through an OIDC broker).

mozilla-django-oidc does the authorization-code flow with PKCE (S256), checks ``state`` and
``nonce`` and the ID token's signature; this backend reads the BSN or KvK number, the role and
the assurance level from the claims and hands them to the same identity rules as the demo.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from llo.core.roles import Role
from llo.people.models import User
from llo.web.login.identity import Identity, IdentityError, resolve
from llo.web.login.registry import registry

log = logging.getLogger(__name__)

# Ordered from weakest to strongest; eIDAS names and the DigiD names map onto one scale.
LOA_ORDER = {
    "low": 1,
    "basis": 1,
    "urn:etoegang:core:assurance-class:loa2": 1,
    "substantial": 2,
    "midden": 2,
    "substantieel": 2,
    "urn:etoegang:core:assurance-class:loa3": 2,
    "high": 3,
    "hoog": 3,
    "urn:etoegang:core:assurance-class:loa4": 3,
}


def loa_rank(value: str) -> int:
    return LOA_ORDER.get(value.strip().lower(), 0) if value else 0


class OIDCPlugin:
    identifier = "oidc"
    title = _("Log in with DigiD or eHerkenning")
    description = _("Citizens use DigiD; organisations use eHerkenning.")

    def is_configured(self) -> bool:
        return bool(
            settings.OIDC_RP_CLIENT_ID
            and settings.OIDC_OP_AUTHORIZATION_ENDPOINT
            and settings.OIDC_OP_TOKEN_ENDPOINT
        )

    def start_url(self) -> str:
        return reverse("oidc_authentication_init")


class LloOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def authenticate(self, request: Any, **kwargs: Any) -> User | None:
        if not registry.is_enabled("oidc"):
            return None
        return super().authenticate(request, **kwargs)  # type: ignore[no-any-return]

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(
            claims.get(settings.LLO_OIDC_CLAIM_BSN) or claims.get(settings.LLO_OIDC_CLAIM_KVK)
        )

    def identity_from_claims(self, claims: dict[str, Any]) -> Identity:
        loa = str(claims.get(settings.LLO_OIDC_CLAIM_LOA, ""))
        if loa_rank(loa) < loa_rank(settings.LLO_OIDC_MIN_LOA):
            raise SuspiciousOperation(f"assurance level {loa!r} is below the minimum")
        bsn = str(claims.get(settings.LLO_OIDC_CLAIM_BSN, "") or "")
        kvk = str(claims.get(settings.LLO_OIDC_CLAIM_KVK, "") or "")
        role = Role.BURGER if bsn else str(claims.get(settings.LLO_OIDC_CLAIM_ROLE, "") or "")
        return Identity(role=role, bsn=bsn, kvk=kvk, assurance_level=loa, plugin="oidc")

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        # Users are found through the identity rules in get_or_create_user.
        return User.objects.none()

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        user_info = self.get_userinfo(access_token, id_token, payload)
        claims = {**payload, **(user_info or {})}
        if not self.verify_claims(claims):
            log.warning("OIDC login without a BSN or KvK claim")
            return None
        try:
            return resolve(self.identity_from_claims(claims))
        except (IdentityError, SuspiciousOperation) as exc:
            log.warning("OIDC login refused: %s", exc)
            return None


registry.register(OIDCPlugin())
