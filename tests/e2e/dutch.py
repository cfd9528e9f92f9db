# SPDX-License-Identifier: EUPL-1.2
"""The Dutch interface shows Dutch: no English text that has a Dutch translation in the
catalogue, no common English words, no raw codes (a vocabulary key, ``True``/``False``,
``application:2``, an ISO date or a second date format). Issue 15, finding 10: "raw or
English text in the Dutch interface"; GUIDE.md: "No English, no raw codes, one date format in
Dutch pages"."""

from __future__ import annotations

import re
from functools import cache

from django.utils import translation
from django.utils.translation import trans_real
from playwright.sync_api import Page

#: Words that are English and never Dutch (so "is", "in", "over" are not here).
ENGLISH_WORDS = re.compile(
    r"\b(the|you|your|yourself|with|and|to|for|which|must|cannot|applies|application|window|"
    r"granted|refused|waiting|right|funded|programme|course|money|paid|people|job seeker|"
    r"per person)\b",
    re.IGNORECASE,
)
RAW_CODES = {
    "a vocabulary key": re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    "a Python value": re.compile(r"\b(True|False|None)\b"),
    "an internal reference": re.compile(r"\b[a-z]+:\d+\b"),
    "an ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a date in numbers": re.compile(r"\b\d{1,2}[-/]\d{1,2}[-/]\d{4}\b"),
}


@cache
def _translated() -> tuple[str, ...]:
    """English msgids whose Dutch text differs, long enough to be a phrase (a single word such
    as "Open" or "Status" is the same in both languages)."""
    catalogue = trans_real.translation("nl")._catalog  # type: ignore[attr-defined]
    found = []
    for msgid, msgstr in catalogue.items():
        if not isinstance(msgid, str) or "%" in msgid or "{" in msgid:
            continue
        if len(msgid) >= 12 and " " in msgid and msgstr and msgstr != msgid:
            found.append(msgid)
    return tuple(found)


def problems_in(text: str) -> list[str]:
    """What is not Dutch in ``text``, each with the reason."""
    found = [f"untranslated: {m!r}" for m in _translated() if m in text]
    found += [f"English word: {m.group(0)!r}" for m in ENGLISH_WORDS.finditer(text)]
    for what, pattern in RAW_CODES.items():
        found += [f"{what}: {m.group(0)!r}" for m in pattern.finditer(text)]
    return found


def prose(page: Page) -> str:
    """The text of the page's main content, without what it marks as code (``<code>``,
    ``<pre>``): a parameter name or a YAML example that policy staff copy into a reform is
    not prose, and is shown as code on purpose."""
    text = page.locator("main").inner_text()
    for code in page.locator("main code, main pre").all_inner_texts():
        text = text.replace(code, " ", 1)
    return text


def assert_dutch(page: Page) -> None:
    """The page's title and main content are Dutch (lang="nl", no English, no raw codes)."""
    assert page.locator("html").get_attribute("lang") == "nl", page.url
    with translation.override("nl"):
        text = page.title() + "\n" + prose(page)
        found = problems_in(text)
    assert not found, f"{page.url} is not Dutch B1: {found[:10]}"
