# SPDX-License-Identifier: EUPL-1.2
"""``GET /jobs/{jobId}``: how far a background job is (llo.core.jobs), for its owner only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from llo.core import jobs

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    status: str
    step: str
    done: int
    total: int
    result: dict[str, Any] | None
    error: str
    createdAt: dt.datetime
    startedAt: dt.datetime | None
    finishedAt: dt.datetime | None


@router.get(
    "/jobs/{jobId}",
    response=JobOut,
    auth=django_auth,
    summary="A background job of yours: its status, progress and result",
    description=(
        "A large import or deposit file is answered with 202 and the address of its job. "
        "status is queued, running, done or failed; done and total count its current step; "
        "result holds what the work would have answered, error why it failed."
    ),
)
def job(request: HttpRequest, jobId: int) -> dict[str, Any]:
    return jobs.as_dict(jobs.own_job(request.user, jobId))
