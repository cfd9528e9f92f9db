# SPDX-License-Identifier: EUPL-1.2
"""A region partner changes and closes its statements of demand, in the page and the API: each
change is audited with before and after, rewrites the region's gap at once, and never undoes
the change of a colleague made in between (the version read is checked); a closed statement
stays as it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from llo.core.audit import Actor
from llo.core.models import AuditEntry
from llo.people.models import Organisation, User
from llo.regions.models import DemandStatement, DemandStatus
from llo.regions.services import demand, gap
from tests.regions.conftest import LASSER, TWENTE

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
FORM = {
    "region": TWENTE,
    "occupation": "lasser",
    "skills": "",
    "people": "120",
    "level": "",
    "period_start": "2027-01-01",
    "period_end": "2027-12-31",
    "urgency": "high",
    "source": "Enquête werkgevers Twente 2026",
    "note": "",
}
PAYLOAD = {
    "region": TWENTE,
    "occupation": "lasser",
    "people": 120,
    "periodStart": "2027-01-01",
    "periodEnd": "2027-12-31",
    "urgency": "high",
    "source": "Enquête werkgevers Twente 2026",
}


@pytest.fixture
def partner(
    make_org: Callable[..., Organisation], make_user: Callable[..., User]
) -> tuple[Organisation, User]:
    rwc = make_org("Regionaal Werkcentrum Twente")
    return rwc, make_user(rwc)


def _needed(client: Client, code: str = LASSER) -> int:
    rows = client.get(f"/api/v1/regions/{TWENTE}/gap", {"year": "2027"}).json()
    return sum(r["peopleNeeded"] for r in rows if r["code"] == code)


def test_a_partner_changes_a_statement_in_the_page(
    partner: tuple[Organisation, User], client: Client
) -> None:
    rwc, user = partner
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        gap.recompute(actor=Actor.system("test"))
        assert client.post("/regio/vraag/nieuw", FORM).status_code == 302
        st = DemandStatement.objects.get(organisation=rwc)
        form = client.get(f"/regio/vraag/{st.pk}/wijzigen")
        assert form.status_code == 200
        body = form.content.decode()
        assert 'name="version" value="1"' in body
        assert 'value="lasser"' in body
        assert _needed(client) == 120

        changed = client.post(
            f"/regio/vraag/{st.pk}/wijzigen", {**FORM, "people": "150", "version": "1"}
        )
        assert changed.status_code == 302
        st.refresh_from_db()
        assert (st.people, st.version) == (150, 2)
        entry = AuditEntry.objects.get(action="regions.demand.changed", subject_id=str(st.pk))
        assert (entry.before["people"], entry.after["people"]) == (120, 150)
        assert _needed(client) == 150  # the region's gap is rewritten at once

        # A colleague's form, opened on version 1, does not undo the change.
        stale = client.post(
            f"/regio/vraag/{st.pk}/wijzigen", {**FORM, "people": "90", "version": "1"}
        )
        assert stale.status_code == 400
        assert "Iemand heeft deze opgave veranderd" in stale.content.decode()
        st.refresh_from_db()
        assert (st.people, st.version) == (150, 2)


def test_a_partner_closes_a_statement_and_it_stops_counting(
    partner: tuple[Organisation, User], client: Client
) -> None:
    rwc, user = partner
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        gap.recompute(actor=Actor.system("test"))
        client.post("/regio/vraag/nieuw", FORM)
        st = DemandStatement.objects.get(organisation=rwc)
        assert client.post(f"/regio/vraag/{st.pk}/sluiten", {"reason": "bogus"}).status_code == 302
        st.refresh_from_db()
        assert st.status == DemandStatus.OPEN  # no reason from the list: nothing closed
        assert client.post(f"/regio/vraag/{st.pk}/sluiten", {"reason": "filled"}).status_code == 302
        st.refresh_from_db()
        assert (st.status, st.close_reason, st.version) == (DemandStatus.CLOSED, "filled", 2)
        assert _needed(client) == 0
        # The statement stays public, closed; it cannot be changed or closed again.
        page = client.get(f"/regio/vraag/{st.pk}").content.decode()
        assert "Enquête werkgevers Twente 2026" in page
        edit = client.get(f"/regio/vraag/{st.pk}/wijzigen", follow=True)
        assert edit.redirect_chain[-1][0] == f"/regio/vraag/{st.pk}"
        put = client.put(f"/api/v1/demand/{st.pk}", PAYLOAD, content_type="application/json")
        assert (put.status_code, put.json()["code"]) == (409, "closed")
        again = client.post(
            f"/api/v1/demand/{st.pk}/close", {"reason": "filled"}, content_type="application/json"
        )
        assert again.status_code == 409
        assert AuditEntry.objects.filter(action="regions.demand.closed").count() == 1


def test_the_api_records_changes_and_refuses_a_stale_version(
    partner: tuple[Organisation, User], client: Client
) -> None:
    rwc, user = partner
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        created = client.post("/api/v1/demand", PAYLOAD, content_type="application/json")
        assert created.status_code == 201
        st = created.json()
        assert (st["people"], st["version"], st["statedBy"]) == (120, 1, rwc.name)
        url = f"/api/v1/demand/{st['id']}"
        ok = client.put(url, {**PAYLOAD, "people": 60, "version": 1}, "application/json")
        assert (ok.status_code, ok.json()["people"], ok.json()["version"]) == (200, 60, 2)
        stale = client.put(url, {**PAYLOAD, "people": 90, "version": 1}, "application/json")
        assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
        assert stale["Content-Type"].startswith("application/problem+json")
        # Without a version the change is made (the caller takes the risk).
        blind = client.put(url, {**PAYLOAD, "people": 70}, "application/json")
        assert (blind.status_code, blind.json()["version"]) == (200, 3)
        bad = client.put(url, {**PAYLOAD, "people": -1, "version": 3}, "application/json")
        assert bad.status_code == 400
        assert [p["name"] for p in bad.json()["invalidParams"]] == ["people"]
        assert DemandStatement.objects.get(pk=st["id"]).people == 70


def test_a_shared_occupation_name_is_shown_with_its_code_and_saves_unchanged(
    partner: tuple[Organisation, User], client: Client
) -> None:
    rwc, user = partner
    with time_machine.travel(NOW, tick=False):
        st = demand.record(
            actor=Actor.system("test"),
            organisation=rwc,
            data=demand.DemandInput(
                region=TWENTE,
                occupation="7512.3",
                people=4,
                period_start=dt.date(2027, 1, 1),
                period_end=dt.date(2027, 12, 31),
                source="Bakkerij Twente",
            ),
        )
        client.force_login(user)
        body = client.get(f"/regio/vraag/{st.pk}/wijzigen").content.decode()
        assert 'value="banketbakker (7512.3)"' in body
        response = client.post(
            f"/regio/vraag/{st.pk}/wijzigen",
            {
                **FORM,
                "occupation": "banketbakker (7512.3)",
                "people": "5",
                "source": "Bakkerij Twente",
                "version": "1",
            },
        )
        assert response.status_code == 302
        st.refresh_from_db()
        assert (str(st.occupation_id), st.people) == ("7512.3", 5)
