# SPDX-License-Identifier: EUPL-1.2
"""Notify people and organisations: in the app, and by e-mail through Django's mail backend.

:func:`notify` runs inside the caller's transaction (like the audit record): a change that
rolls back notifies nobody. E-mails are sent after the commit; one that fails stays pending
and ``llo send_notifications`` (nightly, or every few minutes) tries again, at most
:data:`MAX_ATTEMPTS` times. A message is claimed before it is sent (state ``sending``), so two
senders never send it twice.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from llo.core import audit, bulk
from llo.core.problems import InvalidParam, invalid
from llo.core.timeutil import now
from llo.notifications import store
from llo.notifications.models import Address, EmailState, Notification

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
#: A message claimed this long ago by a sender that never finished is tried again.
STALE_CLAIM = dt.timedelta(minutes=10)


class NotifyError(RuntimeError):
    pass


@dataclass(frozen=True)
class Recipient:
    """A person or an organisation (exactly one)."""

    organisation_id: int | None = None
    person_id: int | None = None

    def __post_init__(self) -> None:
        if (self.organisation_id is None) == (self.person_id is None):
            raise ValueError("a recipient is a person or an organisation")

    @classmethod
    def of_user(cls, user: Any) -> Recipient | None:
        """The recipient a logged-in user reads notifications for."""
        if getattr(user, "organisation_id", None):
            return cls(organisation_id=user.organisation_id)
        if getattr(user, "person_id", None):
            return cls(person_id=user.person_id)
        return None

    def filter(self) -> Q:
        if self.organisation_id is not None:
            return Q(organisation_id=self.organisation_id)
        return Q(person_id=self.person_id)


def dutch_day(day: dt.date) -> str:
    """A date as a notification's value: the one date format of the Dutch pages ("4 januari
    2027"); messages are stored with their values, and e-mails are Dutch."""
    from django.utils.formats import date_format

    with translation.override("nl"):
        return str(date_format(day, "j F Y"))


def render(message: str, params: dict[str, Any]) -> str:
    """The text of a notification in the active language."""
    text = _(message) if message else ""
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        log.warning("notification %r does not fit its values %r", message, params)
        return text


def notify(
    *,
    recipients: Iterable[Recipient],
    topic: str,
    message: str,
    params: dict[str, Any] | None = None,
    link: str = "",
    subject: tuple[str, str] = ("", ""),
    email: bool = True,
) -> list[int]:
    """Write one notification per recipient in the current transaction; e-mail it after the
    commit to those with an address. ``message`` is an English msgid marked with
    ``gettext_noop`` by the caller; ``params`` its values (JSON)."""
    if not transaction.get_connection().in_atomic_block:
        raise NotifyError("notify must run inside the transaction of the change it reports")
    unique = list(dict.fromkeys(recipients))
    if not unique:
        return []
    addresses = _addresses(unique) if email else {}
    at = now()
    rows = []
    for r in unique:
        to = addresses.get(r, "")
        rows.append(
            Notification(
                organisation_id=r.organisation_id,
                person_id=r.person_id,
                topic=topic,
                message=message,
                params=params or {},
                link=link,
                subject_type=subject[0],
                subject_id=str(subject[1]),
                created_at=at,
                email_to=to,
                email_state=EmailState.PENDING if to else EmailState.NONE,
            )
        )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.pk is not None]
    if len(ids) != len(rows):  # a backend that returns no ids
        ids = list(
            Notification.objects.filter(created_at=at, topic=topic).values_list("id", flat=True)
        )
    if any(n.email_state == EmailState.PENDING for n in rows):
        transaction.on_commit(functools.partial(_send_after_commit, ids))
    return ids


@dataclass(frozen=True)
class Item:
    """One notification of :func:`notify_each`: its recipient, values, link and subject."""

    recipient: Recipient
    params: dict[str, Any]
    link: str = ""
    subject: tuple[str, str] = ("", "")


def notify_each(*, topic: str, message: str, items: Sequence[Item], email: bool = True) -> int:
    """:func:`notify` for many recipients, each with their own values (an allocator's
    outcomes): one insert for all, inside the caller's transaction; e-mailed after the commit.
    Returns how many were written."""
    if not items:
        return 0
    if not transaction.get_connection().in_atomic_block:
        raise NotifyError("notify must run inside the transaction of the change it reports")
    addresses = _addresses(list(dict.fromkeys(i.recipient for i in items))) if email else {}
    at = now()
    # One statement per batch, the values bound by the server (llo.core.bulk): a window's
    # allocator tells 250,000 persons at once, where bulk_create compiled every value in
    # Python (issue 18: most of the allocator's time).
    ids = bulk.allocate_ids(Notification, len(items))
    rows = [
        {
            "id": pk,
            "organisation_id": i.recipient.organisation_id,
            "person_id": i.recipient.person_id,
            "topic": topic,
            "message": message,
            "params": i.params,
            "link": i.link,
            "subject_type": i.subject[0],
            "subject_id": str(i.subject[1]),
            "created_at": at,
            "read_at": None,
            "email_to": addresses.get(i.recipient, ""),
            "email_state": (
                EmailState.PENDING.value if addresses.get(i.recipient) else EmailState.NONE.value
            ),
            "email_attempts": 0,
            "emailed_at": None,
            "email_error": "",
        }
        for pk, i in zip(ids, items, strict=True)
    ]
    bulk.insert_rows(Notification, rows)
    pending = [
        pk for pk, r in zip(ids, rows, strict=True) if r["email_state"] == EmailState.PENDING.value
    ]
    if pending:
        transaction.on_commit(functools.partial(_send_after_commit, pending))
    return len(rows)


def notify_query(
    *,
    topic: str,
    message: str,
    query: str,
    params: Sequence[Any] = (),
    email: bool = True,
    at: dt.datetime | None = None,
) -> int:
    """:func:`notify_each` for persons a query names, written by the database: one
    ``INSERT ... SELECT``, no row through Python, the e-mail addresses joined in the database
    (issue 18: a window's allocator tells 248,000 persons they wait; building, sending and
    binding their rows from Python was most of its time). ``query`` (with ``params``) gives
    one row per notification with the columns ``person_id``, ``params`` (a JSON object, see
    :func:`llo.notifications.store.json_object_sql`), ``link``, ``subject_type`` and
    ``subject_id``. Inside the caller's transaction; the e-mails go after the commit as
    :func:`notify` sends them (the first :data:`SEND_AT_ONCE` at once, the rest by
    ``llo send_notifications``). Returns how many were written."""
    if not transaction.get_connection().in_atomic_block:
        raise NotifyError("notify must run inside the transaction of the change it reports")
    count, to_send = store.insert_from_query(
        topic=topic,
        message=message,
        query=query,
        params=params,
        email=email,
        at=at or now(),
        send_at_once=SEND_AT_ONCE,
    )
    if to_send:
        transaction.on_commit(functools.partial(_send_after_commit, to_send))
    return count


#: Mail sent right after the commit of a change; the rest goes by ``llo send_notifications``
#: (what :func:`send_pending` takes at once).
SEND_AT_ONCE = 500


def _addresses(recipients: Sequence[Recipient]) -> dict[Recipient, str]:
    orgs = [r.organisation_id for r in recipients if r.organisation_id is not None]
    persons = [r.person_id for r in recipients if r.person_id is not None]
    found: dict[Recipient, str] = {}
    wanted = [("organisation_id", part) for part in bulk.chunks(orgs)]
    wanted += [("person_id", part) for part in bulk.chunks(persons)]
    for column, part in wanted:
        for org_id, person_id, email in Address.objects.filter(
            **{f"{column}__in": part}
        ).values_list("organisation_id", "person_id", "email"):
            found[Recipient(organisation_id=org_id, person_id=person_id)] = email
    return found


def _send_after_commit(ids: list[int]) -> None:
    try:
        send_pending(ids)
    except Exception:  # the change has committed; a later run of the command retries
        log.exception("sending notifications %s failed", ids[:10])


def set_address(*, actor: audit.Actor, recipient: Recipient, email: str) -> Address | None:
    """Set (or with an empty string remove) where a recipient's e-mails go."""
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise invalid(
                _("This e-mail address is not valid."),
                [InvalidParam("email", _("Give an e-mail address such as naam@voorbeeld.nl."))],
            ) from exc
    with transaction.atomic():
        current = Address.objects.filter(recipient.filter()).first()
        before = {"email": current.email} if current else None
        if not email:
            if current is not None:
                current.delete()
                audit.record(
                    actor=actor,
                    action="notifications.address.removed",
                    subject=_subject(recipient),
                    before=before,
                )
            return None
        if current is None:
            current = Address(
                organisation_id=recipient.organisation_id, person_id=recipient.person_id
            )
        current.email = email
        current.save()
        audit.record(
            actor=actor,
            action="notifications.address.set",
            subject=_subject(recipient),
            before=before,
            after={"email": email},
        )
        return current


def _subject(recipient: Recipient) -> tuple[str, str]:
    if recipient.organisation_id is not None:
        return ("people.Organisation", str(recipient.organisation_id))
    return ("people.Person", str(recipient.person_id))


def mark_read(recipient: Recipient, ids: Iterable[int] | None = None) -> int:
    """Mark the recipient's notifications (all, or the given ones) as read."""
    rows = Notification.objects.filter(recipient.filter(), read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(id__in=list(ids))
    return rows.update(read_at=now())


def _claim(ids: Sequence[int] | None, limit: int) -> list[Notification]:
    """Claim pending messages: only the sender whose update changed the row sends it."""
    stale = now() - STALE_CLAIM
    Notification.objects.filter(email_state=EmailState.SENDING, emailed_at__lt=stale).update(
        email_state=EmailState.PENDING
    )
    pending = Notification.objects.filter(email_state=EmailState.PENDING).order_by("id")
    if ids is not None:
        pending = pending.filter(id__in=list(ids))
    claimed = []
    for n in pending[:limit]:
        at = now()
        if Notification.objects.filter(id=n.pk, email_state=EmailState.PENDING).update(
            email_state=EmailState.SENDING, emailed_at=at
        ):
            n.email_state, n.emailed_at = EmailState.SENDING, at
            claimed.append(n)
    return claimed


def email_text(n: Notification) -> tuple[str, str]:
    """Subject and body of the e-mail of a notification, in Dutch (B1)."""
    with translation.override("nl"):
        text = render(n.message, n.params)
        site = settings.LLO_SITE_URL.rstrip("/")
        lines = [text, ""]
        if n.link:
            lines += [_("Read more: %(url)s") % {"url": site + n.link}, ""]
        lines += [
            _("You get this e-mail from llo (Leven Lang Ontwikkelen)."),
            _("All your notifications, and where to switch them off: %(url)s")
            % {"url": site + "/meldingen"},
        ]
        subject = text if len(text) <= 120 else text[:117] + "..."
        return subject, "\n".join(lines)


def send_pending(ids: Sequence[int] | None = None, limit: int = 500) -> tuple[int, int]:
    """Send pending e-mails (the given ones, or any); returns (sent, failed)."""
    sent = failed = 0
    for n in _claim(ids, limit):
        subject, body = email_text(n)
        attempts = n.email_attempts + 1
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [n.email_to])
        except Exception as exc:  # any backend error: keep the message, try again later
            failed += 1
            state = EmailState.FAILED if attempts >= MAX_ATTEMPTS else EmailState.PENDING
            Notification.objects.filter(id=n.pk).update(
                email_state=state,
                email_attempts=attempts,
                email_error=str(exc)[:300],
            )
            log.warning("notification %s: e-mail not sent (%s)", n.pk, exc)
            continue
        sent += 1
        Notification.objects.filter(id=n.pk).update(
            email_state=EmailState.SENT, email_attempts=attempts, emailed_at=now(), email_error=""
        )
    return sent, failed
