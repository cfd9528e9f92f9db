# SPDX-License-Identifier: EUPL-1.2
"""Background jobs (issue 14, finding 6): a table and `llo run_jobs`, progress on a page and in
the API, for the owner only; a failure is stored, a dead worker's job is taken up again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from llo.core import audit, jobs
from llo.core.models import Job, JobStatus
from llo.core.problems import Problem
from llo.core.roles import Role
from llo.core.timeutil import now
from llo.people.models import User

pytestmark = pytest.mark.django_db
SEEN: list[int] = []


def count_lines(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    lines = bytes(job.data).splitlines()
    for number, _line in enumerate(lines, start=1):
        progress("counting", number, len(lines))
    SEEN.append(job.pk)
    return {"lines": len(lines), "message": f"{len(lines)} regels gelezen."}


def refuse(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    raise Problem(422, "Regel 3: het bedrag ontbreekt.")


@pytest.fixture(autouse=True)
def handlers(settings: Settings) -> None:
    settings.LLO_JOB_HANDLERS = {
        "test.count": "tests.core.test_jobs.count_lines",
        "test.refuse": "tests.core.test_jobs.refuse",
    }


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("werkgever:a", role=Role.WERKGEVER)


def queue(user: User, kind: str = "test.count", data: bytes = b"a\nb\nc\n") -> Job:
    return jobs.enqueue(
        actor=audit.Actor.system("tests"),
        kind=kind,
        owner=jobs.owner_of(user),
        params={"title": "Bestand inlezen"},
        data=data,
    )


def test_a_queued_job_runs_and_its_owner_sees_the_result(alice: User) -> None:
    job = queue(alice)
    client = Client()
    client.force_login(alice)
    waiting = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert waiting["status"] == "queued"
    page = client.get(f"/taken/{job.pk}").content.decode()
    assert 'http-equiv="refresh"' in page  # the page follows the job without JavaScript

    call_command("run_jobs", once=True)
    done = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert done["status"] == "done"
    assert done["result"]["lines"] == 3
    assert done["finishedAt"]
    assert Job.objects.get(pk=job.pk).data == b""  # the input is not kept after the work
    page = client.get(f"/taken/{job.pk}").content.decode()
    assert "3 regels gelezen." in page
    assert 'http-equiv="refresh"' not in page


def test_another_user_gets_404(alice: User) -> None:
    job = queue(alice)
    bob = Client()
    bob.force_login(User.objects.create_user("werkgever:b", role=Role.WERKGEVER))
    assert bob.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert bob.get(f"/taken/{job.pk}").status_code == 404
    assert Client().get(f"/api/v1/jobs/{job.pk}").status_code == 401


def test_a_refused_job_is_failed_with_its_message(alice: User) -> None:
    queue(alice, "test.refuse")
    claimed = jobs.claim()
    assert claimed is not None
    job = jobs.run(claimed)
    assert job.status == JobStatus.FAILED
    assert job.error == "Regel 3: het bedrag ontbreekt."


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_while_no_transaction_is_open(alice: User) -> None:
    job = queue(alice, data=b"x\n" * 5)
    claimed = jobs.claim()
    assert claimed is not None
    progress = jobs._progress_writer(claimed)
    progress("counting", 2, 5)
    claimed.refresh_from_db()
    assert (claimed.step, claimed.done, claimed.total) == ("counting", 2, 5)
    assert job.pk == claimed.pk


def test_a_job_of_a_dead_worker_is_queued_again_then_failed(alice: User) -> None:
    job = queue(alice)
    claimed = jobs.claim()
    assert claimed is not None
    later = now() + dt.timedelta(hours=2)
    assert jobs.requeue_stale(later) == 1
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=jobs.MAX_ATTEMPTS, started_at=now()
    )
    jobs.requeue_stale(later)
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_a_kind_without_a_handler_is_refused_before_it_is_stored(alice: User) -> None:
    with pytest.raises(KeyError):
        queue(alice, "test.unknown")
    assert not Job.objects.exists()
