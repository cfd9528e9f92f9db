# SPDX-License-Identifier: EUPL-1.2
"""The person's wallet: import an external credential (verified first) and share a link."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.timeutil import now, today
from llo.credentials import elm, ob3, verify
from llo.credentials.models import Credential, ShareLink, Source
from llo.people.models import Person

#: A share link lives at most this long (a person can make a new one).
MAX_SHARE_DAYS = 365


def _refused(result: verify.Verification) -> Problem:
    failure = result.first_failure
    reason = failure.reason if failure else _("The credential is not valid.")
    return Problem(
        422,
        _("This credential cannot be added: %(reason)s") % {"reason": reason},
        code=f"credential-{failure.code if failure else 'invalid'}",
        invalid_params=[InvalidParam("credential", reason, failure.code if failure else "invalid")],
    )


def import_credential(*, actor: audit.Actor, person: Person, data: str) -> Credential:
    """Verify ``data`` (OB 3.0 JSON-LD with its proof, a VC-JOSE JWT, or a signed ELM export)
    and keep it in the person's wallet. Nothing is stored when any check fails."""
    from llo.credentials.selectors import LloResolver

    text = data.strip()
    if not text:
        raise invalid(
            _("Paste or upload a credential."),
            [InvalidParam("credential", _("Empty."), "required")],
        )
    result = verify.verify_document(text, LloResolver())
    imported_form = result.form
    doc = result.credential
    if result.valid and doc is not None and elm.is_elm(doc):
        imported_form = "elm"
        doc = elm.to_ob3_view(doc)
    if not result.valid or doc is None:
        raise _refused(result)
    credential_id = str(doc.get("id", ""))
    ach = ob3.achievement_of(doc)
    subject_name = elm.subject_name(doc)
    with transaction.atomic():
        if (
            credential_id
            and Credential.objects.filter(person=person, document__contains=credential_id).exists()
        ):
            raise Problem(409, _("This credential is already in your wallet."), code="duplicate")
        issuer = doc.get("issuer")
        issuer_name = issuer.get("name", "") if isinstance(issuer, dict) else ""
        row = Credential.objects.create(
            person=person,
            source=Source.IMPORTED,
            issuer_did=ob3.issuer_id(doc)[:300],
            issuer_name=str(issuer_name)[:300] or ob3.issuer_id(doc)[:300],
            kind=(ob3.kind_of(doc) or ob3.Kind.COURSE).value,
            title=str(ach.get("name") or doc.get("name") or _("Credential"))[:300],
            document=text if result.form == "jsonld" else "",
            jwt=text if result.form == "jwt" else "",
            imported_form=imported_form,
            issued_at=_issued(doc),
            skills=[
                a.get("targetName", "")
                for a in ach.get("alignment", [])
                if isinstance(a, dict) and a.get("targetType") == "ceasn:Competency"
            ],
            learning_outcomes=[str(o) for o in ach.get("learningOutcome", [])][:50],
            hours=ach.get("workloadHours") if isinstance(ach.get("workloadHours"), int) else None,
        )
        audit.record(
            actor=actor,
            action="credentials.import",
            subject=row,
            after={"form": imported_form, "issuer": row.issuer_did, "holder": subject_name[:0]},
        )
    return row


def _issued(doc: dict[str, Any]) -> dt.datetime:
    value = doc.get("validFrom") or doc.get("issuanceDate")
    try:
        at = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return now()
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def create_share_link(
    *, actor: audit.Actor, person: Person, credential: Credential, expires: dt.date
) -> str:
    """A new share link for one of the person's credentials; returns the token (shown once;
    only its hash is stored)."""
    if credential.person_id != person.pk:
        raise Problem(404, _("Not found."))
    day = today()
    if expires <= day or expires > day + dt.timedelta(days=MAX_SHARE_DAYS):
        reason = _("Choose a date after today and within a year.")
        raise invalid(reason, [InvalidParam("expires", reason, "range")])
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        link = ShareLink.objects.create(
            credential=credential,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=dt.datetime.combine(expires, dt.time(23, 59, 59), tzinfo=dt.UTC),
            created_at=now(),
        )
        audit.record(
            actor=actor, action="credentials.share", subject=link, after={"expires": expires}
        )
    return token


def document_of(credential: Credential) -> dict[str, Any]:
    return json.loads(credential.document) if credential.document else {}
