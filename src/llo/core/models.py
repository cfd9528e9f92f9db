# SPDX-License-Identifier: EUPL-1.2
"""The audit log: who did what to which record, why, and what changed."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from llo.core.roles import Role


class AuditEntry(models.Model):
    """One recorded action. Written by :func:`llo.core.audit.record` inside the transaction of
    the change it records, so the two commit or roll back together; a read of a person's data
    by someone else by :func:`llo.core.audit.log_reads` (action ``person.read``, one row per
    person). Never updated."""

    at = models.DateTimeField(_("time (UTC)"), db_index=True)
    actor = models.CharField(_("actor"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    #: The KvK number of the organisation the actor acted for (empty for a citizen or the
    #: system): "who looked at my data" names the organisation, not only a user number.
    organisation = models.CharField(_("organisation (KvK)"), max_length=20, blank=True)
    # Indexed in Meta only: a field's db_index adds a second, pattern index on PostgreSQL that
    # no query uses, and every change of money writes an audit entry.
    action = models.CharField(_("action"), max_length=100)
    subject_type = models.CharField(_("subject type"), max_length=100)
    subject_id = models.CharField(_("subject id"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["action"], name="core_audit_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.subject_type}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("audit entries are immutable")
        super().save(*args, **kwargs)  # type: ignore[arg-type,unused-ignore]


class IdempotencyRecord(models.Model):
    """The remembered outcome of one request made with an ``Idempotency-Key`` header.

    A client that did not hear the answer sends the same request again with the same key; it
    gets the stored answer instead of a second effect (IETF draft "The Idempotency-Key HTTP
    Header Field"). The key is unique per ``scope`` (user + method + path), so two users can
    never replay each other's answers. The record is written in the same transaction as the
    effect it remembers (:mod:`llo.core.idempotency`), so neither exists without the other.
    """

    key = models.CharField(_("idempotency key"), max_length=255)
    scope = models.CharField(_("scope (user, method, path)"), max_length=500)
    request_hash = models.CharField(_("request hash (SHA-256)"), max_length=64)
    status = models.PositiveSmallIntegerField(_("response status"))
    content_type = models.CharField(_("response content type"), max_length=100)
    response_body = models.TextField(_("response body"), blank=True)
    #: The answer's own headers as [name, value] pairs (Location of a 202 or 201, ETag, ...):
    #: a replay returns the first answer in full (issue 14: a replayed 202 lost its Location).
    response_headers = models.JSONField(_("response headers"), default=list, blank=True)
    created = models.DateTimeField(_("created (UTC)"), db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class RateCounter(models.Model):
    """How many requests of one kind one client made in one window (llo.core.ratelimit).

    A table, not a cache server: every worker sees the same counts without anything else to
    run. ``client`` is a hash (of an IP address or a user id), never the address itself.
    """

    bucket = models.CharField(_("limit"), max_length=40)
    client = models.CharField(_("client (hashed)"), max_length=64)
    window_start = models.DateTimeField(_("window start (UTC)"))
    hits = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "client", "window_start"], name="rate_counter_unique"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_counter_window")]

    def __str__(self) -> str:
        return f"{self.bucket} {self.client[:8]} {self.window_start:%H:%M:%S}: {self.hits}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Busy")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """Long work done outside a request (llo.core.jobs): an import of offers, a deposit file.

    The request stores the job with its input and answers at once; ``llo run_jobs`` (a worker
    process beside the web workers, nothing else to install) does the work and writes its
    progress here, which the page and ``GET /api/v1/jobs/{id}`` show.
    """

    kind = models.CharField(_("kind"), max_length=60)
    owner = models.CharField(_("owner"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    params = models.JSONField(_("parameters"), default=dict)
    data = models.BinaryField(_("input"), blank=True, default=b"")
    step = models.CharField(_("step"), max_length=100, blank=True)
    done = models.BigIntegerField(_("done"), default=0)
    total = models.BigIntegerField(_("total"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created (UTC)"))
    started_at = models.DateTimeField(_("started (UTC)"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished (UTC)"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["status", "id"], name="core_job_queue")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"
