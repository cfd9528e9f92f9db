# SPDX-License-Identifier: EUPL-1.2
"""The web pages through Django's test client: status, security headers, structure, login."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest
from django.test import Client
from django.test.html import Element, parse_html
from django.urls import reverse
from django.utils import translation

from llo.core.identifiers import IdentifierError, validate_bsn, validate_kvk
from llo.core.roles import Role
from llo.demo.personas import LOGINS
from tests.e2e.personas import create_demo_personas

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VENDORED = [
    ROOT / "src/llo/web/static/web/vendor",
    ROOT / "src/llo/schemes/static/schemes/vendor",
    ROOT / "tests/e2e/vendor",
]

FOCUSABLE = {"a", "button", "input", "select", "textarea", "summary"}


@pytest.fixture
def personas() -> None:
    create_demo_personas()


@pytest.fixture
def client() -> Client:
    # Dutch, as LANGUAGE_CODE; the test client sends no Accept-Language of its own.
    return Client(HTTP_ACCEPT_LANGUAGE="nl")


def nl(msgid: str) -> str:
    with translation.override("nl"):
        return translation.gettext(msgid)


def identifier_message(check: object, value: str) -> str:
    """The Dutch message the validator gives for ``value``."""
    with translation.override("nl"), pytest.raises(IdentifierError) as error:
        check(value)  # type: ignore[operator]
    return str(error.value)


def walk(node: Element | str) -> Iterator[Element]:
    if isinstance(node, str):
        return
    yield node
    for child in node.children:
        yield from walk(child)


def attrs(element: Element) -> dict[str, str]:
    return {name: value or "" for name, value in element.attributes}


def text(element: Element | str) -> str:
    if isinstance(element, str):
        return element
    return " ".join(text(child) for child in element.children)


def is_focusable(element: Element) -> bool:
    a = attrs(element)
    if "tabindex" in a:
        return a["tabindex"] != "-1"
    if element.name == "a":
        return "href" in a
    if element.name == "input":
        return a.get("type") != "hidden"
    return element.name in FOCUSABLE


def field_of(document: Element, input_id: str) -> Element:
    """The Utrecht form field that holds the input with this id."""
    for element in walk(document):
        is_field = "utrecht-form-field" in attrs(element).get("class", "").split()
        if is_field and any(attrs(e).get("id") == input_id for e in walk(element)):
            return element
    raise AssertionError(f"no form field holds #{input_id}")


def log_in(client: Client, key: str) -> None:
    response = client.post(reverse("web:login-demo"), {"persona": key})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("web:home")


PUBLIC_PAGES = ["web:landing", "web:login", "web:login-demo"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_answer_200_in_dutch(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    document = parse_html(response.content.decode())
    html = next(e for e in walk(document) if e.name == "html")
    assert attrs(html)["lang"] == "nl"
    assert "voorbeeld-theme" in attrs(html)["class"].split()


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_security_headers(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_no_inline_styles_or_scripts(client: Client, name: str) -> None:
    # The CSP would block them: keep every style in llo.css and every script in a file.
    document = parse_html(client.get(reverse(name)).content.decode())
    for element in walk(document):
        assert element.name != "style"
        assert "style" not in attrs(element), element
        assert not any(a.startswith("on") for a in attrs(element)), element
        if element.name == "script":
            assert attrs(element).get("src"), "inline script"


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_skip_link_is_the_first_focusable_element(client: Client, name: str) -> None:
    document = parse_html(client.get(reverse(name)).content.decode())
    first = next(e for e in walk(document) if is_focusable(e))
    assert first.name == "a"
    assert attrs(first)["href"] == "#main"
    assert "utrecht-skip-link" in attrs(first)["class"]
    assert text(first).strip() == nl("Skip to main content")
    main = [e for e in walk(document) if e.name == "main"]
    assert len(main) == 1
    assert attrs(main[0])["id"] == "main"


def test_logged_out_home_redirects_to_login(client: Client) -> None:
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?next=")


def test_unknown_page_is_404_with_our_page(client: Client) -> None:
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert nl("Page not found") in response.content.decode()


@pytest.mark.parametrize(
    ("role", "field", "value", "check"),
    [
        (Role.BURGER, "bsn", "123456789", validate_bsn),
        (Role.BURGER, "bsn", "12345", validate_bsn),
        (Role.WERKGEVER, "kvk", "1234", validate_kvk),
        (Role.WERKGEVER, "kvk", "00000000", validate_kvk),
    ],
)
def test_invalid_number_gives_its_message_beside_the_field(
    client: Client, role: Role, field: str, value: str, check: object
) -> None:
    message = identifier_message(check, value)
    response = client.post(reverse("web:login-demo"), {"role": role.value, field: value})
    assert response.status_code == 400
    document = parse_html(response.content.decode())
    input_id = f"id_{field}"
    form_field = field_of(document, input_id)
    errors = [
        e
        for e in walk(form_field)
        if "utrecht-form-field-error-message" in attrs(e).get("class", "")
    ]
    assert len(errors) == 1
    assert message in text(errors[0])
    error_id = attrs(errors[0])["id"]
    the_input = next(e for e in walk(form_field) if attrs(e).get("id") == input_id)
    assert attrs(the_input)["aria-invalid"] == "true"
    assert error_id in attrs(the_input)["aria-describedby"].split()
    # The other number field has no error.
    other = "kvk" if field == "bsn" else "bsn"
    other_field = field_of(document, f"id_{other}")
    assert not any(
        "utrecht-form-field-error-message" in attrs(e).get("class", "") for e in walk(other_field)
    )


def test_a_missing_bsn_asks_for_it(client: Client) -> None:
    response = client.post(reverse("web:login-demo"), {"role": Role.BURGER.value, "bsn": ""})
    assert response.status_code == 400
    form_field = field_of(parse_html(response.content.decode()), "id_bsn")
    assert nl("Fill in your BSN.") in text(form_field)


def test_an_unknown_bsn_says_so_beside_the_field(client: Client, personas: None) -> None:
    response = client.post(
        reverse("web:login-demo"), {"role": Role.BURGER.value, "bsn": "111222333"}
    )
    assert response.status_code == 400
    form_field = field_of(parse_html(response.content.decode()), "id_bsn")
    assert nl("We do not know anyone with this BSN in llo.") in text(form_field)


def test_the_demo_page_lists_every_persona_grouped_by_role(client: Client) -> None:
    document = parse_html(client.get(reverse("web:login-demo")).content.decode())
    buttons = {attrs(e)["data-persona"]: e for e in walk(document) if "data-persona" in attrs(e)}
    assert set(buttons) == {login.key for login in LOGINS}
    for button in buttons.values():
        assert button.name == "button"
        assert attrs(button)["type"] == "submit"
        assert attrs(button)["name"] == "persona"
    sections = [e for e in walk(document) if e.name == "section" and "data-role" in attrs(e)]
    assert [attrs(e)["data-role"] for e in sections] == [
        role.value for role in Role if any(login.role == role for login in LOGINS)
    ]
    for section in sections:
        keys = {attrs(e)["data-persona"] for e in walk(section) if "data-persona" in attrs(e)}
        role = attrs(section)["data-role"]
        assert keys == {login.key for login in LOGINS if login.role == role}


@pytest.mark.parametrize("key", [login.key for login in LOGINS])
def test_persona_buttons_log_in_and_show_the_home_page(
    client: Client, personas: None, key: str
) -> None:
    login = next(item for item in LOGINS if item.key == key)
    log_in(client, key)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    with translation.override("nl"):
        assert escape(str(Role(login.role).label)) in page
    if login.role == Role.BURGER:
        assert nl("My learning overview") in page
        assert login.label in page
    assert nl("What can you do here?") in page


def test_typed_kvk_and_role_log_in(client: Client, personas: None) -> None:
    response = client.post(
        reverse("web:login-demo"), {"role": Role.OPLEIDER.value, "kvk": "90000008"}
    )
    assert response.status_code == 302
    assert "ROC Maasstad" in client.get(reverse("web:home")).content.decode()


def test_log_out(client: Client, personas: None) -> None:
    log_in(client, "fatima")
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


@pytest.mark.parametrize("folder", VENDORED, ids=lambda p: p.name + ":" + p.parent.name)
def test_vendored_files_match_their_sha256_in_vendored_md(folder: Path) -> None:
    # scripts/vendor-static.sh writes VENDORED.md; a hand edit of a vendored file shows here.
    rows = re.findall(
        r"^\| `([^`]+)` \| `[^`]+` \| `([0-9a-f]{64})` \|$",
        (folder / "VENDORED.md").read_text(),
        re.M,
    )
    assert rows, "no files listed"
    listed = {name for name, _ in rows}
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert on_disk - {"VENDORED.md"} == listed
    for name, digest in rows:
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    licences = [name for name in listed if "LICENSE" in name.upper()]
    assert licences, "every vendored package brings its licence"
