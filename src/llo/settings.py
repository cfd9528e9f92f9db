# SPDX-License-Identifier: EUPL-1.2
"""One settings module, configured from the environment (12-factor).

Every value a deployment must change comes from an ``LLO_*`` variable or ``DATABASE_URL``.
The defaults are safe for a developer's machine: DEBUG is off unless asked for, the
database is the embedded SQLite file in ``var/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("LLO_PROJECT_DIR", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("LLO_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("LLO_DEBUG", False)
HTTPS = env_bool("LLO_HTTPS", True)
#: Anything but a developer's machine (LLO_DEBUG on and LLO_HTTPS off) counts as a deployment:
#: there the three keys below must be set and strong, and the demo login must be off. The
#: server refuses to start otherwise (llo.wsgi) and `llo check --deploy` reports it as an
#: error (llo.core.checks; docs/operations.md).
DEPLOYMENT = not DEBUG or HTTPS

# No key has a default: a key written in this file would be the same key in every
# installation. `make demo` and `make bench` make keys of their own in var/dev-keys.env
# (scripts/dev-keys.sh); the tests set theirs in tests/settings.py.
SECRET_KEY = os.environ.get("LLO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("LLO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

# Keys for personal data. The BSN is encrypted at rest (Fernet) and found by a keyed hash
# (HMAC-SHA256), DESIGN.md section 4. LLO_BSN_ENCRYPTION_KEY may list several Fernet keys,
# comma-separated: the first encrypts, all decrypt (rotation: `llo rotate_bsn_keys`).
# LLO_BSN_HASH_KEY_PREVIOUS is only set while the hash key is being rotated.
LLO_BSN_ENCRYPTION_KEY = os.environ.get("LLO_BSN_ENCRYPTION_KEY", "")
LLO_BSN_HASH_KEY = os.environ.get("LLO_BSN_HASH_KEY", "")
LLO_BSN_HASH_KEY_PREVIOUS = os.environ.get("LLO_BSN_HASH_KEY_PREVIOUS", "")
# A deposit of at least this many persons is loaded into a database partition of its own on
# PostgreSQL (accounts/store/lines.py, docs/decisions/005).
LLO_DEPOSIT_PARTITION_MIN = int(os.environ.get("LLO_DEPOSIT_PARTITION_MIN", "20000"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "mozilla_django_oidc",
    "csp",
    "llo.core",
    "llo.regions",
    "llo.people",
    "llo.skills",
    "llo.notifications",
    "llo.register",
    "llo.schemes",
    "llo.accounts",
    "llo.enrolment",
    "llo.credentials",
    "llo.advice",
    "llo.monitoring",
    "llo.web",
    "llo.api",
    "llo.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "llo.core.middleware.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "llo.web.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "llo.core.busy.BusyMiddleware",  # 429 when saturated, before any query (issue 18)
    "llo.core.sessions.SessionMiddleware",  # Django's, with no_session_write (issue 18)
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "llo.core.ratelimit.RateLimitMiddleware",
    "llo.core.loginthrottle.AdminLoginThrottleMiddleware",
    "llo.core.denials.DenialLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "llo.api.middleware.ApiProblemMiddleware",
]

ROOT_URLCONF = "llo.urls"
WSGI_APPLICATION = "llo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "llo.web.context.llo_context",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL, see llo.core.apps) is the embedded default; DATABASE_URL selects PostgreSQL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'llo.sqlite3'}"),
        # Persistent connections (issue 18, decision 013): a new PostgreSQL connection per
        # request cost the health floor 8x (160 against 1,255 requests/s); a reused one is
        # checked first, so a restarted database costs one failed request, not a worker.
        conn_max_age=int(os.environ.get("LLO_DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # IMMEDIATE avoids "database is locked" upgrades under concurrent writers.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's cursors bind values on the client and are never prepared; only the ledger's
    # fast path (llo.accounts.store.fastpath) binds on the server, and with this its
    # two calls are prepared once per connection (docs/decisions/006). "off" for a pooler
    # that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
    _prepare = os.environ.get("LLO_DB_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        None if _prepare.lower() == "off" else int(_prepare)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "llo.web.login.demo.DemoBackend",
    "llo.web.login.oidc.LloOIDCBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:landing"
# mozilla-django-oidc needs a path here, not a URL name: where a refused OIDC login lands.
LOGIN_REDIRECT_URL_FAILURE = "/inloggen/mislukt"

# Login plugins that are switched on (llo.web.login.registry). Only "oidc" unless asked: the
# demo login lets anyone be anyone, so `make demo` and the tests switch it on explicitly, and
# a deployment (DEPLOYMENT above) refuses to start with it.
LLO_LOGIN_PLUGINS = env_list("LLO_LOGIN_PLUGINS", "oidc")

# OIDC (DigiD / eHerkenning through an OIDC broker): authorization code flow with PKCE.
OIDC_RP_CLIENT_ID = os.environ.get("LLO_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("LLO_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("LLO_OIDC_SIGN_ALGO", "RS256")
OIDC_OP_ISSUER = os.environ.get("LLO_OIDC_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("LLO_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("LLO_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("LLO_OIDC_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("LLO_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SCOPES = os.environ.get("LLO_OIDC_SCOPES", "openid bsn kvk")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_STORE_ID_TOKEN = False
OIDC_CREATE_USER = True
OIDC_VERIFY_SSL = env_bool("LLO_OIDC_VERIFY_SSL", True)
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
# Claim names differ per broker; these are the defaults of the NL GOV profile brokers.
LLO_OIDC_CLAIM_BSN = os.environ.get("LLO_OIDC_CLAIM_BSN", "bsn")
LLO_OIDC_CLAIM_KVK = os.environ.get("LLO_OIDC_CLAIM_KVK", "kvk")
LLO_OIDC_CLAIM_ROLE = os.environ.get("LLO_OIDC_CLAIM_ROLE", "llo_role")
LLO_OIDC_CLAIM_LOA = os.environ.get("LLO_OIDC_CLAIM_LOA", "acr")
# The lowest assurance level accepted (eIDAS: low < substantial < high; DigiD: basis < midden
# < substantieel < hoog).
LLO_OIDC_MIN_LOA = os.environ.get("LLO_OIDC_MIN_LOA", "substantial")

# --- Sessions, cookies and security headers --------------------------------------------------
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions in the database (decision 013: a logout or a blocked account ends a session at once
# on every instance), read by one prepared statement (llo.core.sessions.SessionStore).
SESSION_ENGINE = "llo.core.sessions"
SESSION_COOKIE_AGE = 30 * 60  # 30 minutes, renewed on activity
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "llo_session"
CSRF_COOKIE_NAME = "llo_csrf"
CSRF_FAILURE_VIEW = "llo.web.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = HTTPS and env_bool("LLO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
CSRF_TRUSTED_ORIGINS = env_list("LLO_CSRF_TRUSTED_ORIGINS", "")
# Bodies llo reads (llo.core.middleware refuses larger ones with 413 before reading them):
# forms and JSON, and files (a deposit file, an import of offers). docs/operations.md,
# "Limits", gives the measurements they rest on.
LLO_MAX_BODY_BYTES = int(os.environ.get("LLO_MAX_BODY_BYTES", str(10 * 1024 * 1024)))
LLO_MAX_UPLOAD_BYTES = int(os.environ.get("LLO_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = LLO_MAX_UPLOAD_BYTES
# Background jobs (llo.core.jobs, `llo run_jobs`): the handler of each kind of job, and after
# how long a job still "running" is taken to have lost its worker.
LLO_JOB_HANDLERS: dict[str, str] = {
    "register.import": "llo.register.jobs.import_offers",
    "accounts.deposit_file": "llo.accounts.jobs.deposit_file",
}
#: A file larger than this is handled by a job, not in the request (docs/operations.md).
LLO_JOB_INLINE_BYTES = int(os.environ.get("LLO_JOB_INLINE_BYTES", str(2 * 1024 * 1024)))
LLO_JOB_STALE_SECONDS = int(os.environ.get("LLO_JOB_STALE_SECONDS", "3600"))
# Behind how many reverse proxies llo runs (they append the client's address to
# X-Forwarded-For); 0: the client is REMOTE_ADDR. The abuse limits count per address.
LLO_TRUSTED_PROXIES = int(os.environ.get("LLO_TRUSTED_PROXIES", "0"))
# Busy (llo.core.busy, decision 013): a request that would wait longer than this for a worker
# is answered 429 at once; the requests the server handles at once (its workers times threads,
# as llo.gunicorn_conf reads them).
LLO_BUSY_WAIT_SECONDS = float(os.environ.get("LLO_BUSY_WAIT_SECONDS", "3"))
LLO_BUSY_WORKERS = int(os.environ.get("LLO_WORKERS", "4")) * int(os.environ.get("LLO_THREADS", "1"))
# Failed logins per account in a fixed window (llo.core.loginthrottle; 0 switches it off);
# a device the account logged in from before is not held up by others' failures.
LLO_LOGIN_ACCOUNT_FAILURES = int(os.environ.get("LLO_LOGIN_ACCOUNT_FAILURES", "5"))
LLO_LOGIN_ACCOUNT_WINDOW = int(os.environ.get("LLO_LOGIN_ACCOUNT_WINDOW", "900"))

_oidc_origin = ""
if OIDC_OP_AUTHORIZATION_ENDPOINT:
    from urllib.parse import urlsplit

    _parts = urlsplit(OIDC_OP_AUTHORIZATION_ENDPOINT)
    _oidc_origin = f"{_parts.scheme}://{_parts.netloc}"

# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        # Chrome applies form-action to the redirect after a form post: the OIDC login
        # form redirects to the identity broker.
        "form-action": [SELF, *([_oidc_origin] if _oidc_origin else [])],
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True  # stored in UTC, shown in Dutch time

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A deployment (and `make demo`) runs collectstatic and serves hashed, compressed files from
# STATIC_ROOT with LLO_STATIC_MANIFEST=1. Without it (tests, development) files are served
# straight from the app folders, so nothing depends on what happens to lie in var/static.
STATIC_MANIFEST = env_bool("LLO_STATIC_MANIFEST", False)
if not STATIC_MANIFEST:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG

# --- E-mail (notifications, llo.notifications) -----------------------------------------------
# SMTP when LLO_EMAIL_HOST is set; otherwise every e-mail is written as a file in var/mail, so
# `make demo` and a fresh machine never try to reach a mail server. Tests use Django's
# in-memory backend.
LLO_SITE_URL = os.environ.get("LLO_SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("LLO_EMAIL_FROM", "llo <noreply@llo.example.nl>")
if os.environ.get("LLO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["LLO_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("LLO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("LLO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("LLO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("LLO_EMAIL_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# --- API ------------------------------------------------------------------------------------
LLO_API_VERSION = "1.0.0"
# The address the world reaches llo at: credentials carry it for ever (did:web, status lists).
LLO_PUBLIC_URL = os.environ.get("LLO_PUBLIC_URL", "https://llo.example.nl").rstrip("/")
NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LLO_LOG_LEVEL", "WARNING")},
}
