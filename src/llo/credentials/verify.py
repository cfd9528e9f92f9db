# SPDX-License-Identifier: EUPL-1.2
"""Verify a credential and name every check: signature, issuer, status, validity dates, schema.

Pure: what the database knows comes in through a :class:`Resolver` (llo's own, in
``selectors``; or :class:`OfflineResolver` over a DID document, a status list and the
register's list of issuers, for verifying without llo and without the internet). Any input,
however broken, gives a :class:`Verification`; nothing raises and nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from llo.credentials import did as dids
from llo.credentials import eddsa, elm, jose, ob3, schema, statuslist
from llo.credentials.contexts import check_contexts
from llo.credentials.errors import REASONS, CredentialError
from llo.credentials.limits import DEFAULT_LIMITS, Limits, check_depth, parse_json


class Check(StrEnum):
    SIGNATURE = "signature"
    ISSUER = "issuer"
    STATUS = "status"
    DATES = "dates"
    SCHEMA = "schema"


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"  # passed, with something the reader should know
    SKIPPED = "skipped"  # not checked: an earlier check failed


@dataclass(frozen=True)
class CheckResult:
    check: Check
    outcome: Outcome
    code: str = ""
    detail: str = ""

    @property
    def reason(self) -> str:
        return str(REASONS[self.code]) if self.code in REASONS else ""

    def as_json(self) -> dict[str, Any]:
        return {
            "check": self.check.value,
            "outcome": self.outcome.value,
            "code": self.code,
            "reason": self.reason,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Verification:
    valid: bool
    form: str  # "jsonld" | "jwt" | ""
    checks: tuple[CheckResult, ...]
    credential: dict[str, Any] | None = None
    #: revoked/suspended as found by the status check (for the wallet's labels).
    status: str = ""

    @property
    def first_failure(self) -> CheckResult | None:
        return next((c for c in self.checks if c.outcome == Outcome.FAILED), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "form": self.form,
            "status": self.status,
            "checks": [c.as_json() for c in self.checks],
        }


class Resolver(Protocol):
    def did_document(self, did: str) -> dict[str, Any] | None: ...

    def status_list(self, url: str) -> dict[str, Any] | None: ...

    def issuer_standing(self, did: str, kind: ob3.Kind | None, issued: dt.datetime) -> str:
        """ "" when the issuer may issue this kind on that date; else an error code
        (``unknown-issuer``, ``removed-issuer``, ``not-allowed``, ``external-issuer``...)."""
        ...


@dataclass
class OfflineResolver:
    """Verification without llo: DID documents, status lists and the register's list of
    issuers (``/api/v1/credentials/issuers``), all given as files."""

    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    status_lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: did -> {"status": "admitted"|..., "kinds": [...], "statusChangedAt": iso or None}
    issuers: dict[str, dict[str, Any]] | None = None

    def did_document(self, did: str) -> dict[str, Any] | None:
        return self.documents.get(did)

    def status_list(self, url: str) -> dict[str, Any] | None:
        return self.status_lists.get(url)

    def issuer_standing(self, did: str, kind: ob3.Kind | None, issued: dt.datetime) -> str:
        if self.issuers is None:
            return "external-issuer"
        entry = self.issuers.get(did)
        return standing_from_entry(entry, kind, issued)


def standing_from_entry(
    entry: dict[str, Any] | None, kind: ob3.Kind | None, issued: dt.datetime
) -> str:
    """The issuer check over one entry of the register's issuer list (pure rule shared by
    the online and the offline resolver)."""
    if entry is None:
        return "unknown-issuer"
    status = entry.get("status")
    changed = _parse(entry.get("statusChangedAt"))
    if status == "removed":
        return "removed-issuer"
    if status == "suspended" and (changed is None or issued >= changed):
        return "suspended-issuer"
    if kind is None or kind.value not in entry.get("kinds", []):
        return "not-allowed"
    return ""


def _parse(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def _key_resolver(
    resolver: Resolver,
) -> Callable[[str, dt.datetime | None], Ed25519PublicKey]:
    def resolve(verification_method: str, created: dt.datetime | None) -> Ed25519PublicKey:
        did = verification_method.split("#", 1)[0]
        if did.startswith("did:key:"):
            document = dids.did_key_document(did)
        else:
            found = resolver.did_document(did)
            if found is None:
                raise CredentialError(
                    "unresolvable-did" if did.startswith("did:web:") else "bad-did", did[:200]
                )
            document = found
        return dids.key_from_document(document, verification_method, created)

    return resolve


def looks_like_jwt(text: str) -> bool:
    text = text.strip()
    return not text.startswith("{") and text.count(".") == 2


def _date_check(doc: dict[str, Any], now: dt.datetime) -> CheckResult:
    start = doc.get("validFrom")
    end = doc.get("validUntil")
    start_at = _parse(start) if start is not None else None
    end_at = _parse(end) if end is not None else None
    if (start is not None and start_at is None) or (end is not None and end_at is None):
        return CheckResult(Check.DATES, Outcome.FAILED, "bad-date")
    if start_at is not None and now < start_at:
        return CheckResult(Check.DATES, Outcome.FAILED, "not-yet-valid", str(start))
    if end_at is not None and now >= end_at:
        return CheckResult(Check.DATES, Outcome.FAILED, "expired", str(end))
    return CheckResult(Check.DATES, Outcome.PASSED)


def _status_check(
    doc: dict[str, Any], resolver: Resolver, limits: Limits, depth: int
) -> tuple[CheckResult, str]:
    try:
        entries = statuslist.entries_of(doc)
    except CredentialError as exc:
        return CheckResult(Check.STATUS, Outcome.FAILED, exc.code, exc.detail), ""
    for item in entries:
        url = item["statusListCredential"]
        found = resolver.status_list(url)
        if found is None:
            return CheckResult(Check.STATUS, Outcome.FAILED, "status-unavailable", url), ""
        if depth == 0:
            # The status list is a credential itself: its signature and dates are checked
            # (a list seen before, byte for byte the same, is not checked again).
            listed = _verified_list(found, resolver, limits)
            if not listed.valid:
                failure = listed.first_failure
                return (
                    CheckResult(
                        Check.STATUS,
                        Outcome.FAILED,
                        "bad-status",
                        f"the status list is not valid: {failure.code if failure else ''}",
                    ),
                    "",
                )
        try:
            value = statuslist.value_in_list(
                found,
                item["statusPurpose"],
                int(item["statusListIndex"]),
                int(item.get("statusSize", 1)),
            )
        except CredentialError as exc:
            return CheckResult(Check.STATUS, Outcome.FAILED, exc.code, exc.detail), ""
        code = statuslist.outcome(item, value)
        if code:
            return CheckResult(Check.STATUS, Outcome.FAILED, code), code
    return CheckResult(Check.STATUS, Outcome.PASSED), ""


_lists_seen: dict[tuple[str, str], tuple[dt.datetime | None, Verification]] = {}


def _verified_list(found: dict[str, Any], resolver: Resolver, limits: Limits) -> Verification:
    """Verify a status list credential, remembering the answer for this exact text (sha-256
    of its JSON) and resolver kind until its ``validUntil``: every credential on one list
    points at the same list, and the verify page should not check it again per request."""
    import hashlib
    import json

    if not getattr(resolver, "trusted_source", False):
        # Only a resolver whose DID documents llo itself holds may reuse an answer: given
        # documents differ from call to call.
        return verify_document(found, resolver, limits=limits, depth=1)
    digest = hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()
    key = (type(resolver).__name__, digest)
    now = dt.datetime.now(dt.UTC)
    seen = _lists_seen.get(key)
    if seen is not None and (seen[0] is None or now < seen[0]):
        return seen[1]
    listed = verify_document(found, resolver, limits=limits, depth=1)
    if listed.valid:
        if len(_lists_seen) > 256:
            _lists_seen.clear()
        _lists_seen[key] = (_parse(found.get("validUntil")), listed)
    return listed


def verify_document(
    data: str | bytes | dict[str, Any],
    resolver: Resolver,
    *,
    now: dt.datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
    depth: int = 0,
) -> Verification:
    """Verify ``data``: a JSON-LD credential with an eddsa-rdfc-2022 proof (text or parsed)
    or a VC-JOSE compact JWS. Every check is named in the result."""
    now = now or dt.datetime.now(dt.UTC)
    form = ""
    doc: dict[str, Any] | None = None
    issued: dt.datetime | None = None
    try:
        if isinstance(data, bytes):
            if len(data) > limits.max_bytes * 2:
                raise CredentialError("too-large")
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise CredentialError("not-json", "not UTF-8 text") from exc
        if isinstance(data, str) and looks_like_jwt(data):
            form = "jwt"

            def by_kid(kid: str, credential: dict[str, Any]) -> Ed25519PublicKey:
                return _key_resolver(resolver)(kid, _parse(credential.get("validFrom")))

            _header, doc = jose.verify(data, by_kid, limits)
            issued = _parse(doc.get("validFrom"))
            if not kid_matches_issuer(
                _header.get("kid", ""), elm.to_ob3_view(doc) if elm.is_elm(doc) else doc
            ):
                raise CredentialError("unknown-key", "the key is not the issuer's")
        else:
            form = "jsonld"
            parsed = parse_json(data, limits) if isinstance(data, str) else data
            if not isinstance(parsed, dict):
                raise CredentialError("not-object")
            check_depth(parsed, limits)
            check_contexts(parsed)  # the clearer reason first: a vocabulary llo lacks
            doc = parsed
            info = eddsa.verify(doc, _key_resolver(resolver), limits)
            issued = info.created
            if not kid_matches_issuer(info.verification_method, doc):
                raise CredentialError("unknown-key", "the key is not the issuer's")
    except CredentialError as exc:
        checks = [CheckResult(Check.SIGNATURE, Outcome.FAILED, exc.code, exc.detail)]
        checks += [
            CheckResult(c, Outcome.SKIPPED)
            for c in (Check.ISSUER, Check.STATUS, Check.DATES, Check.SCHEMA)
        ]
        return Verification(False, form, tuple(checks), doc if isinstance(doc, dict) else None)
    assert doc is not None
    is_elm = elm.is_elm(doc)
    view = elm.to_ob3_view(doc) if is_elm else doc
    checks = [CheckResult(Check.SIGNATURE, Outcome.PASSED)]
    is_list = "BitstringStatusListCredential" in (doc.get("type") or [])
    status_found = ""
    if depth == 0 and not is_list:
        kind = ob3.kind_of(view)
        when = issued or _parse(view.get("validFrom")) or now
        standing = resolver.issuer_standing(ob3.issuer_id(view), kind, when)
        if standing == "external-issuer":
            checks.append(CheckResult(Check.ISSUER, Outcome.WARNING, standing))
        elif standing:
            checks.append(CheckResult(Check.ISSUER, Outcome.FAILED, standing))
        else:
            checks.append(CheckResult(Check.ISSUER, Outcome.PASSED))
        status_check, status_found = _status_check(doc, resolver, limits, depth)
        checks.append(status_check)
    checks.append(_date_check(view, now))
    if depth == 0 and not is_list:
        try:
            if is_elm:
                found = elm.problems(doc)
                if found:
                    raise CredentialError("schema", "; ".join(found))
            else:
                schema.check(doc)
        except CredentialError as exc:
            checks.append(CheckResult(Check.SCHEMA, Outcome.FAILED, exc.code, exc.detail))
        else:
            checks.append(CheckResult(Check.SCHEMA, Outcome.PASSED))
    valid = all(c.outcome in (Outcome.PASSED, Outcome.WARNING) for c in checks)
    return Verification(valid, form, tuple(checks), doc, status_found)


def kid_matches_issuer(verification_method: str, doc: dict[str, Any]) -> bool:
    """The signing key must belong to the credential's issuer (VC DM 2.0 section 4.7: the
    proof's controller is the issuer)."""
    return verification_method.split("#", 1)[0] == ob3.issuer_id(doc)
