# SPDX-License-Identifier: EUPL-1.2
"""A deposit file as a background job (llo.core.jobs): a file larger than
``LLO_JOB_INLINE_BYTES`` is deposited by ``llo run_jobs``, not in the request (a 50 MB file
took 23 s, near the worker's timeout)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from llo.accounts import services
from llo.accounts.models import Budget
from llo.core import audit
from llo.core.jobs import Progress
from llo.core.models import Job
from llo.people.models import User

KIND = "accounts.deposit_file"


def deposit_file(job: Job, progress: Progress) -> dict[str, Any]:
    budget = Budget.objects.get(pk=job.params["budget"])
    user = User.objects.get(pk=int(job.owner.removeprefix("user:")))
    progress(_("Reading the file and depositing"))
    result = services.deposit_csv(
        actor=audit.Actor.of_user(user),
        budget=budget,
        text=bytes(job.data).decode("utf-8-sig"),
        idempotency_key=job.params.get("idempotency_key"),
        mode=services.BulkMode(job.params.get("mode", services.BulkMode.ALL_OR_NOTHING)),
    )
    return {
        "transactionId": result.transaction_id,
        "created": result.created,
        "totalCents": result.total_cents,
        "rejected": [
            {"line": e.line, "field": e.field, "reason": e.reason} for e in result.rejected[:1000]
        ],
        "message": _("%(n)s deposits are made.") % {"n": result.created},
        "next_url": f"/financier/budgetten/{budget.pk}",
    }
