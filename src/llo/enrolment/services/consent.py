# SPDX-License-Identifier: EUPL-1.2
"""An adviser acts for a person only with the person's consent: time-limited and revocable
(DESIGN.md section 4). Giving, revoking and checking that consent."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import Problem
from llo.core.timeutil import now
from llo.enrolment.models import Consent
from llo.people.models import Organisation, Person

#: What a person consents to (the vocabulary of ``Consent.purpose``; labels in
#: :mod:`llo.advice.selectors`). "apply": see the overview, make a development plan and apply
#: on the person's behalf; "plan": see the overview and make a plan, but not apply.
PURPOSE_APPLY = "apply"
PURPOSE_PLAN = "plan"
PURPOSES = (PURPOSE_APPLY, PURPOSE_PLAN)


def check_acting_for(
    actor_org: Organisation | None, person: Person, at: dt.datetime
) -> Consent | None:
    """An adviser acts for a person only with a valid, unrevoked consent (DESIGN.md 4).
    Takes no lock."""
    if actor_org is None:
        return None
    consent = (
        Consent.objects.filter(
            person=person,
            organisation=actor_org,
            valid_from__lte=at,
            valid_until__gte=at,
            revoked_at__isnull=True,
            purpose=PURPOSE_APPLY,
        )
        .order_by("-valid_until")
        .first()
    )
    if consent is None:
        raise Problem(
            403,
            _("You may apply for this person only with their consent. Ask them to give it."),
            code="no-consent",
        )
    return consent


def give_consent(
    *,
    person: Person,
    organisation: Organisation,
    days: int = 90,
    at: dt.datetime | None = None,
    purpose: str = PURPOSE_APPLY,
    until: dt.datetime | None = None,
    actor: audit.Actor | None = None,
) -> Consent:
    """The person gives an organisation consent for a purpose until ``until`` (or for
    ``days`` days). Takes no lock."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    at = at or now()
    with transaction.atomic():
        consent = Consent.objects.create(
            person=person,
            organisation=organisation,
            purpose=purpose,
            valid_from=at,
            valid_until=until or at + dt.timedelta(days=days),
        )
        audit.record(
            actor=actor or audit.Actor(f"person:{person.pk}", "burger"),
            action="consent.given",
            subject=consent,
            after={
                "organisation": organisation.pk,
                "purpose": purpose,
                "valid_until": consent.valid_until,
            },
        )
    return consent


def revoke_consent(
    consent: Consent, at: dt.datetime | None = None, actor: audit.Actor | None = None
) -> None:
    """The person revokes a consent. Takes no lock (one conditional update)."""
    with transaction.atomic():
        Consent.objects.filter(pk=consent.pk, revoked_at__isnull=True).update(
            revoked_at=at or now()
        )
        audit.record(
            actor=actor or audit.Actor(f"person:{consent.person_id}", "burger"),
            action="consent.revoked",
            subject=consent,
        )
