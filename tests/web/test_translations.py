# SPDX-License-Identifier: EUPL-1.2
"""The Dutch catalogue: complete, compiled, and used; English through the language switch."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from llo.web.management.commands.compilemessages_llo import catalogues, compile_po

PO = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def nl_entries() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(PO)) if not entry.obsolete]


def test_the_dutch_catalogue_is_found() -> None:
    assert PO in catalogues()
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _ in settings.LANGUAGES] == ["nl", "en"]


def test_the_committed_mo_equals_a_fresh_polib_compile() -> None:
    assert MO.exists(), "run `llo compilemessages_llo` and commit the .mo file"
    assert MO.read_bytes() == compile_po(PO), "run `llo compilemessages_llo`: the .mo is stale"


def test_compilemessages_check_passes() -> None:
    call_command("compilemessages_llo", check=True, verbosity=0)


def test_no_dutch_msgstr_is_empty_or_fuzzy() -> None:
    entries = nl_entries()
    assert len(entries) > 100
    empty = [e.msgid for e in entries if not e.msgstr and not e.msgstr_plural]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert empty == [], f"translate these msgids (Dutch B1, 'u'): {empty}"
    assert fuzzy == [], f"check and unmark these fuzzy entries: {fuzzy}"


def test_placeholders_survive_translation() -> None:
    for entry in nl_entries():
        if not entry.msgstr:
            continue  # reported by the test above
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(
            PLACEHOLDER.findall(entry.msgstr)
        ), entry.msgid


def test_dutch_uses_u_not_je() -> None:
    # One form of address throughout: the formal 'u' of Dutch government services.
    informal = re.compile(r"\b(je|jij|jouw|jullie)\b", re.IGNORECASE)
    offenders = [e.msgstr for e in nl_entries() if informal.search(e.msgstr)]
    assert offenders == []


def test_messages_are_dutch_when_dutch_is_active() -> None:
    with translation.override("nl"):
        assert translation.gettext("My learning overview") == "Mijn leeroverzicht"
        assert translation.gettext("Log in") == "Inloggen"
    with translation.override("en"):
        assert translation.gettext("My learning overview") == "My learning overview"


def dutch(msgid: str) -> str:
    with translation.override("nl"):
        text = translation.gettext(msgid)
    assert text != msgid, f"no Dutch for {msgid!r}"
    return text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "msgid"),
    [
        ("web:landing", "Learn all your life, in one place"),
        ("web:login", "Choose how you want to log in."),
        ("web:login-demo", "Choose who you are"),
    ],
)
def test_pages_are_dutch_for_a_dutch_browser(name: str, msgid: str) -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9").get(reverse(name)).content.decode()
    assert '<html lang="nl"' in page
    assert dutch(msgid) in page
    assert msgid not in page
    assert dutch("Skip to main content") in page


@pytest.mark.django_db
def test_dutch_is_the_default_for_other_browsers() -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="de-DE").get(reverse("web:landing")).content.decode()
    assert '<html lang="nl"' in page
    assert dutch("Learn all your life, in one place") in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "msgid"),
    [
        ("web:landing", "Learn all your life, in one place"),
        ("web:login", "Choose how you want to log in."),
        ("web:login-demo", "Choose who you are"),
    ],
)
def test_the_language_switch_gives_english(name: str, msgid: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    url = reverse(name)
    assert dutch(msgid) in client.get(url).content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url

    page = client.get(url).content.decode()
    assert '<html lang="en"' in page
    assert msgid in page
    assert dutch(msgid) not in page
    # The switch now offers Dutch, labelled in Dutch.
    assert 'lang="nl">Nederlands</button>' in page

    client.post(reverse("set_language"), {"language": "nl", "next": url})
    assert dutch(msgid) in client.get(url).content.decode()


def test_makemessages_explains_a_missing_xgettext(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(CommandError, match="apt-get install gettext"):
        call_command("makemessages_llo", verbosity=0)
