# SPDX-License-Identifier: EUPL-1.2
"""Why a credential is not accepted: one code per reason, each with a B1 sentence.

Everything that reads a credential (parsing, JSON-LD, proofs, status, schema) raises
:class:`CredentialError` with one of these codes, so a verifier can always answer "invalid,
because ..." and never crashes on bad input. The sentences are English msgids; the Dutch
catalogue translates them.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REASONS: dict[str, Promise] = {
    "not-json": _("This is not a credential: the text is not valid JSON."),
    "not-object": _("This is not a credential: it is not a JSON object."),
    "too-large": _("The credential is too large to check."),
    "too-deep": _("The credential is nested too deeply to check."),
    "unknown-context": _(
        "The credential uses a vocabulary (JSON-LD context) that llo does not know. "
        "llo never fetches vocabularies from the internet."
    ),
    "undefined-term": _("The credential has a field that its vocabulary does not define."),
    "jsonld": _("The credential is not valid JSON-LD."),
    "too-many-statements": _("The credential holds too many statements to check."),
    "too-much-work": _("Checking this credential takes too much work."),
    "no-proof": _("The credential has no proof (signature)."),
    "bad-proof": _("The proof of the credential is not in a form llo can check."),
    "unsupported-proof": _("llo cannot check this kind of proof."),
    "signature": _(
        "The signature does not match: the credential was changed or not signed by this issuer."
    ),
    "unknown-key": _("The key that signed the credential is not known for this issuer."),
    "key-not-yet-valid": _("The credential was signed before the issuer's key was valid."),
    "key-revoked": _("The issuer's key was withdrawn before this credential was signed."),
    "unresolvable-did": _("The issuer's identity (DID) cannot be looked up without the internet."),
    "bad-did": _("The issuer's identity (DID) is not valid."),
    "bad-jwt": _("This is not a valid signed credential (JWT)."),
    "revoked": _("The issuer has withdrawn this credential."),
    "suspended": _("The issuer has suspended this credential for now."),
    "status-unavailable": _(
        "The status of this credential cannot be checked without the internet."
    ),
    "bad-status": _("The status of this credential cannot be read."),
    "not-yet-valid": _("The credential is not valid yet."),
    "expired": _("The credential has expired."),
    "bad-date": _("A date in the credential is not valid."),
    "schema": _("The credential does not follow the Open Badges 3.0 rules."),
    "unknown-issuer": _("The issuer is not in the register of training providers."),
    "removed-issuer": _("The issuer has been removed from the register."),
    "suspended-issuer": _("The issuer was suspended in the register when this was issued."),
    "not-allowed": _("The issuer may not issue this kind of certificate."),
    "external-issuer": _(
        "The issuer is not in the Dutch register. The signature is right, but llo cannot "
        "say whether this issuer may issue this."
    ),
}


class CredentialError(Exception):
    """A credential (or its proof, status, issuer) that is not accepted, with the reason."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in REASONS:
            raise ValueError(f"unknown credential error code {code!r}")
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)

    @property
    def reason(self) -> str:
        return str(REASONS[self.code])
