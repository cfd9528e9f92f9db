# SPDX-License-Identifier: EUPL-1.2
"""Issue 14, finding 5, outside enrolment: a provider reading the persons on its certificates
page (enrolments to issue on, credentials it issued, exemptions asked), and a verifier
reading a credential through the link its holder shared, write one audit row per person
shown and read; the holder's own reads write none. The rows are counted against what the
pages showed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from llo.core import audit
from llo.core.audit import PERSON, PERSON_READ
from llo.core.models import AuditEntry
from llo.credentials import services
from tests.credentials.conftest import completed, person
from tests.enrolment.conftest import World
from tests.enrolment.test_pages import login

pytestmark = pytest.mark.django_db


def reads() -> list[tuple[str, str, str, str]]:
    return list(
        AuditEntry.objects.filter(action=PERSON_READ, subject_type=PERSON)
        .order_by("pk")
        .values_list("subject_id", "role", "organisation", "purpose")
    )


def test_the_provider_page_logs_every_person_it_shows(world: World, client: Client) -> None:
    to_issue = [completed(world, who=person()) for _ in range(2)]
    given = completed(world, who=person())
    services.issue_for_enrolment(
        actor=audit.Actor("test", "opleider"), provider=world.provider, enrolment=given
    )
    login(client, "opleider", org=world.provider)
    page = client.get("/certificaten")
    assert page.status_code == 200
    html = page.content.decode()
    shown = [e.application.person for e in [*to_issue, given]]
    for someone in shown:
        assert someone.display_name in html
    rows = reads()
    assert sorted(int(r[0]) for r in rows) == sorted(p.pk for p in shown)
    assert {(r[1], r[2]) for r in rows} == {("opleider", world.provider.kvk)}
    assert {r[3] for r in rows} == {"provider: certificates issued and to issue"}


def test_a_shared_link_logs_the_verifiers_read_for_the_holder(world: World) -> None:
    enrolment = completed(world, who=person())
    holder = enrolment.application.person
    credential = services.issue_for_enrolment(
        actor=audit.Actor("test", "opleider"), provider=world.provider, enrolment=enrolment
    )
    own = Client()
    login(own, "burger", who=holder)
    assert own.get(f"/mijn-certificaten/{credential.uuid}").status_code == 200
    assert reads() == []  # the holder's own read is not logged
    token = services.create_share_link(
        actor=audit.Actor("test", "burger", person_id=holder.pk),
        person=holder,
        credential=credential,
        expires=dt.date.today() + dt.timedelta(days=30),
    )
    assert Client().get(f"/gedeeld/{token}").status_code == 200
    assert Client().get("/gedeeld/not-a-token").status_code == 404
    rows = reads()
    assert rows == [
        (
            str(holder.pk),
            "verifier",
            "",
            f"verifier: shared link of credential {credential.uuid}",
        )
    ]
    assert token not in str(list(AuditEntry.objects.values_list("purpose", "actor")))
