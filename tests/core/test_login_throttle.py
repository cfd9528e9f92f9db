# SPDX-License-Identifier: EUPL-1.2
"""Failed logins per account (issue 14, finding 6; llo.core.loginthrottle): the sixth
attempt at one account within its window is 429 with Retry-After, from any address, as a
Dutch message on the login page or problem+json; a device that logged in to the account
before is not locked out by someone else's failures; the lock ends with its window and
attempts during it do not extend it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from llo.core.loginthrottle import COOKIE
from llo.core.models import RateCounter
from llo.people.models import User
from tests.accounts.conftest import make_person

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 11, 23, 10, 0, 0, tzinfo=dt.UTC)
KVK = "90000001"  # Bakkerij de Korenaar: a demo persona's organisation


def attempt(client: Client, kvk: str = KVK, role: str = "werkgever", **headers: str) -> object:
    return client.post("/inloggen/demo", {"role": role, "kvk": kvk}, headers=headers)


def fail(client: Client) -> object:
    # The KvK number passes its check, but no employer has it: the login fails for
    # that account (role + number).
    return attempt(client, kvk="12345678")


def test_five_failures_lock_the_account_from_every_address() -> None:
    with time_machine.travel(T0 + dt.timedelta(seconds=30), tick=False):
        for n in range(5):
            # a new address each time: the per-address limit does not see it
            response = fail(Client(REMOTE_ADDR=f"10.0.0.{n}"))
            assert response.status_code == 400
        locked = fail(Client(REMOTE_ADDR="10.9.9.9", headers={"Accept-Language": "nl"}))
        assert locked.status_code == 429
        assert locked["Retry-After"] == "870"  # the 15-minute window started 30 s before
        page = locked.content.decode()
        assert 'lang="nl"' in page
        assert "15 minuten" in page
        api = fail(Client(REMOTE_ADDR="10.9.9.8", headers={"Accept": "application/json"}))
        assert api.status_code == 429
        assert api["Content-Type"] == "application/problem+json"
        body = json.loads(api.content)
        assert body["code"] == "too-many-login-attempts"
        assert body["retryAfter"] == 870
        # another account is not held up
        other = attempt(Client(REMOTE_ADDR="10.9.9.9"), kvk="12345679")
        assert other.status_code == 400
    # The refused attempts did not extend the lock: the next window is open again.
    with time_machine.travel(T0 + dt.timedelta(minutes=15), tick=False):
        assert fail(Client(REMOTE_ADDR="10.9.9.9")).status_code == 400
    # The counters hold no account number, only hashes.
    assert not RateCounter.objects.filter(client__contains="12345678").exists()


def test_the_real_user_on_a_known_device_is_not_locked_out() -> None:
    person = make_person()
    bsn = person.bsn
    assert person.pk is not None
    own_device = Client()
    with time_machine.travel(T0, tick=False):
        first = own_device.post("/inloggen/demo", {"role": "burger", "bsn": bsn})
        assert first.status_code == 302
        assert COOKIE in first.cookies
        own_device.post("/uitloggen")
        # Someone else failed five times on the account (with the demo login anyone may be
        # anyone, so the failures are put in as the admin's password login would count them).
        _lock_account(bsn)
        stranger = Client(REMOTE_ADDR="10.6.6.6")
        assert stranger.post("/inloggen/demo", {"role": "burger", "bsn": bsn}).status_code == 429
        # The user, on the device they used before, logs in.
        again = own_device.post("/inloggen/demo", {"role": "burger", "bsn": bsn})
        assert again.status_code == 302
        assert User.objects.filter(person=person).exists()


def _lock_account(bsn: str) -> None:
    """Five failures for the account, as five failed password logins would leave them."""
    from llo.core.loginthrottle import account_hash, failed

    class Stranger:
        COOKIES: dict[str, str] = {}

    for _ in range(5):
        failed(Stranger(), f"demo:burger:{bsn}")  # type: ignore[arg-type]
    assert account_hash(f"demo:burger:{bsn}")


def test_the_admins_password_login_counts_per_account_too() -> None:
    User.objects.create_superuser("beheerder", password="juist-wachtwoord-1")
    url = "/beheer/admin/login/?next=/beheer/admin/"
    with time_machine.travel(T0, tick=False):
        for n in range(5):
            wrong = Client(REMOTE_ADDR=f"10.1.0.{n}").post(
                url, {"username": "beheerder", "password": f"fout-{n}"}
            )
            assert wrong.status_code == 200  # the form again, with its error
        locked = Client(REMOTE_ADDR="10.1.1.1").post(
            url, {"username": "Beheerder", "password": "juist-wachtwoord-1"}
        )
        assert locked.status_code == 429
        assert int(locked["Retry-After"]) == 900
    # llo has no password backend (AUTHENTICATION_BACKENDS: the demo and OIDC), so this form
    # never logs anyone in; it is counted all the same, should one ever be added. After the
    # window the form answers again.
    with time_machine.travel(T0 + dt.timedelta(minutes=15), tick=False):
        again = Client().post(url, {"username": "beheerder", "password": "juist-wachtwoord-1"})
        assert again.status_code == 200
