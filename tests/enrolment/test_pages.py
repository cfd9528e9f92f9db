# SPDX-License-Identifier: EUPL-1.2
"""The enrolment pages through Django's test client, on both databases: apply with a
decision and plan, the receipt, my applications, refusals that reserve nothing, an adviser
with consent, the provider's pages and the review queue."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from llo.accounts import services as accounts
from llo.accounts.models import Reservation
from llo.accounts.plan import own_text
from llo.core.money import Money
from llo.enrolment import services
from llo.enrolment.models import Application, IntakeEntry, Payment, ReviewCase
from llo.people.models import Organisation, Person, User
from llo.register.models import OfferState
from tests.accounts.conftest import employ, make_org
from tests.enrolment.conftest import (
    ACTOR,
    CLOSES,
    DURING,
    World,
    make_offer,
    make_provider,
    person,
)

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


@pytest.fixture
def client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="nl")


@pytest.fixture
def during() -> Iterator[None]:
    with time_machine.travel(DURING, tick=False):
        yield


def login(
    client: Client, role: str, *, who: Person | None = None, org: Organisation | None = None
) -> User:
    user = User.objects.create_user(
        f"{role}:t{next(_n)}", role=role, person=who, organisation=org, display_name="Test"
    )
    client.force_login(user)
    return user


def nl(text: str) -> str:
    with translation.override("nl"):
        return translation.gettext(text)


def funded_person(cents: int = 100_000) -> Person:
    """A person with an employer's learning budget in 2023 (no conditions), employed there
    (an employer deposits only to its own people: decision 010)."""
    p = person()
    bakery = make_org("employer", name="Bakkerij de Korenaar")
    employ(p, bakery)
    funder = accounts.ensure_funder(bakery)
    budget = accounts.create_budget(
        actor=ACTOR,
        funder=funder,
        name="Leerbudget 2023",
        total=Money(1_000_000),
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
    )
    accounts.deposit(
        actor=ACTOR, budget=budget, person=p, amount=Money(cents), on=dt.date(2023, 1, 2)
    )
    return p


def _form(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    fields.pop("csrfmiddlewaretoken", None)
    return fields


def test_logged_out_goes_to_login_and_wrong_role_is_403(client: Client, world: World) -> None:
    for name, args in [
        ("enrolment:mine", []),
        ("enrolment:apply", [world.offering.pk]),
        ("enrolment:provider-applications", []),
        ("enrolment:statement", []),
        ("enrolment:review-queue", []),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302
        assert "next=" in response["Location"]
    login(client, "opleider", org=world.provider)
    assert client.get(reverse("enrolment:mine")).status_code == 403
    assert client.get(reverse("enrolment:apply", args=[world.offering.pk])).status_code == 403
    assert client.get(reverse("enrolment:review-queue")).status_code == 403
    burger = Client(HTTP_ACCEPT_LANGUAGE="nl")
    login(burger, "burger", who=person())
    assert burger.get(reverse("enrolment:provider-applications")).status_code == 403
    assert burger.get(reverse("enrolment:statement")).status_code == 403


def test_apply_with_own_budget_shows_plan_and_receipt(
    client: Client, world: World, during: None
) -> None:
    p = funded_person()
    login(client, "burger", who=p)
    url = reverse("enrolment:apply", args=[world.offering.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert nl(own_text(0)) in html  # "u betaalt zelf € 0"
    assert "Bakkerij de Korenaar" in html
    assert "€ 900,00" in html
    fields = _form(html)
    # Without ticking the box: the error is beside the field, nothing is reserved.
    missing = client.post(url, fields)
    assert missing.status_code == 400
    assert "utrecht-form-field--invalid" in missing.content.decode()
    assert nl("Tick the box if you want to apply.") in missing.content.decode()
    assert not Application.objects.exists()
    done = client.post(url, {**fields, "confirm": "on"})
    assert done.status_code == 302
    app = Application.objects.get()
    assert done["Location"] == reverse("enrolment:application", args=[app.pk])
    assert app.status == "granted"
    assert Reservation.objects.get().amount_cents == 90_000
    receipt = client.get(done["Location"]).content.decode()
    assert app.receipt in receipt
    assert "Bakkerij de Korenaar" in receipt
    assert 'data-status="granted"' in receipt
    # A double click applies once.
    assert client.post(url, {**fields, "confirm": "on"}).status_code == 302
    assert Application.objects.count() == 1
    mine = client.get(reverse("enrolment:mine")).content.decode()
    assert app.receipt in mine
    # Applying twice for the same training: refused with a reason, nothing more reserved.
    again = _form(client.get(url).content.decode())
    twice = client.post(url, {**again, "confirm": "on"})
    assert twice.status_code == 409
    assert nl("You already applied for this training.") in twice.content.decode()
    assert Reservation.objects.count() == 1


def test_tampered_amount_reserves_nothing(client: Client, world: World, during: None) -> None:
    login(client, "burger", who=funded_person())
    url = reverse("enrolment:apply", args=[world.offering.pk])
    fields = _form(client.get(url).content.decode())
    tampered = client.post(url, {**fields, "amount": "1", "confirm": "on"})
    assert tampered.status_code == 400
    assert "llo-error-summary" in tampered.content.decode()
    assert not Application.objects.exists()
    assert not Reservation.objects.exists()


def test_someone_elses_preview_is_refused(client: Client, world: World, during: None) -> None:
    other = Client(HTTP_ACCEPT_LANGUAGE="nl")
    login(other, "burger", who=funded_person())
    url = reverse("enrolment:apply", args=[world.offering.pk])
    fields = _form(other.get(url).content.decode())
    login(client, "burger", who=funded_person())
    assert client.post(url, {**fields, "confirm": "on"}).status_code == 400
    assert not Application.objects.exists()


def test_window_apply_decision_with_reasons_and_number(
    client: Client, world: World, during: None
) -> None:
    login(client, "burger", who=person())
    url = reverse("enrolment:apply", args=[world.offering.pk])
    page = client.get(url, {"venster": world.window.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-passed="yes"' in html
    assert world.window.name in html
    fields = _form(html)
    assert fields["venster"] == str(world.window.pk)
    done = client.post(url, {**fields, "confirm": "on"})
    assert done.status_code == 302
    entry = IntakeEntry.objects.get()
    assert done["Location"] == reverse("enrolment:entry", args=[entry.pk])
    assert str(entry.pk) in client.get(done["Location"]).content.decode()
    assert world.offer.title in client.get(reverse("enrolment:mine")).content.decode()
    assert not Reservation.objects.exists()  # the allocator decides later
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    app = Application.objects.get()
    assert client.get(done["Location"])["Location"] == reverse(
        "enrolment:application", args=[app.pk]
    )


def test_refusals_show_the_reason_and_reserve_nothing(client: Client, world: World) -> None:
    user = login(client, "burger", who=person())
    with time_machine.travel(DURING, tick=False):
        # Starts too soon for STAP: the decision says no, with the failed rule; no form.
        soon = make_offer(world.opleider, start=DURING.date() + dt.timedelta(days=10))[1]
        page = client.get(reverse("enrolment:apply", args=[soon.pk]), {"venster": world.window.pk})
        assert page.status_code == 200
        assert 'data-passed="no"' in page.content.decode()
        assert 'name="confirm"' not in page.content.decode()
        # A withdrawn offer.
        gone = make_offer(world.opleider, state=OfferState.WITHDRAWN)[1]
        refused = client.get(reverse("enrolment:apply", args=[gone.pk]))
        assert refused.status_code == 422
        assert 'data-code="offer-withdrawn"' in refused.content.decode()
        url = reverse("enrolment:apply", args=[world.offering.pk])
        fields = _form(client.get(url, {"venster": world.window.pk}).content.decode())
    # Outside the window: confirming after it closed.
    with time_machine.travel(CLOSES + dt.timedelta(minutes=1), tick=False):
        client.force_login(user)  # the session of May has expired by July
        late = client.post(url, {**fields, "confirm": "on"})
    assert late.status_code == 422
    assert not IntakeEntry.objects.exists()
    assert not Reservation.objects.exists()


def test_adviser_applies_only_with_consent(client: Client, world: World, during: None) -> None:
    work_centre = make_org("work_centre", name="RWC Rijnmond")
    fatima = funded_person()
    login(client, "adviseur", org=work_centre)
    url = reverse("enrolment:apply", args=[world.offering.pk])
    assert client.get(url).status_code == 200  # choose a person: nobody consented yet
    refused = client.get(url, {"persoon": fatima.pk})
    assert refused.status_code == 403
    assert not Reservation.objects.exists()
    services.give_consent(person=fatima, organisation=work_centre)
    assert fatima.display_name in client.get(url).content.decode()
    page = client.get(url, {"persoon": fatima.pk})
    assert page.status_code == 200
    fields = _form(page.content.decode())
    done = client.post(url, {**fields, "confirm": "on"})
    assert done.status_code == 302
    app = Application.objects.get()
    assert app.person == fatima
    assert app.consent is not None
    assert app.receipt in client.get(done["Location"]).content.decode()


def _granted(world: World) -> Application:
    p = person()
    shown = services.preview(
        actor=ACTOR, person=p, offering=world.offering, window=world.window, on=DURING.date()
    )
    services.submit(
        actor=ACTOR,
        window=world.window,
        shown=shown,
        amount_cents=shown.amount_cents,
        idempotency_key=f"p{p.pk}",
        at=DURING,
    )
    services.allocate_window(world.window, at=DURING + dt.timedelta(minutes=5))
    return Application.objects.get(person=p)


def test_provider_enrols_records_evidence_and_sees_statement(client: Client, world: World) -> None:
    app = _granted(world)
    user = login(client, "opleider", org=world.provider)
    listing = client.get(reverse("enrolment:provider-applications")).content.decode()
    assert app.receipt in listing
    detail = reverse("enrolment:provider-application", args=[app.pk])
    assert client.get(detail).status_code == 200

    def act(action: str, data: dict[str, str] | None = None, on: dt.date = dt.date(2023, 7, 15)):
        with time_machine.travel(dt.datetime.combine(on, dt.time(12), dt.UTC), tick=False):
            client.force_login(user)
            response = client.post(
                reverse("enrolment:provider-action", args=[app.pk, action]), data or {}
            )
        if response.status_code == 302:
            assert response["Location"] == detail
        return response

    bad = act("inschrijven", {"sessions_planned": "0"})
    assert bad.status_code == 400
    assert 'id="id_sessions_planned-error"' in bad.content.decode()
    assert act("inschrijven", {"sessions_planned": "10"}).status_code == 302
    assert act("starten").status_code == 302
    app.refresh_from_db()
    assert app.status == "started"
    # Excused absence needs a reason: the error is beside the reason field.
    no_reason = act("aanwezigheid", {"attended": "7", "excused": "2", "excused_reason": ""})
    assert no_reason.status_code == 400
    assert 'id="id_excused_reason-error"' in no_reason.content.decode()
    ok = act("aanwezigheid", {"attended": "7", "excused": "2", "excused_reason": "ziek"})
    assert ok.status_code == 302
    assert act("afronden", {"credential": ""}, on=dt.date(2023, 9, 1)).status_code == 302
    app.refresh_from_db()
    assert app.status == "paid"  # 7 of 8 counted lessons: 87 %
    client.force_login(user)
    statement = client.get(reverse("enrolment:statement")).content.decode()
    assert world.offer.title in statement
    assert "€ 450,00" in statement
    assert "€ 900,00" in statement
    assert sorted(Payment.objects.values_list("kind", flat=True)) == ["advance", "final"]


def test_provider_sees_only_its_own_and_cannot_enrol_without_grant(
    client: Client, world: World
) -> None:
    app = _granted(world)
    stranger = make_provider("ROC Maasstad").organisation
    login(client, "opleider", org=stranger)
    assert (
        app.receipt not in client.get(reverse("enrolment:provider-applications")).content.decode()
    )
    assert client.get(reverse("enrolment:provider-application", args=[app.pk])).status_code == 404
    assert (
        client.post(
            reverse("enrolment:provider-action", args=[app.pk, "inschrijven"]),
            {"sessions_planned": "10"},
        ).status_code
        == 404
    )
    own = Client(HTTP_ACCEPT_LANGUAGE="nl")
    login(own, "opleider", org=world.provider)
    Application.objects.filter(pk=app.pk).update(status="waiting")
    page = own.get(reverse("enrolment:provider-application", args=[app.pk])).content.decode()
    assert 'name="sessions_planned"' not in page
    refused = own.post(
        reverse("enrolment:provider-action", args=[app.pk, "inschrijven"]),
        {"sessions_planned": "10"},
    )
    assert refused.status_code == 400
    app.refresh_from_db()
    assert app.status == "waiting"


def test_review_queue_shows_reasons_and_closes_with_a_note(client: Client, world: World) -> None:
    _granted(world)
    services.report_gift(
        actor=ACTOR,
        provider=world.provider,
        offer=world.offer,
        text="gratis tablet",
        declared=False,
    )
    services.scan_misuse(year=2023)
    case = ReviewCase.objects.get()
    login(client, "beheer")
    page = client.get(reverse("enrolment:review-queue")).content.decode()
    assert world.provider.name in page
    assert 'data-rule="gift"' in page
    empty = client.post(
        reverse("enrolment:review-queue"), {"case": case.pk, f"case{case.pk}-note": ""}
    )
    assert empty.status_code == 400
    assert f'id="id_case{case.pk}-note-error"' in empty.content.decode()
    done = client.post(
        reverse("enrolment:review-queue"),
        {"case": case.pk, f"case{case.pk}-note": "Tablet teruggegeven; geen misbruik."},
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.closed_at is not None
    assert case.outcome.startswith("Tablet")
    assert set(case.flags.values_list("status", flat=True)) == {"dismissed"}


def test_person_cancels_and_the_money_is_released(client: Client, world: World) -> None:
    app = _granted(world)
    login(client, "burger", who=app.person)
    with time_machine.travel(DURING + dt.timedelta(days=1), tick=False):
        response = client.post(reverse("enrolment:cancel", args=[app.pk]))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "cancelled"
    assert Payment.objects.get().kind == "release"


def test_cancelling_asks_first_and_afterwards_nothing_is_paid_for_you(
    client: Client, world: World
) -> None:
    """Issue 15, "also seen": cancelling had no confirmation, and a cancelled application
    still said "Voor u betaald € 900,00"."""
    app = _granted(world)
    login(client, "burger", who=app.person)
    with time_machine.travel(DURING + dt.timedelta(days=1), tick=False):
        detail = client.get(reverse("enrolment:application", args=[app.pk])).content.decode()
        assert f'data-cancel href="{reverse("enrolment:cancel", args=[app.pk])}"' in detail
        mine = client.get(reverse("enrolment:mine")).content.decode()
        assert 'data-covered="reserved">€ 900,00' in mine
        ask = client.get(reverse("enrolment:cancel", args=[app.pk]))
        assert ask.status_code == 200
        assert nl("Yes, cancel") in ask.content.decode()
        app.refresh_from_db()
        assert app.status == "granted"  # asking changed nothing
        assert client.post(reverse("enrolment:cancel", args=[app.pk])).status_code == 302
        app.refresh_from_db()
        assert app.status == "cancelled"
        mine = client.get(reverse("enrolment:mine")).content.decode()
        assert 'data-covered="none">€ 0,00' in mine
        detail = client.get(reverse("enrolment:application", args=[app.pk])).content.decode()
        assert nl("Nothing is reserved now.") in detail
        assert 'aria-labelledby="reserved-title"' not in detail  # no table of amounts
        # The release is not a payment to the provider (issue 15): it is money free again.
        assert nl("Payments to the provider") not in detail
        assert "data-payments" not in detail
        released = re.search(r"<ul[^>]*data-released>(.*?)</ul>", detail, re.S)
        assert released is not None
        assert "€ 900,00 was niet nodig voor deze opleiding." in released.group(1)
        # A second look at the cancel page goes back to the application.
        assert client.get(reverse("enrolment:cancel", args=[app.pk])).status_code == 302
