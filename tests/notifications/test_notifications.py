# SPDX-License-Identifier: EUPL-1.2
"""Notifications: written with the change they report, e-mailed after it commits, retried
when the mail server fails, read in the app in the person's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext_noop as N_

from llo.core.audit import Actor
from llo.core.problems import Problem
from llo.core.roles import Role
from llo.notifications import selectors, services
from llo.notifications.models import EmailState, Notification
from llo.people.models import Organisation, OrganisationKind, User

pytestmark = pytest.mark.django_db

MESSAGE = N_("New demand in %(region)s: %(people)s people for %(what)s.")
PARAMS = {"region": "Twente", "people": 120, "what": "lasser"}


@pytest.fixture
def provider() -> Organisation:
    return Organisation.objects.create(
        kvk="81999001", name="Lasschool Oost", kind=OrganisationKind.PROVIDER
    )


def _notify(org: Organisation, **kwargs: Any) -> list[int]:
    with transaction.atomic():
        return services.notify(
            recipients=[services.Recipient(organisation_id=org.pk)],
            topic="test",
            message=MESSAGE,
            params=PARAMS,
            link="/regio/AM05",
            **kwargs,
        )


@pytest.mark.django_db(transaction=True)
def test_notify_needs_the_transaction_of_the_change() -> None:
    with pytest.raises(services.NotifyError):
        services.notify(recipients=[services.Recipient(organisation_id=1)], topic="t", message="m")


def test_without_an_address_the_notification_is_in_the_app_only(
    provider: Organisation, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _notify(provider)
    n = Notification.objects.get()
    assert n.email_state == EmailState.NONE
    assert mail.outbox == []
    items = selectors.inbox(services.Recipient(organisation_id=provider.pk))
    assert items[0].text == "Nieuwe vraag in Twente: 120 mensen voor lasser."


def test_the_email_goes_out_in_dutch_after_the_commit(
    provider: Organisation, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    services.set_address(
        actor=Actor.system("test"),
        recipient=services.Recipient(organisation_id=provider.pk),
        email="planning@lasschool.example",
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify(provider)
        assert mail.outbox == []  # nothing is sent before the change commits
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["planning@lasschool.example"]
    assert message.subject == "Nieuwe vraag in Twente: 120 mensen voor lasser."
    assert "http://127.0.0.1:8000/regio/AM05" in message.body
    assert Notification.objects.get().email_state == EmailState.SENT


def test_a_failed_email_stays_pending_and_is_sent_later(
    provider: Organisation, settings: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    services.set_address(
        actor=Actor.system("test"),
        recipient=services.Recipient(organisation_id=provider.pk),
        email="planning@lasschool.example",
    )
    settings.EMAIL_BACKEND = "tests.notifications.failing.Backend"
    with django_capture_on_commit_callbacks(execute=True):
        _notify(provider)
    n = Notification.objects.get()
    assert n.email_state == EmailState.PENDING
    assert n.email_attempts == 1
    assert "mail server down" in n.email_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.send_pending() == (1, 0)
    assert services.send_pending() == (0, 0)  # never twice
    assert len(mail.outbox) == 1


def test_a_bad_email_address_is_refused() -> None:
    with pytest.raises(Problem) as caught:
        services.set_address(
            actor=Actor.system("test"),
            recipient=services.Recipient(person_id=1),
            email="geen adres",
        )
    assert caught.value.invalid_params[0].name == "email"


def test_the_page_lists_notifications_in_the_chosen_language(
    provider: Organisation, client: Client
) -> None:
    _notify(provider)
    user = User.objects.create_user(
        f"opleider:{provider.kvk}", Role.OPLEIDER, organisation=provider, display_name="x"
    )
    client.force_login(user)
    page = client.get("/meldingen")
    assert "Nieuwe vraag in Twente: 120 mensen voor lasser." in page.content.decode()
    with translation.override("en"):
        items = selectors.inbox(services.Recipient(organisation_id=provider.pk))
    assert items[0].text == "New demand in Twente: 120 people for lasser."
    assert client.post("/meldingen/gelezen").status_code == 302
    assert selectors.unread_count(services.Recipient(organisation_id=provider.pk)) == 0
