# SPDX-License-Identifier: EUPL-1.2
"""Write the audit log inside the transaction of the change it records.

Every service that changes state calls :func:`record` in the same ``transaction.atomic``
block (DESIGN.md section 2). ``record`` refuses to run outside a transaction, so an audit row
can never outlive a rolled-back change, nor a change commit without its audit row.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from llo.core import bulk
from llo.core.models import AuditEntry
from llo.core.money import Money
from llo.core.timeutil import now


class AuditError(RuntimeError):
    pass


@dataclass(frozen=True)
class Actor:
    """Who acts: ``name`` is a stable identifier (user id, ``system:expire``), never a BSN;
    ``organisation`` the KvK number of the organisation they act for; ``person_id`` the person
    a citizen acts as (their own reads are not logged)."""

    name: str
    role: str = ""
    organisation: str = ""
    person_id: int | None = None

    @classmethod
    def system(cls, job: str) -> Actor:
        return cls(name=f"system:{job}", role="")

    @classmethod
    def of_user(cls, user: Any) -> Actor:
        """The actor of a logged-in user (``llo.people.models.User``: one identity in one
        role, for one organisation or as one person)."""
        org = getattr(user, "organisation", None)
        return cls(
            name=f"user:{user.pk}",
            role=getattr(user, "role", "") or "",
            organisation=getattr(org, "kvk", "") or "",
            person_id=getattr(user, "person_id", None),
        )


def actor_of(request: Any) -> Actor:
    """The audit actor of a request: the one place every app's pages and API ask (issue 13)."""
    return Actor.of_user(request.user)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Money):
        return {"cents": value.cents}
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return f"{value._meta.label}:{value.pk}"
    return str(value)


def snapshot(instance: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The stored fields of a model instance, ready for ``before``/``after``."""
    data: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in exclude:
            continue
        data[f.attname] = _jsonable(getattr(instance, f.attname))
    return data


def record(
    *,
    actor: Actor,
    action: str,
    subject: models.Model | tuple[str, str],
    purpose: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    using: str = "default",
) -> AuditEntry:
    """Write one audit row in the current transaction (raises AuditError outside one)."""
    conn = transaction.get_connection(using) if using != "default" else connection
    if not conn.in_atomic_block:
        raise AuditError(
            "audit.record must run inside transaction.atomic, together with the change it records"
        )
    if isinstance(subject, models.Model):
        subject_type, subject_id = subject._meta.label, str(subject.pk)
    else:
        subject_type, subject_id = subject
    return AuditEntry.objects.using(using).create(
        at=now(),
        actor=actor.name,
        role=actor.role,
        organisation=actor.organisation,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=purpose,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )


def record_many(
    *,
    actor: Actor,
    action: str,
    subject_type: str,
    entries: Sequence[tuple[str, dict[str, Any] | None]],
) -> int:
    """What :func:`record` writes, for many subjects of one action at once (a bulk use case:
    one row per subject, ``entries`` as (subject id, after)), in one statement per batch, in
    the current transaction (raises AuditError outside one). Returns how many rows."""
    if not connection.in_atomic_block:
        raise AuditError(
            "audit.record_many must run inside transaction.atomic, with the change it records"
        )
    at = now()
    return bulk.insert_rows(
        AuditEntry,
        [
            {
                "at": at,
                "actor": actor.name,
                "role": actor.role,
                "organisation": actor.organisation,
                "action": action,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "purpose": "",
                "before": None,
                "after": _jsonable(after) if after is not None else None,
            }
            for subject_id, after in entries
        ],
    )


#: The action of an audit row that records a read of a person's data.
PERSON_READ = "person.read"
#: The subject type of such a row: the person whose data was read.
PERSON = "people.Person"


def log_reads(actor: Actor, person_ids: Iterable[int], purpose: str) -> int:
    """Log that ``actor`` read the data of these persons, with its purpose: one audit row per
    person, with the actor's role and organisation (DESIGN.md section 4; issue 14, item 5; it
    feeds a person's "wie heeft mijn gegevens bekeken"). A person's read of their own data is
    not logged. Returns how many rows were written.

    The one mechanism for every app: the selectors and services that show a person's data to
    someone else call it, never a view or an API handler. It writes in a transaction of its
    own (or the caller's), so a read is logged even when nothing else is written.
    """
    ids = sorted({int(p) for p in person_ids if p is not None} - {actor.person_id})
    if not ids:
        return 0
    at = now()
    rows = [
        AuditEntry(
            at=at,
            actor=actor.name,
            role=actor.role,
            organisation=actor.organisation,
            action=PERSON_READ,
            subject_type=PERSON,
            subject_id=str(pid),
            purpose=purpose[:200],
        )
        for pid in ids
    ]
    with transaction.atomic():
        AuditEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
