# SPDX-License-Identifier: EUPL-1.2
"""OIDC login (DigiD for citizens, eHerkenning for organisations, through an OIDC broker).

mozilla-django-oidc does the authorization-code flow with PKCE (S256, RFC 7636), checks
``state`` and ``nonce`` and the ID token's signature. This backend adds the ID-token checks
mozilla-django-oidc 4 leaves out (``iss``, ``aud``, ``exp``: OIDC Core 3.1.3.7), reads the BSN
or KvK number, the role and the assurance level from the claims and hands them to the same
identity rules as the demo (``identity.resolve``).

A refused login never half-writes: nothing is stored before every check has passed, and
``resolve`` writes the User and its audit row in one transaction. The reason is logged (never
the BSN) and a short message for the person is kept in the session for :func:`login_failed`,
the page ``LOGIN_REDIRECT_URL_FAILURE`` points at.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from llo.core.identifiers import IdentifierError, validate_bsn, validate_kvk
from llo.core.roles import Role
from llo.people.models import User
from llo.people.store.users import active_user
from llo.web.login.identity import Identity, IdentityError, resolve
from llo.web.login.registry import registry

log = logging.getLogger(__name__)

#: Session key for the message :func:`login_failed` shows after a refused login.
REFUSED_SESSION_KEY = "llo_oidc_refused"
#: Clock skew allowed when checking ``exp`` and ``iat`` of the ID token, in seconds.
CLOCK_SKEW = 60

# One scale for all names of an assurance level, after eIDAS (Regulation 910/2014 art. 8):
# 1 low, 2 substantial, 3 high. DigiD Basis and Midden are both eIDAS low (Logius; VNG
# "DigiD Laag"), eHerkenning EH2/EH2+ low, EH3 substantial, EH4 high (Afsprakenstelsel
# eToegang). The SAML class references are the ones DigiD sends (DigiD koppelvlak).
LOA_ORDER = {
    "low": 1,
    "laag": 1,
    "basis": 1,
    "midden": 1,
    "http://eidas.europa.eu/loa/low": 1,
    "urn:oasis:names:tc:saml:2.0:ac:classes:passwordprotectedtransport": 1,
    "urn:oasis:names:tc:saml:2.0:ac:classes:mobiletwofactorcontract": 1,
    "urn:etoegang:core:assurance-class:loa2": 1,
    "urn:etoegang:core:assurance-class:loa2plus": 1,
    "substantial": 2,
    "substantieel": 2,
    "http://eidas.europa.eu/loa/substantial": 2,
    "urn:oasis:names:tc:saml:2.0:ac:classes:smartcard": 2,
    "urn:etoegang:core:assurance-class:loa3": 2,
    "high": 3,
    "hoog": 3,
    "http://eidas.europa.eu/loa/high": 3,
    "urn:oasis:names:tc:saml:2.0:ac:classes:smartcardpki": 3,
    "urn:etoegang:core:assurance-class:loa4": 3,
}


def loa_rank(value: str) -> int:
    """The rank of an assurance level on the eIDAS scale; 0 when unknown or missing."""
    return LOA_ORDER.get(value.strip().lower(), 0) if value else 0


def meets_minimum(loa: str, minimum: str) -> bool:
    """Fail closed: an unknown level never passes, not even against an unknown minimum."""
    return loa_rank(loa) >= max(1, loa_rank(minimum))


class LoginRefused(Exception):
    """The broker vouched for someone llo does not let in.

    ``reason`` is for the log (never a BSN); ``message`` is for the person (Dutch B1 through
    gettext).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


class OIDCPlugin:
    identifier = "oidc"
    title = gettext_lazy("Log in with DigiD or eHerkenning")
    description = gettext_lazy("Citizens use DigiD; organisations use eHerkenning.")

    def is_configured(self) -> bool:
        return bool(
            settings.OIDC_RP_CLIENT_ID
            and settings.OIDC_OP_AUTHORIZATION_ENDPOINT
            and settings.OIDC_OP_TOKEN_ENDPOINT
        )

    def start_url(self) -> str:
        return reverse("oidc_authentication_init")


def _claim(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    return "" if value is None else str(value).strip()


def check_id_token(payload: dict[str, Any], *, client_id: str, issuer: str, now: float) -> None:
    """The ID-token checks of OIDC Core 3.1.3.7 that mozilla-django-oidc does not do.

    Raises SuspiciousOperation. ``issuer`` is checked when configured (``LLO_OIDC_ISSUER``).
    """
    if issuer and payload.get("iss") != issuer:
        raise SuspiciousOperation("ID token issuer does not match OIDC_OP_ISSUER")
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if client_id not in audiences:
        raise SuspiciousOperation("ID token is not meant for this client (aud)")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        raise SuspiciousOperation("ID token has several audiences but azp is not this client")
    exp = payload.get("exp")
    if not isinstance(exp, int | float) or exp + CLOCK_SKEW < now:
        raise SuspiciousOperation("ID token has expired (exp)")
    iat = payload.get("iat")
    if isinstance(iat, int | float) and iat - CLOCK_SKEW > now:
        raise SuspiciousOperation("ID token is issued in the future (iat)")


class LloOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: Any, **kwargs: Any) -> User | None:
        if not registry.is_enabled("oidc"):
            return None
        try:
            return super().authenticate(request, **kwargs)
        except LoginRefused as exc:
            log.warning("OIDC login refused: %s", exc.reason)
            self._remember(request, exc.message)
        except SuspiciousOperation as exc:
            # A bad signature, nonce, issuer, audience or expiry: someone may be tampering.
            log.warning("OIDC login refused: the ID token failed a check: %s", exc)
            self._remember(request, _("We could not check your login. Please try again."))
        except requests.RequestException as exc:
            # The broker is down, or refused the code (for example a wrong PKCE verifier).
            log.warning("OIDC login failed: the broker did not answer as expected: %s", exc)
            self._remember(request, _("The login service did not answer. Please try again later."))
        return None

    @staticmethod
    def _remember(request: Any, message: str) -> None:
        session = getattr(request, "session", None)
        if session is not None:
            session[REFUSED_SESSION_KEY] = str(message)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        check_id_token(
            payload,
            client_id=self.OIDC_RP_CLIENT_ID,
            issuer=getattr(settings, "OIDC_OP_ISSUER", ""),
            now=time.time(),
        )
        return payload

    def claims_for(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The ID token's claims, completed from the userinfo endpoint when there is one."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return dict(payload)
        user_info = self.get_userinfo(access_token, id_token, payload) or {}
        # OIDC Core 5.3.2: the userinfo response is only about this person if ``sub`` matches.
        if user_info.get("sub") != payload.get("sub"):
            raise LoginRefused(
                "userinfo sub does not match the ID token",
                _("We could not check your login. Please try again."),
            )
        # The ID token is signed, so its claims win; userinfo fills in what it left out.
        return {**user_info, **payload}

    def identity_from_claims(self, claims: dict[str, Any]) -> Identity:
        """Read the identity from the claims, or raise LoginRefused. Writes nothing."""
        loa = _claim(claims, settings.LLO_OIDC_CLAIM_LOA)
        if not meets_minimum(loa, settings.LLO_OIDC_MIN_LOA):
            raise LoginRefused(
                f"assurance level {loa!r} is below {settings.LLO_OIDC_MIN_LOA!r}",
                _(
                    "This way of logging in is not safe enough for llo. Log in with DigiD "
                    "Substantieel or Hoog (the DigiD app with ID check), or with eHerkenning "
                    "level EH3 or higher."
                ),
            )
        bsn = _claim(claims, settings.LLO_OIDC_CLAIM_BSN)
        kvk = _claim(claims, settings.LLO_OIDC_CLAIM_KVK)
        role = _claim(claims, settings.LLO_OIDC_CLAIM_ROLE)
        if not bsn and not kvk:
            raise LoginRefused(
                "no BSN or KvK number in the claims",
                _("The login service did not send your BSN or KvK number. Please try again."),
            )
        if not role:
            if not bsn:
                raise LoginRefused(
                    "a KvK number without a role claim",
                    _("The login service did not say in which role you act for your organisation."),
                )
            role = Role.BURGER
        try:
            if bsn:
                validate_bsn(bsn)
            if kvk:
                validate_kvk(kvk)
        except IdentifierError as exc:
            raise LoginRefused(
                "the BSN or KvK number in the claims is not valid",
                _("The login service sent a number that is not valid. Please try again later."),
            ) from exc
        return Identity(role=role, bsn=bsn, kvk=kvk, assurance_level=loa, plugin="oidc")

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        identity = self.identity_from_claims(self.claims_for(access_token, id_token, payload))
        try:
            return resolve(identity)
        except IdentityError as exc:
            raise LoginRefused(f"identity rules: {exc.field}", exc.message) from exc

    def get_user(self, user_id: int) -> User | None:
        # The person or organisation read along, in one prepared statement: nearly every
        # request of a logged-in user needs it (issue 18, decision 013).
        return active_user(user_id)


def login_failed(request: HttpRequest) -> HttpResponse:
    """Where ``LOGIN_REDIRECT_URL_FAILURE`` sends a refused or broken OIDC login."""
    message = request.session.pop(REFUSED_SESSION_KEY, "") or _(
        "Logging in did not work. Please try again."
    )
    return render(
        request,
        "web/error.html",
        {"title": _("You are not logged in"), "message": message},
        status=403,
    )


registry.register(OIDCPlugin())
