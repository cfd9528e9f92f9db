# SPDX-License-Identifier: EUPL-1.2
"""Issuer keys, status lists, credentials in the wallet, share links and exemptions.

Storage only: every change goes through :mod:`llo.credentials.services`.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from llo.enrolment.models import Enrolment
from llo.people.models import Organisation, Person
from llo.register.models import Offer


class IssuerKey(models.Model):
    """An Ed25519 key of an issuer's ``did:web`` (``organisation`` empty: llo's own DID, which
    signs the status lists). The secret key is encrypted at rest (``llo.core.crypto``)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    did = models.CharField(max_length=300, db_index=True)
    fragment = models.CharField(max_length=40)
    public_multibase = models.CharField(max_length=80)
    secret_encrypted = models.TextField()
    valid_from = models.DateTimeField()
    #: Rotated out: no new signatures; credentials signed before stay valid.
    retired_at = models.DateTimeField(null=True, blank=True)
    #: Compromised: nothing signed at or after this moment is valid.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["did", "fragment"], name="credentials_key_unique"),
            models.UniqueConstraint(
                fields=["did"],
                condition=Q(retired_at__isnull=True) & Q(revoked_at__isnull=True),
                name="credentials_one_active_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.did}#{self.fragment}"


class StatusList(models.Model):
    """One Bitstring Status List (W3C), served signed by llo: purpose ``message`` with
    ``status_size`` bits per credential (valid, suspended, withdrawn; see statuslist.py)."""

    purpose = models.CharField(max_length=12, default="message")
    size = models.PositiveIntegerField()
    status_size = models.PositiveSmallIntegerField(default=2)
    next_index = models.PositiveIntegerField(default=0)
    bits = models.BinaryField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"StatusList {self.pk} ({self.purpose})"


class CredentialState(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Withdrawn")


class Source(models.TextChoices):
    ISSUED = "issued", _("Issued in llo")
    IMPORTED = "imported", _("Added by you")


class Credential(models.Model):
    """A credential in a person's wallet: issued by a provider in llo, or imported (verified
    first). ``document`` is the signed JSON-LD text exactly as signed; ``jwt`` the VC-JOSE form
    of the same credential."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="credentials")
    source = models.CharField(max_length=10, choices=Source.choices)
    issuer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issuer_did = models.CharField(max_length=300)
    issuer_name = models.CharField(max_length=300)
    kind = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    document = models.TextField(blank=True)
    jwt = models.TextField(blank=True)
    #: What the import came as: "jsonld", "jwt" or "elm".
    imported_form = models.CharField(max_length=10, blank=True)
    status_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_index = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=CredentialState.choices, default=CredentialState.VALID
    )
    state_reason = models.CharField(max_length=300, blank=True)
    issued_at = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    #: Skills and learning outcomes, for exemptions (from the achievement).
    skills = models.JSONField(default=list, blank=True)
    learning_outcomes = models.JSONField(default=list, blank=True)
    level = models.CharField(max_length=12, blank=True)
    hours = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["person", "issued_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"],
                condition=Q(status_list__isnull=False),
                name="credentials_status_index_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ShareLink(models.Model):
    """A link that shows one credential to anyone who has it, until it expires. Only the
    SHA-256 of the token is stored."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="shares")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"ShareLink {self.pk}"


class ExemptionState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")


class Exemption(models.Model):
    """A vrijstelling: a unit of a programme that a person need not follow because a
    credential they hold covers it. llo proposes (with the reason), the provider decides."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="exemptions")
    programme = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="+")
    match = models.JSONField(default=dict)
    reason = models.TextField()
    state = models.CharField(
        max_length=10, choices=ExemptionState.choices, default=ExemptionState.PROPOSED
    )
    decision_reason = models.TextField(blank=True)
    proposed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "unit__unit_code", "unit__title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme", "unit"], name="credentials_exemption_once"
            )
        ]

    def __str__(self) -> str:
        return f"Exemption {self.pk}"
