# SPDX-License-Identifier: EUPL-1.2
"""What a deployment must have before it serves anyone (issue 14, finding 3).

A *deployment* is every run except a developer's machine with ``LLO_DEBUG`` on and
``LLO_HTTPS`` off (``settings.DEPLOYMENT``). There llo needs its own secret key and both BSN
keys, strong and distinct, the demo login off (anyone could be anyone), DEBUG off and no
wildcard host. These are *errors*, not Django's deployment warnings:

* ``llo check --deploy`` lists them and exits non-zero;
* the WSGI application (``llo.wsgi``, what gunicorn loads) runs them first and refuses to
  start (:func:`refuse_to_start`).

docs/operations.md lists each check and how to fix it.
"""

from __future__ import annotations

import base64
import contextlib
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from llo.core.crypto import MIN_HASH_KEY_LENGTH, encryption_keys, fernet_problem

TAG = "llo_deployment"
#: Words that mark a key as one for development or tests: never in a deployment.
WEAK_MARKERS = ("dev-only", "test-only", "insecure", "change-me", "changeme", "example")
MIN_SECRET_KEY_LENGTH = 50  # Django's own rule (security.W009)
MIN_SECRET_KEY_CHARS = 5


def _raw(name: str) -> Any:
    # settings.SECRET_KEY raises ImproperlyConfigured when empty: read it without that.
    try:
        return getattr(settings, name, "")
    except ImproperlyConfigured:
        return ""


def _weak(value: str) -> bool:
    """A key marked for development or tests, in clear or inside a Fernet key's base64."""
    texts = [value.lower()]
    with contextlib.suppress(ValueError):
        texts.append(base64.urlsafe_b64decode(value.encode()).decode("latin-1").lower())
    return any(marker in text for text in texts for marker in WEAK_MARKERS)


def deployment_errors() -> list[checks.CheckMessage]:
    if not getattr(settings, "DEPLOYMENT", True):
        return []
    errors: list[checks.CheckMessage] = []
    secret = str(_raw("SECRET_KEY") or "")
    if not secret:
        errors.append(
            checks.Error(
                "LLO_SECRET_KEY is not set.",
                hint="Set LLO_SECRET_KEY to a random value of at least 50 characters "
                "(docs/operations.md, Keys).",
                id="llo.E001",
            )
        )
    elif (
        len(secret) < MIN_SECRET_KEY_LENGTH
        or len(set(secret)) < MIN_SECRET_KEY_CHARS
        or secret.startswith("django-insecure-")
        or _weak(secret)
    ):
        errors.append(
            checks.Error(
                "LLO_SECRET_KEY is too short, too simple or a development key.",
                hint="Use a random value of at least 50 characters, made for this deployment.",
                id="llo.E001",
            )
        )
    keys = encryption_keys(str(_raw("LLO_BSN_ENCRYPTION_KEY") or ""))
    if not keys:
        errors.append(
            checks.Error(
                "LLO_BSN_ENCRYPTION_KEY is not set: BSNs cannot be encrypted.",
                hint="Set it to a Fernet key (docs/operations.md, Keys).",
                id="llo.E002",
            )
        )
    for number, key in enumerate(keys, start=1):
        problem = fernet_problem(key) or ("a development or test key" if _weak(key) else "")
        if problem:
            errors.append(
                checks.Error(
                    f"LLO_BSN_ENCRYPTION_KEY, key {number}: {problem}.",
                    hint="Make one with: python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'",
                    id="llo.E002",
                )
            )
    hash_key = str(_raw("LLO_BSN_HASH_KEY") or "")
    if not hash_key:
        errors.append(
            checks.Error(
                "LLO_BSN_HASH_KEY is not set: persons cannot be found by BSN.",
                hint="Set it to a random value of at least 32 characters.",
                id="llo.E003",
            )
        )
    elif len(hash_key) < MIN_HASH_KEY_LENGTH or _weak(hash_key):
        errors.append(
            checks.Error(
                "LLO_BSN_HASH_KEY is too short or a development key.",
                hint=f"Use a random value of at least {MIN_HASH_KEY_LENGTH} characters.",
                id="llo.E003",
            )
        )
    elif hash_key == secret or hash_key in keys:
        errors.append(
            checks.Error(
                "LLO_BSN_HASH_KEY is the same as another key.",
                hint="Every key has its own value: a leaked secret key must not reveal BSNs.",
                id="llo.E003",
            )
        )
    if "demo" in list(getattr(settings, "LLO_LOGIN_PLUGINS", [])):
        errors.append(
            checks.Error(
                "The demo login is on: anyone can log in as anyone.",
                hint="Set LLO_LOGIN_PLUGINS=oidc. The demo login is only for a developer's "
                "machine (LLO_DEBUG=true and LLO_HTTPS=false, as `make demo` sets).",
                id="llo.E004",
            )
        )
    if settings.DEBUG:
        errors.append(
            checks.Error(
                "DEBUG is on while LLO_HTTPS is on: error pages would show code and settings.",
                hint="Remove LLO_DEBUG (it is off by default).",
                id="llo.E005",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        errors.append(
            checks.Error(
                "LLO_ALLOWED_HOSTS contains '*'.",
                hint="List the host names llo is served under.",
                id="llo.E006",
            )
        )
    return errors


@checks.register(TAG, checks.Tags.security, deploy=True)
def check_deployment(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return deployment_errors()


def refuse_to_start() -> None:
    """Raise ImproperlyConfigured naming every deployment error (the WSGI entry point calls
    this before it serves anything)."""
    errors = [e for e in deployment_errors() if e.level >= checks.ERROR]
    if errors:
        lines = "\n".join(f"  {e.id}: {e.msg} {e.hint or ''}".rstrip() for e in errors)
        raise ImproperlyConfigured(
            "llo refuses to start: this is a deployment (LLO_DEBUG off or LLO_HTTPS on) and\n"
            f"{lines}\nSee docs/operations.md."
        )
