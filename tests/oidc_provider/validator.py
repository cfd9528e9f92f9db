# SPDX-License-Identifier: EUPL-1.2
"""Release the broker claims (``bsn``, ``kvk``, ``llo_role``, ``acr``) from the user's profile."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

#: The claims a broker releases, in the ID token and at the userinfo endpoint.
RELEASED_CLAIMS = ("bsn", "kvk", "llo_role", "acr")


class BrokerClaimsValidator(OAuth2Validator):
    # DOT releases a claim only when the client asked for its scope (OIDC Core 5.4). A broker
    # releases the BSN under scope ``bsn`` and the KvK number with the role under ``kvk``;
    # the assurance level (``acr``, OIDC Core 2) comes with every ``openid`` login.
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "bsn": "bsn",
        "kvk": "kvk",
        "llo_role": "kvk",
        "acr": "openid",
    }

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        profile = getattr(request.user, "op_profile", None)
        claims: dict[str, Any] = profile.claims if profile is not None else {}
        return {name: claims[name] for name in RELEASED_CLAIMS if claims.get(name)}
