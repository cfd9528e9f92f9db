# SPDX-License-Identifier: EUPL-1.2
"""Stored decisions, so they can be explained and appealed later (Awb: a decision must be
reasoned and reviewable). Written only by ``llo.schemes.services``; never changed after."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from llo.people.models import Person


class DecisionRecord(models.Model):
    """One decision of a scheme (or a funder's budget) on one application, with its record:
    rule version, parameter values and their dates, inputs and the engine's trace."""

    scheme = models.CharField(_("scheme"), max_length=50, db_index=True)
    rule_version = models.CharField(_("rule version"), max_length=200)
    peildatum = models.DateField(_("application date (peildatum)"))
    eligible = models.BooleanField(_("eligible"))
    amount_cents = models.BigIntegerField(_("amount (cents)"))
    reasons = models.JSONField(_("reasons"))
    record = models.JSONField(_("record"))
    # PROTECT: a decision must outlive nothing it explains; removing a person with decisions
    # goes through the retention process, not a cascade.
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision_records",
        verbose_name=_("person"),
    )
    created_at = models.DateTimeField(_("created at (UTC)"), db_index=True)

    class Meta:
        verbose_name = _("decision record")
        verbose_name_plural = _("decision records")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "scheme", "peildatum"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_cents__gte=0), name="decision_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(eligible=True) | models.Q(amount_cents=0),
                name="decision_no_amount_when_not_eligible",
            ),
        ]

    def __str__(self) -> str:
        outcome = "eligible" if self.eligible else "not eligible"
        return f"{self.scheme} {self.peildatum} {outcome}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("decision records are immutable; record a new decision instead")
        super().save(*args, **kwargs)

    @property
    def failed_reasons(self) -> list[dict[str, Any]]:
        return [r for r in self.reasons if not r.get("passed")]
