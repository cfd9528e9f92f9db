# SPDX-License-Identifier: EUPL-1.2
"""A person gives a work centre consent (for a purpose, until a date) and revokes it; the
consent itself, and the check that guards applying on someone's behalf, are
:mod:`llo.enrolment.services.consent`. Each use case is one transaction with its audit record
(written there)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from llo.advice import store
from llo.core import audit
from llo.core.problems import InvalidParam, Problem
from llo.core.timeutil import now, today
from llo.enrolment.models import Consent
from llo.enrolment.services.consent import PURPOSES, give_consent, revoke_consent
from llo.people.models import Person

#: The longest a consent may last: one year (a shorter end date is the person's choice).
LONGEST = dt.timedelta(days=366)


def give(
    *, actor: audit.Actor, person: Person, organisation_id: int, purpose: str, until: dt.date
) -> Consent:
    """The person consents that a work centre's advisers see their overview (and, for
    purpose "apply", apply for them) until the end of ``until``. Takes no lock."""
    invalid: dict[str, str] = {}
    org = store.work_centres().filter(pk=organisation_id).first()
    if org is None:
        invalid["organisation"] = _("Choose a work centre from the list.")
    if purpose not in PURPOSES:
        invalid["purpose"] = _("Choose what the adviser may do.")
    if until <= today():
        invalid["until"] = _("Choose an end date after today.")
    elif until - today() > LONGEST:
        invalid["until"] = _("Choose an end date at most one year from today.")
    if invalid:
        raise Problem(
            400,
            _("Please correct the fields below."),
            code="invalid",
            invalid_params=[InvalidParam(name, reason) for name, reason in invalid.items()],
        )
    assert org is not None
    end = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=dt.UTC)
    return give_consent(
        person=person, organisation=org, purpose=purpose, until=end, at=now(), actor=actor
    )


def revoke(*, actor: audit.Actor, person: Person, consent_id: int) -> Consent:
    """The person ends one of their consents now: from this moment the work centre no longer
    sees them (its pages answer 404) and cannot apply for them. 404 for another's consent."""
    consent = store.consents_of(person).filter(pk=consent_id).first()
    if consent is None:
        raise Problem(404, _("This consent was not found."), code="not-found")
    if consent.revoked_at is not None:
        return consent
    revoke_consent(consent, actor=actor)
    consent.refresh_from_db()
    return consent
