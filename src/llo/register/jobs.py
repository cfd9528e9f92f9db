# SPDX-License-Identifier: EUPL-1.2
"""The import of offers as a background job (llo.core.jobs): a file larger than
``LLO_JOB_INLINE_BYTES`` is not read in the request (about 1.2 s and 9 MB of memory per MB of
OOAPI JSON, measured in docs/operations.md "Limits"), but by ``llo run_jobs``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from llo.core.jobs import Progress
from llo.core.models import Job
from llo.people.models import User
from llo.register import importers, selectors, services

KIND = services.IMPORT_JOB


def import_offers(job: Job, progress: Progress) -> dict[str, Any]:
    opleider = selectors.provider_by_kvk(job.params["kvk"])
    user = User.objects.get(pk=int(job.owner.removeprefix("user:")))
    progress(_("Reading and checking the file"))
    report = importers.import_file(
        actor=services.actor_for(user),
        opleider=opleider,
        data=bytes(job.data),
        filename=str(job.params.get("filename", "")),
        content_type=str(job.params.get("content_type", "")),
        submit=bool(job.params.get("submit", True)),
        publish=bool(job.params.get("publish", False)),
    )
    body = report.as_dict()
    body["message"] = (
        _("%(n)s offers are imported.") % {"n": report.offers}
        if report.ok
        else _("The file has %(n)s problems. Nothing was imported.") % {"n": report.issue_count}
    )
    body["next_url"] = "/mijn-aanbod" if report.ok else "/mijn-aanbod/importeren"
    return body
