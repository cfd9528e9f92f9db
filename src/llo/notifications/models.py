# SPDX-License-Identifier: EUPL-1.2
"""Notifications: a message to a person or an organisation, shown in the app and e-mailed.

Generic on purpose: any app (new regional demand, a decision, a payment, a right about to
expire) calls :func:`llo.notifications.services.notify` inside its own transaction. The text
is stored as an English msgid with its values and translated when shown, so the language
switch works for notifications too; e-mails go out in Dutch after the change commits
(an outbox: a failed e-mail stays pending and ``llo send_notifications`` tries again).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from llo.people.models import Organisation, Person


class EmailState(models.TextChoices):
    NONE = "none", _("No e-mail")
    PENDING = "pending", _("To be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class Address(models.Model):
    """Where the e-mails of a person or an organisation go (given by them, for this only)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail address"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification address")
        verbose_name_plural = _("notification addresses")
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(person__isnull=True))
                | (Q(organisation__isnull=True) & Q(person__isnull=False)),
                name="notifications_address_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.email


class Notification(models.Model):
    # No single-column indexes on the recipient: the (recipient, time) indexes below serve
    # every look-up by either, and a window's allocator writes 250,000 notifications at
    # once (issue 18: every index is written for every row).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        db_index=False,
    )  # fmt: skip
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    topic = models.CharField(_("topic"), max_length=64)
    #: An English msgid (marked with gettext_noop where it is written) and its values.
    message = models.CharField(max_length=500)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("time"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_to = models.EmailField(blank=True)
    email_state = models.CharField(max_length=8, choices=EmailState.choices)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(person__isnull=True))
                | (Q(organisation__isnull=True) & Q(person__isnull=False)),
                name="notifications_one_recipient",
            )
        ]
        indexes = [
            # Partial: a notification is a person's or an organisation's, so each row is in
            # one of the two (issue 18: a window's allocator tells 248,000 persons at once,
            # and every one was also written into the organisations' index, under NULL).
            models.Index(
                fields=["organisation", "-created_at"],
                name="notif_org_time",
                condition=Q(organisation__isnull=False),
            ),
            models.Index(
                fields=["person", "-created_at"],
                name="notif_person_time",
                condition=Q(person__isnull=False),
            ),
            # Only the mail still to send or being sent is looked up by its state: a partial
            # index, not one entry for every notification ever written.
            models.Index(
                fields=["email_state", "id"],
                name="notif_email_state",
                condition=Q(email_state__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"
