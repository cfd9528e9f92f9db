# SPDX-License-Identifier: EUPL-1.2
"""The register pages work without JavaScript, show errors beside the field, and keep
providers to their own offers."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from llo.people.models import User
from llo.register.models import Offer, OfferState, Opleider
from tests.register.conftest import establish

from .test_api import offer_body
from .test_import import DESCRIPTION, ooapi_file

pytestmark = pytest.mark.django_db


def html(response: Any) -> str:
    text = response.content.decode()
    # The CSP forbids inline style and script: pages must not need them.
    assert " style=" not in text
    assert not re.search(r"<script(?![^>]*\bsrc=)", text)
    return text


@pytest.fixture
def vakwerk(make_provider: Callable[..., Opleider]) -> Opleider:
    return make_provider("Academie Vakwerk", kvk="90000009")


@pytest.fixture
def as_vakwerk(
    client: Client, vakwerk: Opleider, provider_user: Callable[[Opleider], User]
) -> Client:
    client.force_login(provider_user(vakwerk))
    return client


def test_search_page_with_filters_and_facets(vakwerk: Opleider, make_offer: Any) -> None:
    for i in range(23):
        make_offer(vakwerk, f"Lassen niveau {i}", level="eqf_2" if i % 2 else "eqf_3")
    client = Client()
    page = html(client.get("/opleidingen", {"q": "lassen"}))
    assert "23 " in page
    assert 'name="level" id="f-level-eqf_2" value="eqf_2"' in page
    assert "(11)" in page
    assert "(12)" in page
    assert 'rel="next"' in page
    filtered = html(client.get("/opleidingen", {"q": "lassen", "level": "eqf_2"}))
    assert "11 " in filtered
    second = html(client.get("/opleidingen", {"q": "lassen", "page": "2"}))
    assert 'aria-current="page">2<' in second


def test_search_page_shows_the_typo_correction(vakwerk: Opleider, make_offer: Any) -> None:
    make_offer(vakwerk, "Boekhouding voor starters")
    page = html(Client().get("/opleidingen", {"q": "boekhoudng"}))
    assert "boekhoudng" in page
    assert "boekhouding" in page


def test_search_page_errors_beside_the_field(vakwerk: Opleider) -> None:
    page = html(Client().get("/opleidingen", {"maxPrice": "veel"}))
    assert "utrecht-form-field--invalid" in page
    assert 'id="id_maxPrice-error"' in page


def test_offer_page_public_and_draft(vakwerk: Opleider, make_offer: Any) -> None:
    published = make_offer(vakwerk, "Heftruckcertificaat", skills=["Heftruck rijden"])
    draft = make_offer(vakwerk, "Reachtruck", state=OfferState.DRAFT)
    page = html(Client().get(f"/opleidingen/{published.pk}"))
    assert "Heftruckcertificaat" in page
    assert "€ 500,00" in page
    assert Client().get(f"/opleidingen/{draft.pk}").status_code == 404
    provider = html(Client().get("/opleiders/90000009"))
    assert "NRTO" in provider or "nrto" in provider.lower()
    assert "Heftruckcertificaat" in provider


def test_a_provider_adds_an_offer_with_errors_beside_the_fields(
    as_vakwerk: Client, vakwerk: Opleider
) -> None:
    establish(vakwerk)
    form: dict[str, Any] = {
        "code": "EXC-1",
        "title": "Excel voor het mkb",
        "description": DESCRIPTION,
        "offer_type": "course",
        "level": "eqf_3",
        "level_basis": "indicative",
        "study_load_value": "12",
        "study_load_unit": "hour",
        "leads_to": "none",
        "legal_status": "cursist",
        "language": "nl",
        "modes": ["presential"],
        "gemeenten": "Rotterdam, Nergenshuizen",
        "fee": "-5",
        "vat_exempt": "on",
    }
    response = as_vakwerk.post("/mijn-aanbod/nieuw", form)
    assert response.status_code == 400
    page = html(response)
    assert 'id="id_gemeenten-error"' in page
    assert "Nergenshuizen" in page
    assert 'id="id_fee-error"' in page
    form.update(gemeenten="Rotterdam, Schiedam", fee="249,50")
    response = as_vakwerk.post("/mijn-aanbod/nieuw", form)
    assert response.status_code == 302
    offer = Offer.objects.get(code="EXC-1")
    assert offer.fee_cents == 24_950
    assert sorted(offer.gemeenten.values_list("code", flat=True)) == ["GM0599", "GM0606"]
    manage = html(as_vakwerk.get(f"/mijn-aanbod/{offer.pk}"))
    assert 'name="action" value="submit"' in manage
    response = as_vakwerk.post(f"/mijn-aanbod/{offer.pk}/stap", {"action": "submit"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.state == OfferState.APPROVED
    as_vakwerk.post(f"/mijn-aanbod/{offer.pk}/stap", {"action": "publish"})
    offer.refresh_from_db()
    assert offer.state == OfferState.PUBLISHED


def test_failed_checks_show_beside_the_fields_on_the_edit_page(as_vakwerk: Client) -> None:
    offer_id = as_vakwerk.post(
        "/api/v1/offers",
        data=json.dumps(offer_body(description="Te kort.")),
        content_type="application/json",
    ).json()["id"]
    response = as_vakwerk.post(f"/mijn-aanbod/{offer_id}/stap", {"action": "submit"})
    assert response.status_code == 302
    assert response["Location"].endswith("/wijzigen")
    page = html(as_vakwerk.get(response["Location"]))
    assert 'id="id_description-error"' in page


def test_a_title_like_a_spreadsheet_formula_is_refused_beside_the_field(
    as_vakwerk: Client,
) -> None:
    offer_id = as_vakwerk.post(
        "/api/v1/offers",
        data=json.dumps(offer_body(title="@SUM(1+1)*cmd|' /C calc'!A0")),
        content_type="application/json",
    ).json()["id"]
    response = as_vakwerk.post(f"/mijn-aanbod/{offer_id}/stap", {"action": "submit"})
    assert response["Location"].endswith("/wijzigen")
    page = html(as_vakwerk.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl"))
    assert 'id="id_title-error"' in page
    assert "Begin de titel met een letter of een cijfer" in page


def test_offerings_are_added_and_cancelled(
    as_vakwerk: Client, vakwerk: Opleider, make_offer: Any
) -> None:
    offer = make_offer(vakwerk, "Heftruck")
    bad = as_vakwerk.post(
        f"/mijn-aanbod/{offer.pk}", {"start_date": "2026-10-01", "end_date": "2026-09-01"}
    )
    assert bad.status_code == 400
    assert 'id="id_end_date-error"' in html(bad)
    as_vakwerk.post(f"/mijn-aanbod/{offer.pk}", {"start_date": "2026-10-01", "capacity": "12"})
    run = offer.offerings.get()
    as_vakwerk.post(f"/mijn-aanbod/{offer.pk}/startmomenten/{run.pk}/annuleren")
    run.refresh_from_db()
    assert run.state == "cancelled"


def test_another_provider_sees_no_way_in(
    as_vakwerk: Client,
    make_provider: Callable[..., Opleider],
    make_offer: Any,
) -> None:
    other = make_provider("Concurrent")
    theirs = make_offer(other, "Hun cursus", state=OfferState.DRAFT)
    assert as_vakwerk.get(f"/mijn-aanbod/{theirs.pk}").status_code == 404
    assert as_vakwerk.get(f"/mijn-aanbod/{theirs.pk}/wijzigen").status_code == 404
    assert (
        as_vakwerk.post(f"/mijn-aanbod/{theirs.pk}/stap", {"action": "submit"}).status_code == 404
    )
    assert (
        as_vakwerk.post(f"/mijn-aanbod/{theirs.pk}", {"start_date": "2026-10-01"}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.state == OfferState.DRAFT
    assert theirs.offerings.count() == 0


def test_other_roles_cannot_use_provider_or_staff_pages(client: Client, staff_user: User) -> None:
    burger = User.objects.create_user("burger:x", role="burger")
    client.force_login(burger)
    assert client.get("/mijn-aanbod").status_code == 403
    assert client.get("/beoordelen").status_code == 403
    assert Client().get("/mijn-aanbod").status_code == 302  # to the login page


def test_import_page_shows_the_report(as_vakwerk: Client) -> None:
    payload = ooapi_file()
    payload["courses"][0]["ext"]["leadsTo"] = "degree"
    upload = SimpleUploadedFile(
        "aanbod.json", json.dumps(payload, indent=2).encode(), "application/json"
    )
    response = as_vakwerk.post("/mijn-aanbod/importeren", {"file": upload})
    assert response.status_code == 400
    page = html(response)
    assert "ext.leadsTo" in page
    assert 'role="alert"' in page
    assert Offer.objects.count() == 0


def test_review_queue_and_removal_with_a_public_reason(
    client: Client, staff_user: User, vakwerk: Opleider, make_offer: Any
) -> None:
    offer = make_offer(vakwerk, "Yoga voor beginners", state=OfferState.SUBMITTED)
    Offer.objects.filter(pk=offer.pk).update(
        checks=[{"code": "maybe-leisure", "severity": "flag", "field": "title", "words": "yoga"}]
    )
    client.force_login(staff_user)
    queue = html(client.get("/beoordelen"))
    assert "Yoga voor beginners" in queue
    assert "yoga" in queue
    missing = client.post(f"/beoordelen/{offer.pk}", {"action": "remove", "reason": ""})
    assert missing.status_code == 400
    assert 'id="id_reason-error"' in html(missing)
    done = client.post(
        f"/beoordelen/{offer.pk}", {"action": "remove", "reason": "Geen scholing voor werk."}
    )
    assert done.status_code == 302
    public = html(Client().get(f"/opleidingen/{offer.pk}"))
    assert "Geen scholing voor werk." in public


def test_export_download(as_vakwerk: Client, vakwerk: Opleider, make_offer: Any) -> None:
    make_offer(vakwerk, "Heftruck")
    response = as_vakwerk.get("/mijn-aanbod/export")
    document = json.loads(b"".join(response.streaming_content))
    assert [c["name"][0]["value"] for c in document["courses"]] == ["Heftruck"]


def test_csv_export_download(as_vakwerk: Client, vakwerk: Opleider, make_offer: Any) -> None:
    make_offer(vakwerk, "Heftruck één", starts=(dt.date(2026, 9, 1),))
    page = html(as_vakwerk.get("/mijn-aanbod"))
    assert 'href="/mijn-aanbod/export.csv"' in page
    response = as_vakwerk.get("/mijn-aanbod/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="aanbod-90000009.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfcode;offerType;title;")
    lines = body.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert ";Heftruck één;" in lines[1]
    assert ";2026-09-01;" in lines[1]
    assert Client().get("/mijn-aanbod/export.csv").status_code == 302


def test_editing_an_offer_round_trips_dutch_numbers(as_vakwerk: Client) -> None:
    """Issue 15 item 6: the edit form showed "80,0" and then refused it ("Voer een getal
    in"). What the page shows is read back unchanged; a comma or a dot both work."""
    form: dict[str, Any] = {
        "code": "LAS-80",
        "title": "Lassen voor beginners",
        "description": DESCRIPTION,
        "offer_type": "course",
        "level": "eqf_2",
        "level_basis": "indicative",
        "study_load_value": "80,5",
        "study_load_unit": "hour",
        "leads_to": "none",
        "legal_status": "cursist",
        "language": "nl",
        "modes": ["presential"],
        "gemeenten": "Rotterdam",
        "fee": "1.250,00",
        "vat_exempt": "on",
    }
    assert as_vakwerk.post("/mijn-aanbod/nieuw", form).status_code == 302
    offer = Offer.objects.get(code="LAS-80")
    assert str(offer.study_load_value) == "80.5"
    page = html(as_vakwerk.get(f"/mijn-aanbod/{offer.pk}/wijzigen"))
    shown = re.search(r'name="study_load_value"[^>]*value="([^"]*)"', page)
    assert shown
    assert shown.group(1) == "80,5"
    assert 'inputmode="decimal"' in page
    fee = re.search(r'name="fee"[^>]*value="([^"]*)"', page)
    assert fee
    assert fee.group(1) == "1.250,00"
    # Send back exactly what the page shows: saved, nothing changed.
    form.update(study_load_value=shown.group(1), fee=fee.group(1))
    assert as_vakwerk.post(f"/mijn-aanbod/{offer.pk}/wijzigen", form).status_code == 302
    offer.refresh_from_db()
    assert (offer.study_load_value, offer.fee_cents) == (Decimal("80.5"), 125_000)
    # A whole number with a dot decimal and a Dutch thousands dot are read as meant.
    for typed, meant in [("80.0", Decimal(80)), ("1.000", Decimal(1000))]:
        form.update(study_load_value=typed)
        assert as_vakwerk.post(f"/mijn-aanbod/{offer.pk}/wijzigen", form).status_code == 302
        offer.refresh_from_db()
        assert offer.study_load_value == meant
    form.update(study_load_value="80,55")
    response = as_vakwerk.post(f"/mijn-aanbod/{offer.pk}/wijzigen", form)
    assert response.status_code == 400
    assert 'id="id_study_load_value-error"' in html(response)


def test_no_raw_edit_step_under_next_step(
    as_vakwerk: Client, vakwerk: Opleider, make_offer: Any
) -> None:
    """An approved offer: the provider may publish or withdraw; "edit" is what saving a
    change does, so it is no button under "Next step"."""
    offer = make_offer(vakwerk, "Heftruck rijden", state=OfferState.APPROVED, index=False)
    page = html(as_vakwerk.get(f"/mijn-aanbod/{offer.pk}"))
    assert 'value="publish"' in page
    assert 'value="withdraw"' in page
    assert 'value="edit"' not in page
    assert ">edit<" not in page
