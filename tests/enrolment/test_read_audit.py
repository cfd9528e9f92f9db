# SPDX-License-Identifier: EUPL-1.2
"""Issue 14, finding 5: every read of a person's data by someone else writes one audit row
per person, with role, organisation and purpose (it feeds "wie heeft mijn gegevens
bekeken"). Reads are counted here against the rows: a provider's list and detail pages, an
adviser's list of persons who consented, their apply page and the application they made; the
person's own reads write none."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from llo.core.audit import PERSON, PERSON_READ
from llo.core.models import AuditEntry
from llo.enrolment import services
from llo.enrolment.models import Application
from tests.accounts.conftest import make_org
from tests.enrolment.conftest import World
from tests.enrolment.test_pages import _form, _granted, during, funded_person, login

pytestmark = pytest.mark.django_db
__all__ = ["during"]  # the fixture, imported to be used here


def reads(**where: str) -> list[tuple[str, str, str, str]]:
    """(person id, role, organisation, purpose) of every person.read row."""
    return list(
        AuditEntry.objects.filter(action=PERSON_READ, subject_type=PERSON, **where)
        .order_by("pk")
        .values_list("subject_id", "role", "organisation", "purpose")
    )


def test_a_provider_read_is_logged_per_person(client: Client, world: World) -> None:
    apps = [_granted(world) for _ in range(3)]
    login(client, "opleider", org=world.provider)
    kvk = world.provider.kvk
    assert reads() == []
    assert client.get(reverse("enrolment:provider-applications")).status_code == 200
    listed = reads()
    assert sorted(listed) == sorted(
        (str(a.person_id), "opleider", kvk, "provider: list of applications") for a in apps
    )
    one = apps[1]
    assert client.get(reverse("enrolment:provider-application", args=[one.pk])).status_code == 200
    assert reads()[len(listed) :] == [
        (str(one.person_id), "opleider", kvk, f"provider: application {one.pk}")
    ]
    # another provider's application: 404, and no read is logged
    other = login(Client(), "opleider", org=make_org("provider"))
    stranger = Client()
    stranger.force_login(other)
    before = len(reads())
    assert stranger.get(reverse("enrolment:provider-application", args=[one.pk])).status_code == (
        404
    )
    assert len(reads()) == before


def test_an_adviser_read_is_logged_and_the_persons_own_is_not(
    client: Client, world: World, during: None
) -> None:
    work_centre = make_org("work_centre", name="RWC Rijnmond")
    fatima, youssef = funded_person(), funded_person()
    for p in (fatima, youssef):
        services.give_consent(person=p, organisation=work_centre)
    login(client, "adviseur", org=work_centre)
    url = reverse("enrolment:apply", args=[world.offering.pk])
    client.get(url)  # the list of persons who consented: both names shown
    assert sorted(reads()) == sorted(
        (str(p.pk), "adviseur", work_centre.kvk, "adviser: persons who consented")
        for p in (fatima, youssef)
    )
    page = client.get(url, {"persoon": fatima.pk})  # Fatima's plan only
    assert reads()[2:] == [
        (str(fatima.pk), "adviseur", work_centre.kvk, "adviser: apply for a person who consented")
    ]
    client.post(url, {**_form(page.content.decode()), "confirm": "on"})
    app = Application.objects.get()
    n = len(reads())
    client.get(reverse("enrolment:application", args=[app.pk]))
    assert reads()[n:] == [
        (str(fatima.pk), "adviseur", work_centre.kvk, f"adviser: application {app.pk}")
    ]
    # Fatima reads her own application: not logged
    own = Client()
    login(own, "burger", who=fatima)
    n = len(reads())
    assert own.get(reverse("enrolment:application", args=[app.pk])).status_code == 200
    assert own.get(reverse("enrolment:mine")).status_code == 200
    assert len(reads()) == n
