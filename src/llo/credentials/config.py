# SPDX-License-Identifier: EUPL-1.2
"""Where llo's public things live: the DIDs, status lists and pages that credentials name.

``LLO_PUBLIC_URL`` (https, no trailing slash) is the address the world reaches llo at; a
credential carries it for ever, so a deployment sets it once. The did:web identifiers follow
from it (did:web method, section 3.2).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from llo.credentials import did


def public_url() -> str:
    return str(getattr(settings, "LLO_PUBLIC_URL", "https://llo.example.nl")).rstrip("/")


def host() -> str:
    return urlsplit(public_url()).netloc


def platform_did() -> str:
    """llo's own DID (signs the status lists): ``/.well-known/did.json``."""
    return did.did_web(host())


def issuer_did(kvk: str) -> str:
    """A provider's DID: ``/issuers/<kvk>/did.json``."""
    return did.did_web(host(), "issuers", kvk)


def kvk_of_did(value: str) -> str | None:
    prefix = issuer_did("")
    if value.startswith(prefix) and value[len(prefix) :].isdigit():
        return value[len(prefix) :]
    return None


def status_list_url(pk: int) -> str:
    return f"{public_url()}/credentials/status/{pk}"


def status_list_pk(url: str) -> int | None:
    prefix = f"{public_url()}/credentials/status/"
    rest = url[len(prefix) :] if url.startswith(prefix) else ""
    return int(rest) if rest.isdigit() and len(rest) < 10 else None


def offer_url(pk: int) -> str:
    return f"{public_url()}/opleidingen/{pk}"


def provider_url(kvk: str) -> str:
    return f"{public_url()}/opleiders/{kvk}"


def skill_url(name: str) -> str:
    from django.utils.text import slugify

    return f"{public_url()}/vaardigheden/{slugify(name)}"


def occupation_url(name: str) -> str:
    from django.utils.text import slugify

    return f"{public_url()}/beroepen/{slugify(name)}"
