# SPDX-License-Identifier: EUPL-1.2
"""Register staff pages: the providers list, suspend / readmit / remove with a public reason,
and recording quality marks. Only register staff (role beheer) may use them; bad input is shown
beside its field and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from llo.core.models import AuditEntry
from llo.people.models import User
from llo.register.models import Offer, OfferState, Opleider, ProviderStatus, QualityMark
from llo.register.search import SearchQuery, search

from .test_views import html

pytestmark = pytest.mark.django_db


@pytest.fixture
def vakwerk(make_provider: Callable[..., Opleider]) -> Opleider:
    return make_provider("Academie Vakwerk", kvk="90000009")


@pytest.fixture
def as_staff(client: Client, staff_user: User) -> Client:
    client.force_login(staff_user)
    return client


def found(opleider: Opleider) -> int:
    return search(SearchQuery(provider_ids=(opleider.pk,), facets=False)).total


def test_only_register_staff_may_use_the_staff_pages(
    client: Client, vakwerk: Opleider, provider_user: Callable[[Opleider], User]
) -> None:
    urls = ["/beheer/opleiders", "/beheer/opleiders/90000009"]
    posts = ["/beheer/opleiders/90000009/status", "/beheer/opleiders/90000009/keurmerken"]
    for url in urls + posts:
        response = Client().get(url)
        assert response.status_code == 302
        assert "/inloggen" in response["Location"]
    client.force_login(provider_user(vakwerk))
    for url in urls:
        assert client.get(url).status_code == 403
    for url in posts:
        assert (
            client.post(url, {"status-status": "removed", "status-reason": "x"}).status_code == 403
        )
    burger = User.objects.create_user("burger:x", role="burger")
    client.force_login(burger)
    assert client.get("/beheer/opleiders").status_code == 403
    vakwerk.refresh_from_db()
    assert vakwerk.status == ProviderStatus.ADMITTED
    assert not AuditEntry.objects.filter(action="register.provider.status").exists()


def test_the_list_shows_status_and_marks_and_filters_by_status(
    as_staff: Client, make_provider: Callable[..., Opleider]
) -> None:
    make_provider("Opleider Alfa", marks=("nrto",))
    beta = make_provider("Opleider Beta", marks=())
    Opleider.objects.filter(pk=beta.pk).update(
        status=ProviderStatus.SUSPENDED, status_reason="Onderzoek naar de kwaliteit."
    )
    page = html(as_staff.get("/beheer/opleiders"))
    assert "Opleider Alfa" in page
    assert "Opleider Beta" in page
    assert "Onderzoek naar de kwaliteit." in page
    assert f'href="/beheer/opleiders/{beta.kvk}"' in page
    suspended = html(as_staff.get("/beheer/opleiders", {"status": "suspended"}))
    assert "Opleider Beta" in suspended
    assert "Opleider Alfa" not in suspended
    assert 'aria-current="page"' in suspended
    # An unknown status shows all.
    assert "Opleider Alfa" in html(as_staff.get("/beheer/opleiders", {"status": "nonsense"}))


def test_the_beheer_home_page_links_to_the_providers(as_staff: Client) -> None:
    assert 'href="/beheer/opleiders"' in html(as_staff.get("/home"))


def test_suspend_needs_a_public_reason_and_writes_nothing_without_one(
    as_staff: Client, vakwerk: Opleider, make_offer: Any
) -> None:
    make_offer(vakwerk, "Heftruck rijden")
    for status in ("suspended", "removed"):
        response = as_staff.post(
            "/beheer/opleiders/90000009/status",
            {"status-status": status, "status-reason": "   "},
        )
        assert response.status_code == 400
        page = html(response)
        assert 'id="id_status-reason-error"' in page
        assert 'aria-invalid="true"' in page
        with translation.override("nl"):
            assert translation.gettext("Give a public reason.") in page
    vakwerk.refresh_from_db()
    assert vakwerk.status == ProviderStatus.ADMITTED
    assert not AuditEntry.objects.filter(action="register.provider.status").exists()
    assert found(vakwerk) == 1
    bad = as_staff.post(
        "/beheer/opleiders/90000009/status", {"status-status": "gone", "status-reason": "x"}
    )
    assert bad.status_code == 400
    assert 'id="id_status-status-error"' in html(bad)


def test_suspend_readmit_and_remove_with_a_public_reason(
    as_staff: Client, vakwerk: Opleider, make_offer: Any
) -> None:
    offer = make_offer(vakwerk, "Heftruck rijden")
    assert found(vakwerk) == 1
    done = as_staff.post(
        "/beheer/opleiders/90000009/status",
        {"status-status": "suspended", "status-reason": "Keurmerk verlopen."},
    )
    assert done.status_code == 302
    assert done["Location"] == "/beheer/opleiders/90000009"
    vakwerk.refresh_from_db()
    assert (vakwerk.status, vakwerk.status_reason) == ("suspended", "Keurmerk verlopen.")
    entry = AuditEntry.objects.get(action="register.provider.status")
    assert entry.subject_id == str(vakwerk.pk)
    assert entry.role == "beheer"
    assert (entry.before["status"], entry.after["status"]) == ("admitted", "suspended")
    # Today's behaviour is kept: the offer stays published but leaves the search.
    offer.refresh_from_db()
    assert offer.state == OfferState.PUBLISHED
    assert found(vakwerk) == 0
    public = html(Client().get("/opleiders/90000009"))
    assert "Keurmerk verlopen." in public
    # Readmit: no reason needed; the offers are found again.
    assert (
        as_staff.post(
            "/beheer/opleiders/90000009/status", {"status-status": "admitted", "status-reason": ""}
        ).status_code
        == 302
    )
    vakwerk.refresh_from_db()
    assert (vakwerk.status, vakwerk.status_reason) == ("admitted", "")
    assert found(vakwerk) == 1
    # Remove.
    assert (
        as_staff.post(
            "/beheer/opleiders/90000009/status",
            {"status-status": "removed", "status-reason": "Fraude vastgesteld."},
        ).status_code
        == 302
    )
    assert found(vakwerk) == 0
    assert "Fraude vastgesteld." in html(Client().get("/opleiders/90000009"))
    assert AuditEntry.objects.filter(action="register.provider.status").count() == 3


def test_record_a_quality_mark(as_staff: Client, vakwerk: Opleider) -> None:
    response = as_staff.post(
        "/beheer/opleiders/90000009/keurmerken",
        {
            "mark-kind": "nvao",
            "mark-valid_from": "2026-01-01",
            "mark-valid_until": "2030-12-31",
            "mark-reference": " NVAO-123 ",
        },
    )
    assert response.status_code == 302
    mark = QualityMark.objects.get(opleider=vakwerk, kind="nvao")
    assert (mark.valid_from, mark.valid_until, mark.reference) == (
        dt.date(2026, 1, 1),
        dt.date(2030, 12, 31),
        "NVAO-123",
    )
    assert AuditEntry.objects.filter(
        action="register.quality_mark.added", subject_id=str(mark.pk)
    ).exists()
    page = html(as_staff.get("/beheer/opleiders/90000009"))
    assert "NVAO-123" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"mark-kind": "iso", "mark-valid_from": "2026-01-01"}, "kind"),
        ({"mark-kind": "nrto", "mark-valid_from": ""}, "valid_from"),
        ({"mark-kind": "nrto", "mark-valid_from": "1-2-3-4"}, "valid_from"),
        (
            {
                "mark-kind": "nrto",
                "mark-valid_from": "2026-01-01",
                "mark-valid_until": "2025-01-01",
            },
            "valid_until",
        ),
        (
            {"mark-kind": "nrto", "mark-valid_from": "2026-01-01", "mark-reference": "x" * 101},
            "reference",
        ),
    ],
)
def test_bad_quality_mark_input_is_shown_beside_the_field(
    as_staff: Client, vakwerk: Opleider, data: dict[str, str], field: str
) -> None:
    before = QualityMark.objects.count()
    response = as_staff.post("/beheer/opleiders/90000009/keurmerken", data)
    assert response.status_code == 400
    page = html(response)
    assert f'id="id_mark-{field}-error"' in page
    assert 'role="alert"' in page
    assert QualityMark.objects.count() == before
    assert not AuditEntry.objects.filter(action="register.quality_mark.added").exists()


def test_unknown_provider_is_a_404(as_staff: Client) -> None:
    assert as_staff.get("/beheer/opleiders/12345678").status_code == 404
    assert (
        as_staff.post(
            "/beheer/opleiders/12345678/status",
            {"status-status": "suspended", "status-reason": "x"},
        ).status_code
        == 404
    )
    assert Offer.objects.count() == 0
