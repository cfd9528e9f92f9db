# SPDX-License-Identifier: EUPL-1.2
"""A provider's offers as files in the API: the import (OOAPI v6 JSON or CSV, all or nothing)
and the export in the same shapes."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Router
from ninja.security import django_auth

from llo.core import jobs
from llo.core.problems import InvalidParam, Problem, invalid
from llo.register import exports, importers, selectors
from llo.register.api.schemas import ImportReportOut
from llo.register.services import bulk
from llo.register.services.access import actor_for

router = Router(tags=["register"])

IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "description": "An OOAPI v6 JSON file or a CSV file, up to 100,000 offers.",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


@router.post(
    "/providers/{kvk}/imports",
    response={200: ImportReportOut, 202: jobs.JobAccepted},
    auth=django_auth,
    summary="Import offers (OOAPI v6 JSON or CSV), all or nothing",
    description=(
        "The whole file is checked first. When anything is wrong, nothing is written and the "
        "answer is a 422 problem with the report (line and field of every problem) in "
        "invalidParams and in the member 'report'. Query: submit (run the admission checks, "
        "default true) and publish (publish what passes, default false). A file larger than "
        "2 MB is read by a background job: the answer is 202 with the job, whose result is "
        "the report (GET /jobs/{jobId})."
    ),
    openapi_extra=IMPORT_BODY,
)
def import_offers(
    request: HttpRequest, kvk: str, submit: bool = True, publish: bool = False
) -> Any:
    opleider = selectors.provider_for(request.user, kvk)
    # Read the stream, not request.body: an import may be larger than
    # DATA_UPLOAD_MAX_MEMORY_SIZE; importers.MAX_BYTES is the limit here.
    data = request.read(importers.MAX_BYTES + 1)
    if not data:
        raise invalid(
            _("Send a file."), [InvalidParam("body", _("The body is empty."), "required")]
        )
    if jobs.too_large_for_a_request(len(data)):
        # A large file is read by `llo run_jobs` (llo.register.jobs): 202 and the job.
        job = bulk.queue_import(
            actor=actor_for(request.user),
            owner=jobs.owner_of(request.user),
            opleider=opleider,
            data=data,
            content_type=request.content_type or "",
            submit=submit,
            publish=publish,
        )
        return jobs.accepted(job)
    report = importers.import_file(
        actor=actor_for(request.user),
        opleider=opleider,
        data=data,
        content_type=request.content_type or "",
        submit=submit,
        publish=publish,
    )
    body = report.as_dict()
    if not report.ok:
        raise Problem(
            422,
            _("The file has %(n)s problems. Nothing was imported.") % {"n": report.issue_count},
            code="import-invalid",
            invalid_params=[
                InvalidParam(f"line {i.line}: {i.field}" if i.line else i.field, i.message, i.code)
                for i in report.issues[:100]
            ],
            extra={"report": body},
        )
    return body


@router.get(
    "/providers/{kvk}/export",
    auth=django_auth,
    summary="Export the offers of your organisation in the OOAPI v6 shape, or as CSV",
    description=(
        "format=json (default): OOAPI v6 JSON. format=csv: one offer per line in the columns "
        "of the CSV import, separated by semicolons, UTF-8 with a byte order mark; the file "
        "imports again unchanged."
    ),
    response={200: dict[str, Any]},
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def export_offers(
    request: HttpRequest, kvk: str, format: Literal["json", "csv"] = "json"
) -> HttpResponseBase:
    opleider = selectors.provider_for(request.user, kvk, staff_too=True)
    return exports.download(opleider, format)
