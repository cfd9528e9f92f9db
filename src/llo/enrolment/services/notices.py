# SPDX-License-Identifier: EUPL-1.2
"""What a person is told when their application changes (issue 15: notifications in the app
and by e-mail on a decision, the enrolment, a payment and a claw-back).

Called by :mod:`.transitions` for every row of the lifecycle table a person should know about,
inside the transaction of the change (a rolled-back change tells nobody;
:func:`llo.notifications.services.notify_each` e-mails after the commit). Messages are
English msgids translated when shown or e-mailed (B1 Dutch).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from django.urls import reverse
from django.utils.translation import gettext_noop

from llo.core.money import Money
from llo.enrolment.lifecycle import Status
from llo.enrolment.store import outcomes
from llo.notifications import services as notifications
from llo.people.models import Organisation
from llo.register.models import Offer

#: Per status an application enters: the topic and the message (``%(title)s`` the training,
#: ``%(amount)s`` the money of the step, ``%(provider)s`` the school).
MESSAGES: dict[Status, tuple[str, str]] = {
    Status.GRANTED: (
        "enrolment.granted",
        gettext_noop("Your application for %(title)s is granted: %(amount)s is set aside for it."),
    ),
    Status.WAITING: (
        "enrolment.waiting",
        gettext_noop(
            "Your application for %(title)s is on the waiting list. "
            "You get money if money comes free."
        ),
    ),
    Status.REFUSED: (
        "enrolment.refused",
        gettext_noop("Your application for %(title)s is refused. On its page you read why."),
    ),
    Status.LAPSED: (
        "enrolment.lapsed",
        gettext_noop("The waiting list for %(title)s has closed. There was no money left for you."),
    ),
    Status.ENROLLED: (
        "enrolment.enrolled",
        gettext_noop("%(provider)s has confirmed your place in %(title)s."),
    ),
    Status.STARTED: (
        "enrolment.paid",
        gettext_noop("%(title)s has started. %(provider)s was paid %(amount)s in advance."),
    ),
    Status.PAID: (
        "enrolment.paid",
        gettext_noop(
            "You have completed %(title)s. %(provider)s got the last payment of %(amount)s."
        ),
    ),
    Status.DROPPED_OUT: (
        "enrolment.claw_back",
        gettext_noop(
            "You stopped %(title)s. %(amount)s that was not used goes back to where it came from."
        ),
    ),
    Status.NOT_COMPLETED: (
        "enrolment.claw_back",
        gettext_noop(
            "You were not at enough lessons of %(title)s. %(amount)s that was not used goes "
            "back to where it came from."
        ),
    ),
    Status.CANCELLED: (
        "enrolment.cancelled",
        gettext_noop(
            "Your application for %(title)s is cancelled. Money set aside for it is free again."
        ),
    ),
}


class Told(Protocol):
    """What :func:`tell` reads of an application (a model, or the allocator's light row)."""

    @property
    def pk(self) -> Any: ...
    @property
    def person_id(self) -> int: ...
    @property
    def offer_id(self) -> int: ...
    @property
    def provider_id(self) -> int: ...
    @property
    def amount_cents(self) -> int: ...


def tell(apps: Sequence[Told], status: Status, moved_cents: int | None = None) -> int:
    """Tell the persons of ``apps`` that their application entered ``status``. ``moved_cents``
    is the money of the step (one application); otherwise each application's own amount."""
    message = MESSAGES.get(status)
    if message is None or not apps:
        return 0
    topic, text = message
    titles = dict(
        Offer.objects.filter(pk__in={a.offer_id for a in apps}).values_list("pk", "title")
    )
    providers = dict(
        Organisation.objects.filter(pk__in={a.provider_id for a in apps}).values_list("pk", "name")
    )
    # The link of one application, made once: reverse() for each of an allocator's 250,000
    # outcomes was a sixth of its time (issue 18).
    link = reverse("enrolment:application", args=[_MARK])
    amounts: dict[int, str] = {}
    items = []
    for app in apps:
        cents = abs(int((moved_cents if moved_cents is not None else app.amount_cents) or 0))
        if cents not in amounts:
            amounts[cents] = Money(cents).format()
        items.append(
            notifications.Item(
                recipient=notifications.Recipient(person_id=app.person_id),
                params={
                    "title": titles.get(app.offer_id, ""),
                    "amount": amounts[cents],
                    "provider": providers.get(app.provider_id, ""),
                },
                link=link.replace(str(_MARK), str(app.pk)),
                subject=("enrolment.Application", str(app.pk)),
            )
        )
    return notifications.notify_each(topic=topic, message=text, items=items)


def tell_entries(status: Status, where: str, params: Sequence[Any] = ()) -> int:
    """Tell the persons of the intake entries ``where`` names (SQL over the entry ``e``, with
    ``params``) that their application entered ``status``: an outcome kept on the entry
    (waiting, refused, lapsed, cancelled; decision 013). Written by the database in one
    statement, the link to the entry's page; returns how many were told."""
    message = MESSAGES.get(status)
    if message is None:
        return 0
    topic, text = message
    before, after = reverse("enrolment:entry", args=[_MARK]).split(str(_MARK))
    return notifications.notify_query(
        topic=topic,
        message=text,
        query=outcomes.tell_query(where),
        params=[before, after, *params],
    )


#: A number no other part of the link has, replaced by each application's id.
_MARK = 987654321987
