# SPDX-License-Identifier: EUPL-1.2
"""What llo holds about one person, and who read it (AVG art. 15, the right of access; issue
15: "Mijn gegevens" and "wie heeft mijn gegevens bekeken").

* :func:`export` — everything as one JSON document: the person, their facts, employments,
  client relations, rights with the ledger lines of their accounts, applications with their
  decisions, enrolments and payments, credentials, consents, pre-registrations,
  notifications and the reads of their data by others. The download is itself written to the
  audit log (``person.export``), in its own transaction.
* :func:`reads_of` — every read of the person's data by someone else (``person.read`` rows of
  :func:`llo.core.audit.log_reads`), with role, organisation name, purpose and time.

This module sits in the monitoring layer because it reads every app below it (credentials
included), and both the pages and the API use it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from llo.accounts.models import LedgerTransaction, Posting, Right
from llo.core import audit
from llo.core.models import AuditEntry
from llo.core.roles import Role
from llo.core.timeutil import now
from llo.credentials.models import Credential
from llo.enrolment.models import (
    Application,
    Consent,
    Enrolment,
    Payment,
    WindowInterest,
)
from llo.notifications.models import Notification
from llo.people.models import ClientRelation, Employment, Organisation, Person, PersonFact

#: The version of the export's shape; a reader can rely on the keys of one version.
FORMAT = "llo-person-data/1"
#: Fields never exported: keys, hashes and signed blobs that say nothing to a person (their
#: content is exported in readable fields beside them).
HIDDEN = frozenset({"bsn_encrypted", "bsn_hash", "password", "document", "jwt"})


def _row(instance: Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    data = audit.snapshot(instance, exclude=exclude)
    return {k: v for k, v in data.items() if k not in HIDDEN}


def export(person: Person, *, actor: audit.Actor) -> dict[str, Any]:
    """Everything llo holds about ``person``, as JSON-ready data, and the audit record of the
    download (one transaction)."""
    rights = list(Right.objects.filter(person=person).order_by("pk"))
    apps = list(Application.objects.filter(person=person).select_related("preview").order_by("pk"))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="person.export",
            subject=person,
            purpose="the person's own download of their data (AVG art. 15)",
        )
    return {
        "format": FORMAT,
        "madeAt": now().isoformat(),
        "person": {**_row(person), "bsn": person.bsn},
        "facts": [_row(f) for f in PersonFact.objects.filter(person=person).order_by("pk")],
        "employments": [
            {**_row(e), "employerName": e.employer.name}
            for e in Employment.objects.filter(person=person).select_related("employer")
        ],
        "clientOf": [
            {**_row(c), "organisationName": c.organisation.name}
            for c in ClientRelation.objects.filter(person=person).select_related("organisation")
        ],
        "rights": [_row(r) for r in rights],
        "ledgerLines": _ledger_lines(rights),
        "applications": [
            {
                **_row(a),
                "decision": {
                    "eligible": a.preview.eligible,
                    "reasons": a.preview.reasons,
                    "plan": a.preview.plan,
                    "peildatum": a.preview.peildatum.isoformat(),
                },
            }
            for a in apps
        ],
        "enrolments": [
            _row(e) for e in Enrolment.objects.filter(application__in=apps).order_by("pk")
        ],
        "payments": [_row(p) for p in Payment.objects.filter(application__in=apps).order_by("pk")],
        "credentials": [
            _row(c) for c in Credential.objects.filter(person=person).order_by("issued_at", "pk")
        ],
        "consents": [_row(c) for c in Consent.objects.filter(person=person).order_by("pk")],
        "preRegistrations": [
            _row(i) for i in WindowInterest.objects.filter(person=person).order_by("pk")
        ],
        "notifications": [
            _row(n) for n in Notification.objects.filter(person=person).order_by("pk")
        ],
        "readsByOthers": [read.as_json() for read in reads_of(person)],
    }


#: The purposes the apps log (``log_reads``), by how they start, in the person's words.
PURPOSES: tuple[tuple[str, str], ...] = (
    ("funder: list of rights", gettext_noop("To see the budgets it gave you")),
    ("funder: page of budget", gettext_noop("To see who uses its budget")),
    ("funder: choose whom to pay", gettext_noop("To choose whom to give money")),
    ("funder export of budget", gettext_noop("To download who uses its budget")),
    ("funder", gettext_noop("To manage the money it gives for learning")),
    ("adviser", gettext_noop("To help you, with your permission")),
    ("provider", gettext_noop("To handle your application for a course")),
)


def purpose_words(purpose: str) -> str:
    """Why someone read the data, in B1 words (the logged purpose is for auditors)."""
    for start, words in PURPOSES:
        if purpose.startswith(start):
            return _(words)
    return _("To do their work in llo")


def _ledger_lines(rights: list[Right]) -> list[dict[str, Any]]:
    """Every ledger transaction of the person's rights (the deposit that made each, and what
    happened to its money since), with what it did to the right's own account."""
    by_deposit = {r.deposit_id: r.pk for r in rights if r.deposit_id is not None}
    own = {r.account_id: r.pk for r in rights if r.account_id is not None}
    txns = list(
        LedgerTransaction.objects.filter(
            Q(right_id__in=[r.pk for r in rights]) | Q(pk__in=list(by_deposit))
        ).order_by("created_at", "pk")
    )
    change: dict[int, int] = {}
    for txn_id, cents in Posting.objects.filter(
        transaction__in=txns, account_id__in=list(own)
    ).values_list("transaction_id", "amount_cents"):
        change[txn_id] = change.get(txn_id, 0) + cents
    return [
        {
            "transaction": t.pk,
            "right": t.right_id or by_deposit.get(t.pk),
            "date": t.effective_date.isoformat(),
            "cause": t.cause,
            "amountCents": t.amount_cents,
            "changeToRightCents": change.get(t.pk),
        }
        for t in txns
    ]


@dataclass(frozen=True)
class Read:
    """One read of a person's data by someone else."""

    at: dt.datetime
    role: str
    role_label: str
    organisation: str  # its name; the KvK number when llo does not know the organisation
    kvk: str
    purpose: str

    @property
    def purpose_text(self) -> str:
        return purpose_words(self.purpose)

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "role": self.role,
            "organisation": self.organisation,
            "kvk": self.kvk,
            "purpose": self.purpose,
        }


def reads_of(person: Person, *, limit: int | None = None) -> list[Read]:
    """Every read of ``person``'s data by staff, an adviser, a funder or a provider, newest
    first (the person's own reads are never logged)."""
    rows = AuditEntry.objects.filter(
        Q(action=audit.PERSON_READ, subject_type=audit.PERSON, subject_id=str(person.pk))
    ).order_by("-at", "-id")
    if limit is not None:
        rows = rows[:limit]
    found = list(rows.values_list("at", "role", "organisation", "purpose"))
    names = dict(
        Organisation.objects.filter(kvk__in={kvk for _a, _r, kvk, _p in found if kvk}).values_list(
            "kvk", "name"
        )
    )
    labels = dict(Role.choices)
    return [
        Read(
            at=at,
            role=role,
            role_label=str(labels.get(role, role)) if role else "",
            organisation=names.get(kvk, kvk),
            kvk=kvk,
            purpose=purpose,
        )
        for at, role, kvk, purpose in found
    ]
