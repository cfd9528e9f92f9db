# SPDX-License-Identifier: EUPL-1.2
"""The beleid pages: only policy staff; every scheme with its parameters, their whole history and
references; the what-if form with results beside its charts, and errors beside the field."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation
from openfisca_core.parameters import Parameter, ParameterNode

from llo.core.roles import Role
from llo.people.models import Organisation, OrganisationKind, User
from llo.schemes.system import build_system
from tests.e2e.conftest import app, browser, new_context  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

_kvk = itertools.count(90000300)
PAGES = ("schemes:list", "schemes:what-if")


def dutch_date(iso: str) -> str:
    with translation.override("nl"):
        return formats.date_format(dt.date.fromisoformat(iso), "j F Y")


def page(response: Any) -> str:
    text = response.content.decode()
    # The CSP forbids inline style and script: only JSON data blocks and script files.
    assert " style=" not in text
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    return text


def user_with(role: str) -> User:
    kvk = str(next(_kvk))
    org = Organisation.objects.create(kvk=kvk, name="Ministerie", kind=OrganisationKind.MINISTRY)
    return User.objects.create_user(
        username=f"{role}:{kvk}", role=role, organisation=org, display_name="Peter"
    )


@pytest.fixture
def peter(client: Client) -> Client:
    client.force_login(user_with(Role.BELEID))
    return client


def test_visitors_must_log_in(client: Client) -> None:
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))
    response = client.get(reverse("schemes:detail", args=["stap"]))
    assert response.status_code == 302


@pytest.mark.parametrize("role", [Role.BEHEER, Role.WERKGEVER, Role.ADVISEUR, Role.FONDS])
def test_other_roles_get_403(client: Client, role: str) -> None:
    client.force_login(user_with(role))
    for url in (
        reverse("schemes:list"),
        reverse("schemes:detail", args=["llo_regeling"]),
        reverse("schemes:what-if"),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("schemes:what-if"), {"population": "1000"}).status_code == 403


def test_the_list_shows_every_scheme(peter: Client) -> None:
    text = page(peter.get(reverse("schemes:list")))
    system = build_system()
    for scheme in system.schemes.values():
        assert reverse("schemes:detail", args=[scheme.key]) in text
        assert unescape(scheme.title) in unescape(text)
    assert reverse("schemes:detail", args=["common"]) in text
    assert reverse("schemes:what-if") in text


def _leaves(node: ParameterNode, prefix: str) -> list[tuple[str, Parameter]]:
    found = []
    for name, child in node.children.items():
        path = f"{prefix}.{name}"
        if isinstance(child, ParameterNode):
            found.extend(_leaves(child, path))
        else:
            found.append((path, child))
    return found


@pytest.mark.parametrize("key", ["stap", "llo_regeling", "common"])
def test_a_scheme_page_lists_every_parameter_with_its_history_and_references(
    peter: Client, key: str
) -> None:
    text = unescape(page(peter.get(reverse("schemes:detail", args=[key]))))
    leaves = _leaves(build_system().parameters.children[key], key)
    assert leaves
    for path, parameter in leaves:
        assert path in text
        for value in parameter.values_list:
            assert dutch_date(value.instant_str) in text, (path, value.instant_str)
            for reference in value.metadata.get("reference") or []:
                assert reference["title"] in text
                assert f'href="{reference["href"]}"' in text


def test_the_history_shows_old_and_new_values(peter: Client) -> None:
    text = unescape(page(peter.get(reverse("schemes:detail", args=["stap"]))))
    # The application windows changed on 1 January 2023; the 2022 value ends the day before.
    # Dates in words, as on every Dutch page (issue 15 item 10: one date format).
    assert "1 januari 2023" in text
    assert "31 december 2022" in text
    assert "2023-01-01" not in text
    assert "2022-03-01/2022-04-30" not in text
    assert "1 maart 2022 \u2013 30 april 2022" in text  # an application window, in words
    assert "€ 1.000,00" in text  # the STAP maximum, cents shown as euros
    llo = unescape(page(peter.get(reverse("schemes:detail", args=["llo_regeling"]))))
    assert "U bent op de dag van uw aanvraag" in llo  # the B1 sentences of the conditions


def test_an_unknown_scheme_is_404(peter: Client) -> None:
    assert peter.get(reverse("schemes:detail", args=["nope"])).status_code == 404


def test_the_what_if_form(peter: Client) -> None:
    text = page(peter.get(reverse("schemes:what-if")))
    assert 'name="example"' in text
    assert 'value="llo-bedrag-1500"' in text
    assert 'name="reform_file"' in text
    assert 'name="reform_text"' in text
    assert 'enctype="multipart/form-data"' in text
    assert 'id="llo-charts"' not in text  # no results before a run


def test_the_what_if_runs_an_example_and_shows_tables_and_charts(peter: Client) -> None:
    response = peter.post(
        reverse("schemes:what-if"),
        {"example": "llo-bedrag-1500", "population": "2000", "date": "2027-03-01"},
    )
    assert response.status_code == 200
    text = page(response)
    assert "computed in" in text or "berekend" in text
    assert "llo_regeling.amount_per_person_per_year_cents" in text
    # The change in words and euros, as the scheme pages show values (not the YAML's cents).
    change = re.search(r'<tr[^>]*data-effect="llo_regeling\.amount[^"]*">(.*?)</tr>', text, re.S)[1]
    assert re.search(r"data-reform>€ 1\.500,00<", change)
    assert re.search(r"data-baseline>€ [0-9.]+,[0-9]{2}<", change)
    assert "150000" not in change
    charts = json.loads(
        re.search(r'<script id="llo-charts" type="application/json">(.*?)</script>', text, re.S)[1]
    )
    assert len(charts) == 10
    for chart in charts:
        assert f'id="{chart["id"]}"' in text  # every chart has its place...
        assert chart["spec"]["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert text.count("<table") >= 7  # ...and tables with the numbers beside them
    for name in ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "whatif.js"):
        assert f"schemes/{name}" in text or f"schemes/vendor/{name}" in text
    result = response.context["result"]
    assert result.persons == 2000
    assert result.scheme("llo_regeling").total.difference.eligible == 0


def test_pasted_reform_with_a_mistake_shows_the_line_beside_the_field(peter: Client) -> None:
    response = peter.post(
        reverse("schemes:what-if"),
        {
            "reform_text": (
                "name: test\nchanges:\n  llo_regeling.max_levl:\n    2027-01-01: eqf_3\n"
            ),
            "population": "2000",
            "date": "2027-03-01",
        },
    )
    assert response.status_code == 400
    text = unescape(page(response))
    error = re.search(r'id="id_reform_text-error"[^>]*>(.*?)</div>', text, re.S)
    assert error is not None
    assert ":3: unknown parameter 'llo_regeling.max_levl'" in error[1]
    assert "Did you mean 'llo_regeling.max_level'?" in error[1]
    assert 'aria-invalid="true"' in text
    assert "result" not in response.context or response.context["result"] is None


def test_an_uploaded_reform_with_a_mistake_names_the_file(peter: Client) -> None:
    upload = SimpleUploadedFile(
        "mijn-hervorming.yaml",
        b"changes:\n  llo_regeling.amount_per_person_per_year_cents:\n    2027-01-01: 1500.00\n",
    )
    response = peter.post(
        reverse("schemes:what-if"),
        {"reform_file": upload, "population": "2000", "date": "2027-03-01"},
    )
    assert response.status_code == 400
    text = unescape(page(response))
    assert "mijn-hervorming.yaml:3: llo_regeling.amount_per_person_per_year_cents" in text
    assert "money is in whole cents" in text


def test_other_form_errors(peter: Client) -> None:
    url = reverse("schemes:what-if")
    both = peter.post(
        url,
        {
            "example": "llo-bedrag-1500",
            "reform_text": "changes: {}",
            "population": "2000",
            "date": "2027-03-01",
        },
    )
    assert both.status_code == 400
    assert 'id="id_reform_text-error"' in page(both)
    too_many = peter.post(url, {"population": "1000001", "date": "2027-03-01"})
    assert too_many.status_code == 400
    assert 'id="id_population-error"' in page(too_many)
    closed = peter.post(url, {"population": "1000", "date": "2025-06-01"})
    assert closed.status_code == 400
    text = unescape(page(closed))
    assert 'id="id_date-error"' in text
    assert "no scheme takes applications on 2025-06-01" in text


# --- In a real browser: the charts draw under the CSP; WCAG 2.2 AA -------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_peter_runs_a_what_if_in_the_browser(app: str, new_context: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    from tests.e2e.conftest import CspWatch, assert_no_axe_violations

    # bypass_csp only lets axe-core in; the CSP complaints of the page itself are still logged
    # for the other context, which runs with the CSP on.
    for bypass in (False, True):
        context = new_context(bypass_csp=bypass)
        page = context.new_page()
        csp = CspWatch()
        csp.attach(page)
        page.goto(f"{app}/inloggen/demo")
        page.locator('button[data-persona="peter"]').click()
        page.wait_for_url(f"{app}/home")
        page.goto(f"{app}{reverse('schemes:detail', args=['llo_regeling'])}")
        if bypass:
            assert_no_axe_violations(page)
        page.goto(f"{app}{reverse('schemes:what-if')}")
        page.locator("#id_example").select_option("llo-lezing-persoon")
        page.locator("#id_population").fill("5000")
        page.locator("form.llo-form button[type=submit]").click()
        first = page.locator(".llo-chart").first
        expect(first).to_have_attribute("data-drawn", "true")
        drawn = page.locator('.llo-chart[data-drawn="true"] svg')
        expect(drawn).to_have_count(10)
        if bypass:
            assert_no_axe_violations(page)
        else:
            assert csp.messages == []
        # A mistake in pasted YAML: the message with its line, beside the field.
        page.locator("#id_example").select_option("")
        page.locator("#id_reform_text").fill(
            "changes:\n  llo_regeling.max_levl:\n    2027-01-01: eqf_3\n"
        )
        page.locator("form.llo-form button[type=submit]").click()
        expect(page.locator("#id_reform_text-error")).to_contain_text(":2: unknown parameter")
        if bypass:
            assert_no_axe_violations(page)
