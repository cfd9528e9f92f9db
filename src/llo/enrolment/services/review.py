# SPDX-License-Identifier: EUPL-1.2
"""The review queue of staff: a provider's case, opened by the misuse scan, closed with a
note (:mod:`.misuse` opens cases and decides single flags)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import InvalidParam, Problem, invalid
from llo.core.timeutil import now
from llo.enrolment.models import MisuseFlag, ReviewCase
from llo.enrolment.store import locks


def close_case(*, actor: audit.Actor, case: ReviewCase, note: str) -> ReviewCase:
    """Staff close a review case with a note; its open flags are dismissed, unless a flag was
    confirmed on its own before.

    Locks: the review case."""
    if not note.strip():
        raise invalid(_("Write what you found."), [InvalidParam("note", _("required"), "required")])
    with transaction.atomic():
        current = locks.review_case(case)
        if current.closed_at is not None:
            raise Problem(409, _("This case is closed already."), code="closed")
        current.closed_at = now()
        current.outcome = note.strip()[:500]
        current.save(update_fields=["closed_at", "outcome"])
        MisuseFlag.objects.filter(case=current, status="open").update(status="dismissed")
        audit.record(
            actor=actor, action="misuse.case_closed", subject=current, after={"note": note}
        )
    return current
