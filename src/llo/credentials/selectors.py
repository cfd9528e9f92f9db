# SPDX-License-Identifier: EUPL-1.2
"""Reads of credentials: llo's own resolver for the verifier (DID documents, signed status
lists, the register's standing of an issuer), the public list of issuers, and the wallet."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from llo.accounts.plan import FundingPlan, funding_plan
from llo.core import audit
from llo.core.timeutil import now, today
from llo.credentials import config, did, eddsa, ob3, statuslist, verify
from llo.credentials.models import Credential, Exemption, IssuerKey, ShareLink, StatusList
from llo.credentials.services.issuing import allowed
from llo.credentials.services.keys import ensure_key, signing_key
from llo.enrolment.services.facts import offer_facts
from llo.people.models import Organisation, Person
from llo.register.models import Offer, Offering, OfferingState, Opleider, ProviderStatus

ACTOR = audit.Actor.system("credentials")


def did_document(value: str) -> dict[str, Any] | None:
    """The DID document llo serves for ``value`` (None: not one of llo's DIDs)."""
    rows = list(IssuerKey.objects.filter(did=value).order_by("pk"))
    if not rows:
        return None
    return did.document(
        value,
        [
            did.KeySpec(k.fragment, k.public_multibase, k.valid_from, k.retired_at, k.revoked_at)
            for k in rows
        ],
    )


def did_document_of(organisation: Organisation | None) -> dict[str, Any]:
    key = ensure_key(organisation, ACTOR)
    found = did_document(key.did)
    assert found is not None
    return found


_signed_lists: dict[tuple[int, str], dict[str, Any]] = {}
_lists_lock = threading.Lock()


def status_list_credential(pk: int) -> dict[str, Any] | None:
    """The signed BitstringStatusListCredential of list ``pk``, signed again only when the
    list changed (llo's own DID signs it)."""
    row = StatusList.objects.filter(pk=pk).first()
    if row is None:
        return None
    version = (row.pk, row.updated_at.isoformat())
    with _lists_lock:
        found = _signed_lists.get(version)
    if found is not None:
        return found
    key = ensure_key(None, ACTOR)
    unsigned = statuslist.list_credential(
        config.status_list_url(row.pk),
        key.did,
        row.purpose,
        bytes(row.bits),
        ob3.stamp(row.updated_at),
    )
    signed = eddsa.sign(unsigned, signing_key(key), f"{key.did}#{key.fragment}", row.updated_at)
    with _lists_lock:
        _signed_lists.clear()  # keep only the newest versions around
        _signed_lists[version] = signed
    return signed


def issuer_entry(opleider: Opleider, on: dt.date) -> dict[str, Any]:
    """One entry of the public list of issuers (what offline verifiers use)."""
    return {
        "did": config.issuer_did(opleider.kvk),
        "name": opleider.name,
        "kvk": opleider.kvk,
        "status": opleider.status,
        "statusChangedAt": opleider.status_changed_at.isoformat()
        if opleider.status_changed_at
        else None,
        "kinds": sorted(k.value for k in allowed(opleider, on, as_admitted=True)),
    }


def issuers(on: dt.date | None = None) -> list[dict[str, Any]]:
    on = on or today()
    providers = Opleider.objects.select_related("organisation").prefetch_related("quality_marks")
    return [issuer_entry(o, on) for o in providers.order_by("organisation__kvk")]


class LloResolver:
    """The verifier's view of llo's database (no network: another DID, or a status list
    llo does not serve, is "unavailable" unless given)."""

    def __init__(
        self,
        documents: dict[str, dict[str, Any]] | None = None,
        status_lists: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.documents = documents or {}
        self.status_lists = status_lists or {}
        #: Only llo's own database answers: a verified status list may be remembered.
        self.trusted_source = not self.documents and not self.status_lists

    def did_document(self, value: str) -> dict[str, Any] | None:
        return self.documents.get(value) or did_document(value)

    def status_list(self, url: str) -> dict[str, Any] | None:
        if url in self.status_lists:
            return self.status_lists[url]
        pk = config.status_list_pk(url)
        return status_list_credential(pk) if pk is not None else None

    def issuer_standing(self, value: str, kind: ob3.Kind | None, issued: dt.datetime) -> str:
        kvk = config.kvk_of_did(value)
        if kvk is None:
            return "external-issuer"
        opleider = (
            Opleider.objects.filter(organisation__kvk=kvk)
            .select_related("organisation")
            .prefetch_related("quality_marks")
            .first()
        )
        if opleider is None:
            return "unknown-issuer"
        if opleider.status == ProviderStatus.REMOVED:
            return "removed-issuer"
        return verify.standing_from_entry(issuer_entry(opleider, issued.date()), kind, issued)


def verify_text(data: str | bytes | dict[str, Any]) -> verify.Verification:
    return verify.verify_document(data, LloResolver())


# --- the wallet -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WalletItem:
    credential: Credential
    state_label: str


def wallet(person: Person) -> list[Credential]:
    return list(
        Credential.objects.filter(person=person)
        .select_related("issuer")
        .order_by("-issued_at", "-pk")
    )


def credential_of(person: Person, value: str) -> Credential | None:
    return Credential.objects.filter(person=person, uuid=value).first() if _uuid(value) else None


def credential_by_uuid(value: str) -> Credential | None:
    return Credential.objects.filter(uuid=value).first() if _uuid(value) else None


def _uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def shared(token: str) -> Credential | None:
    """The credential behind a share link, while the link is valid."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    link = (
        ShareLink.objects.filter(token_hash=digest, revoked_at__isnull=True, expires_at__gt=now())
        .select_related("credential")
        .first()
    )
    return link.credential if link else None


def issued_by(provider: Organisation, kind: str | None = None) -> list[Credential]:
    rows = Credential.objects.filter(issuer=provider, source="issued")
    if kind is not None:
        rows = rows.filter(kind=kind)
    return list(rows.select_related("person").order_by("-issued_at", "-pk"))


def document_json(credential: Credential) -> dict[str, Any]:
    return json.loads(credential.document) if credential.document else {}


def programmes_with_units(limit: int = 200) -> list[Offer]:
    """Published programmes made of units (for "which exemptions could I get?")."""
    return list(
        Offer.objects.filter(offer_type="programme", state="published", parts__isnull=False)
        .select_related("opleider__organisation")
        .distinct()
        .order_by("title", "pk")[:limit]
    )


def exemption_programmes(person: Person) -> list[Offer]:
    return list(
        Offer.objects.filter(pk__in=Exemption.objects.filter(person=person).values("programme_id"))
        .select_related("opleider__organisation")
        .order_by("title")
    )


def programme_plan(person: Person, programme: Offer, on: dt.date) -> FundingPlan:
    """Who pays what for ``programme`` (its first start) after the exemptions the provider
    accepted: the funding plan with this person's price (its reductions name each exempted
    unit)."""
    offered, sources = offer_facts(programme, next_offering(programme, on), on)
    return funding_plan(
        person, offered, on, title=programme.title, offer_sources=sources, offer_id=programme.pk
    )


def next_offering(offer: Offer, on: dt.date) -> Offering | None:
    """The first start of ``offer`` one can still apply for (the exemptions page links to it)."""
    return (
        Offering.objects.filter(offer=offer, state=OfferingState.ACTIVE, start_date__gt=on)
        .order_by("start_date", "pk")
        .first()
    )


# --- reads of persons' credentials by someone else (audited) -----------------------------------


@dataclass(frozen=True)
class ProviderOverview:
    """What a provider's certificates page shows: enrolments it may issue on, what it issued,
    and the exemptions asked of its programmes, each with the person's name."""

    issuable: list[Any]
    issued: list[Credential]
    proposals: list[Exemption]


def provider_overview(actor: audit.Actor, provider: Organisation) -> ProviderOverview:
    """The provider's certificates page, with one audit row per person shown (issue 14,
    finding 5: a provider reading persons' credentials was not logged)."""
    from llo.credentials.services.issuing import issuable_enrolments

    issuable = issuable_enrolments(provider)
    issued = issued_by(provider)
    proposals = list(
        Exemption.objects.filter(programme__opleider__organisation=provider).select_related(
            "person", "unit", "credential", "programme"
        )
    )
    audit.log_reads(
        actor,
        [
            *(e.application.person_id for e in issuable),
            *(c.person_id for c in issued),
            *(x.person_id for x in proposals),
        ],
        "provider: certificates issued and to issue",
    )
    return ProviderOverview(issuable, issued, proposals)


def issued_evc(actor: audit.Actor, provider: Organisation) -> list[Credential]:
    """The ervaringscertificaten a provider gave, with the persons' names (audited)."""
    rows = issued_by(provider, kind="evc")
    audit.log_reads(actor, (c.person_id for c in rows), "assessor: ervaringscertificaten given")
    return rows


def shared_read(actor: audit.Actor, token: str) -> Credential | None:
    """A credential shown through the link its holder shared: the verifier (anyone with the
    link) reads the holder's data, so the read is logged for the holder (one row, purpose
    naming the credential; the link's token is never logged)."""
    row = shared(token)
    if row is not None:
        audit.log_reads(actor, [row.person_id], f"verifier: shared link of credential {row.uuid}")
    return row
