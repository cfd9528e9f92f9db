# SPDX-License-Identifier: EUPL-1.2
"""A small OpenID Provider for tests: django-oauth-toolkit in OIDC mode, on 127.0.0.1 only.

It is a separate Django project (own settings, own throw-away SQLite file) that stands in for
the DigiD/eHerkenning broker, so llo's OIDC login is tested against a real provider: real
authorization codes, PKCE (RFC 7636), RS256-signed ID tokens and a userinfo endpoint.
Start it with ``python -m tests.oidc_provider.serve`` (see ``serve.py``).
"""
