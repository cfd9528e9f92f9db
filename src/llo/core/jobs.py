# SPDX-License-Identifier: EUPL-1.2
"""Background jobs without extra servers: a table and a worker command (issue 14, finding 6:
a 50 MB deposit file took 23 s, near the worker timeout; an import of 120 MB took a worker to
about 1 GB).

* :func:`enqueue` stores the work (its kind, parameters and input bytes) in one transaction
  with its audit row; the request answers at once (``202`` with the job's address).
* ``llo run_jobs`` claims queued jobs one at a time (``SELECT ... FOR UPDATE SKIP LOCKED`` on
  PostgreSQL, so several workers never take the same job; SQLite has one writer anyway), runs
  the handler named in ``settings.LLO_JOB_HANDLERS`` and stores its result or error.
* A handler reports progress through its ``progress(step, done, total)`` argument; it is
  written at most twice a second, and only outside a transaction (a write inside the job's
  own transaction would not be seen before it commits, and on SQLite it would wait for it).
* A job whose worker died (``running`` for longer than ``LLO_JOB_STALE_SECONDS``) is queued
  again, at most :data:`MAX_ATTEMPTS` times in all.

A job is read only by its owner (the user that queued it).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string
from ninja import Schema

from llo.core import audit
from llo.core.models import Job, JobStatus
from llo.core.problems import Problem
from llo.core.timeutil import now

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3


class Progress(Protocol):
    def __call__(self, step: str, done: int = 0, total: int = 0) -> None: ...


Handler = Callable[[Job, Progress], dict[str, Any]]


def handler_for(kind: str) -> Handler:
    handlers: dict[str, str] = getattr(settings, "LLO_JOB_HANDLERS", {})
    if kind not in handlers:
        raise KeyError(f"no handler for job kind {kind!r} in LLO_JOB_HANDLERS")
    return import_string(handlers[kind])


def owner_of(user: Any) -> str:
    return f"user:{user.pk}"


@transaction.atomic
def enqueue(
    *, actor: audit.Actor, kind: str, owner: str, params: dict[str, Any], data: bytes = b""
) -> Job:
    handler_for(kind)  # refuse a kind nobody can run before storing it
    job = Job.objects.create(kind=kind, owner=owner, params=params, data=data, created_at=now())
    audit.record(
        actor=actor,
        action="job.queued",
        subject=job,
        after={"kind": kind, "params": params, "bytes": len(data)},
    )
    return job


def own_job(user: Any, job_id: int) -> Job:
    job = Job.objects.defer("data").filter(pk=job_id, owner=owner_of(user)).first()
    if job is None:
        raise Problem(404, "There is no job with this number of yours.", code="not-found")
    return job


def requeue_stale(at: dt.datetime | None = None) -> int:
    """Jobs whose worker died: queued again, or failed after MAX_ATTEMPTS."""
    at = at or now()
    limit = at - dt.timedelta(seconds=int(getattr(settings, "LLO_JOB_STALE_SECONDS", 3600)))
    stale = Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=limit)
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=JobStatus.FAILED, finished_at=at, error="The worker stopped during this job."
    )
    return failed + stale.update(status=JobStatus.QUEUED)


def claim() -> Job | None:
    with transaction.atomic():
        queue = Job.objects.filter(status=JobStatus.QUEUED).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            queue = queue.select_for_update(skip_locked=True)
        job = queue.first()
        if job is None:
            return None
        job.status = JobStatus.RUNNING
        job.started_at = now()
        job.attempts += 1
        job.step = ""
        job.save(update_fields=["status", "started_at", "attempts", "step"])
        return job


def _progress_writer(job: Job) -> Progress:
    last = [0.0]

    def progress(step: str, done: int = 0, total: int = 0) -> None:
        moment = time.monotonic()
        if connection.in_atomic_block or moment - last[0] < 0.5:
            return
        last[0] = moment
        Job.objects.filter(pk=job.pk).update(step=step[:100], done=done, total=total)

    return progress


def run(job: Job) -> Job:
    """Run one claimed job to its end: done with its result, or failed with a short error."""
    try:
        result = handler_for(job.kind)(job, _progress_writer(job))
    except Exception as exc:  # a job's failure must not stop the worker
        log.exception("job %s (%s) failed", job.pk, job.kind)
        message = exc.detail if isinstance(exc, Problem) else "The job failed on our side."
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(message)[:2000], finished_at=now()
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, result=result, finished_at=now(), data=b""
        )
    job.refresh_from_db()
    return job


def work(*, once: bool = False, idle_sleep: float = 1.0, max_jobs: int | None = None) -> int:
    """The worker loop of ``llo run_jobs``; returns the number of jobs run."""
    count = 0
    while max_jobs is None or count < max_jobs:
        requeue_stale()
        job = claim()
        if job is None:
            if once:
                break
            time.sleep(idle_sleep)
            continue
        run(job)
        count += 1
    return count


def as_dict(job: Job) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "step": job.step,
        "done": job.done,
        "total": job.total,
        "result": job.result,
        "error": job.error,
        "createdAt": job.created_at,
        "startedAt": job.started_at,
        "finishedAt": job.finished_at,
    }


def accepted(job: Job, api_prefix: str = "/api/v1") -> Any:
    """The API's answer to work handed to a job: ``202 Accepted`` with the job and, in
    ``Location``, where to follow it (RFC 9110 15.3.3)."""
    import json

    from django.core.serializers.json import DjangoJSONEncoder
    from django.http import HttpResponse

    response = HttpResponse(
        json.dumps(as_dict(job), cls=DjangoJSONEncoder),
        status=202,
        content_type="application/json",
    )
    response["Location"] = f"{api_prefix}/jobs/{job.pk}"
    return response


class JobAccepted(Schema):
    """The body of a 202: the job that does the work; follow it at ``GET /jobs/{id}``
    (``Location``). One class for every operation, so the OpenAPI document has one schema."""

    id: int
    kind: str
    status: str


def too_large_for_a_request(size: int) -> bool:
    return size > int(getattr(settings, "LLO_JOB_INLINE_BYTES", 2 * 1024 * 1024))
