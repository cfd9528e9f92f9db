# SPDX-License-Identifier: EUPL-1.2
"""Settings of the test OpenID Provider. Only for ``serve.py``; never used by llo itself.

``serve.py`` sets ``OP_DB_PATH`` (a throw-away SQLite file) and ``OP_ISSUER`` before Django
starts. The RS256 signing key is generated fresh for every start, so no key is ever stored.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def _new_rsa_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")


DEBUG = False
SECRET_KEY = "test-oidc-provider-only-" + os.urandom(16).hex()
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.oidc_provider.urls"
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "tests.oidc_provider.apps.TestOPConfig",
]
# A throw-away database: create the tables straight from the models (``migrate
# --run-syncdb``) instead of replaying every migration, which keeps the start fast.
MIGRATION_MODULES = {app: None for app in ("auth", "contenttypes", "sessions", "oauth2_provider")}

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("OP_DB_PATH", ":memory:"),
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Passwords of invented test users: a fast hasher keeps the suite quick.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "/accounts/login/"
# Own cookie names, so they never mix with llo's (cookies ignore the port, RFC 6265 8.5).
SESSION_COOKIE_NAME = "op_session"
CSRF_COOKIE_NAME = "op_csrf"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("OP_RSA_PRIVATE_KEY") or _new_rsa_private_key(),
    "OIDC_ISS_ENDPOINT": os.environ.get("OP_ISSUER", ""),
    "PKCE_REQUIRED": True,
    # Behave like a strict broker (RFC 9700, OAuth 2.0 Security BCP): S256 only, ``iss`` in
    # the authorization response (RFC 9207), bearer tokens only in the header, hashed tokens.
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.validator.BrokerClaimsValidator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "bsn": "Burgerservicenummer",
        "kvk": "KvK-nummer en rol",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OP_LOG_LEVEL", "WARNING")},
}
