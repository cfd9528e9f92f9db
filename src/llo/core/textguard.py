# SPDX-License-Identifier: EUPL-1.2
"""Guards for text and JSON that reach llo from outside (issue 14, findings 7 and 8).

One place decides what text llo accepts, so the API, the pages and the file imports refuse
the same things with the same reasons:

* **NUL and other control characters** (C0 except tab, line feed and carriage return; DEL;
  C1). PostgreSQL cannot store NUL in text at all (it answered 500), and none of them means
  anything in a name, an address or a title.
* **Bidirectional controls** (U+202A-U+202E, U+2066-U+2069: embeddings, overrides and
  isolates). They make a text display in another order than it is stored: a name that reads
  as someone else's, a file name that hides its extension (CVE-2021-42574, "Trojan Source").
* **Dates outside 1900-2199** (``YYYY-MM-DD`` at the start of a JSON string). Python and
  the databases store years 1-9999, but no date llo handles lies that far out, and arithmetic
  near the edges fails (a transfer dated 7827-02-22 broke a check constraint: 500; a day
  after 9999-12-31 is an OverflowError).
* **Invisible characters** that make two equal-looking texts differ (U+200B zero width
  space, U+2060 word joiner, U+FEFF zero width no-break space, U+00AD soft hyphen, U+180E).
  Zero width (non-)joiners (U+200C, U+200D) are refused too: they belong to Persian and Indic
  scripts and emoji sequences, none of which llo's names, titles and codes need, and they
  hide differences between texts. Names (:func:`name_problem`) are also one line.

:func:`loads` reads JSON the way every llo endpoint should: UTF-8 only (RFC 8259 section
8.1; a UTF-16 body is refused, not guessed), at most :data:`MAX_DEPTH` levels deep (a deeper
body broke the parser's recursion: 500), integers within 64 bits (a larger one overflowed the
database: 500), ``1.0`` read as the integer 1 (JSON Schema's ``integer`` includes it), no
NaN or Infinity, and every string checked as above. A problem names the place in the
document (``deposits[3].bsn``) for ``invalidParams``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_DEPTH = 32
#: The years a date in llo may have (see the module docstring).
FIRST_YEAR = 1900
LAST_YEAR = 2199
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI = "\u202a-\u202e\u2066-\u2069"
_INVISIBLE = "\u200b\u2060\ufeff\u00ad\u180e"
_JOINERS = "\u200c\u200d"
_TEXT_BAD = re.compile(f"[{_CONTROL}{_BIDI}{_INVISIBLE}{_JOINERS}]")
_NAME_BAD = re.compile(f"[{_CONTROL}{_BIDI}{_INVISIBLE}{_JOINERS}\t\n\r]")
#: The same rules as JSON Schema patterns (ECMA-262), for the OpenAPI document.
TEXT_PATTERN = (
    "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u00ad\\u180e"
    "\\u200b-\\u200d\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff]*$"
)
NAME_PATTERN = (
    "^[^\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u180e"
    "\\u200b-\\u200d\\u202a-\\u202e\\u2060\\u2066-\\u2069\\ufeff]*$"
)
DATE_PATTERN = "^(19|20|21)[0-9]{2}-"
_DATE = re.compile(r"^([0-9]{4})-[0-9]{2}-[0-9]{2}(?:$|[T ])")


def _describe(char: str) -> str:
    code = ord(char)
    if code == 0:
        return "a NUL character (U+0000)"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"a control character (U+{code:04X})"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return f"a character that changes the writing direction (U+{code:04X})"
    return f"an invisible character (U+{code:04X})"


def text_problem(value: str) -> str:
    """Why ``value`` is not acceptable text ("" when it is)."""
    found = _TEXT_BAD.search(value)
    return f"contains {_describe(found.group())}" if found else ""


def name_problem(value: str) -> str:
    """Why ``value`` is not acceptable as a name (stricter: one line, no joiners)."""
    found = _NAME_BAD.search(value)
    return f"contains {_describe(found.group())}" if found else ""


def date_problem(value: str) -> str:
    """Why a text that starts with an ISO date is not a date llo accepts ("" otherwise)."""
    found = _DATE.match(value)
    if found and not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR:
        return f"the year {found.group(1)} is not between {FIRST_YEAR} and {LAST_YEAR}"
    return ""


def has_control(value: str) -> bool:
    """NUL or another control character (paths, query strings, CSV cells)."""
    return bool(re.search(f"[{_CONTROL}]", value))


@dataclass
class JsonProblem(Exception):
    """The body is not JSON llo reads; ``where`` is the place in the document."""

    where: str
    reason: str
    code: str = "json"

    def __post_init__(self) -> None:
        super().__init__(f"{self.where}: {self.reason}")


class _NumberOutOfRange(ValueError):
    pass


def _parse_int(literal: str) -> int:
    value = int(literal)
    if not INT64_MIN <= value <= INT64_MAX:
        raise _NumberOutOfRange(literal)
    return value


def _parse_float(literal: str) -> int | float:
    try:
        exact = Decimal(literal)
    except InvalidOperation:  # pragma: no cover - the scanner only hands numbers
        raise _NumberOutOfRange(literal) from None
    if not exact.is_finite():
        raise _NumberOutOfRange(literal)
    # "1.0" and "1e2" are integers in JSON Schema: give pydantic an int, so a field that
    # says integer accepts them (StrictInt refused 1.0 while the schema said integer).
    if exact == exact.to_integral_value() and abs(exact) <= INT64_MAX:
        return int(exact)
    result = float(literal)
    if result in (float("inf"), float("-inf")):
        raise _NumberOutOfRange(literal)
    return result


def _no_constant(name: str) -> Any:
    raise JsonProblem("body", f"{name} is not a JSON number", "json")


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH, check_text: bool = True) -> Any:
    """Parse JSON as described in the module docstring, or raise :class:`JsonProblem`.

    ``check_text=False`` is for a document that is judged rather than stored (a credential to
    verify): its names, strings and numbers are left as they are, only the depth is checked."""
    if isinstance(data, bytes):
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 1 and b"\x00" in data[:4]):
            raise JsonProblem("body", "the body is UTF-16 or UTF-32; send UTF-8", "encoding")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonProblem("body", "the body is not UTF-8 text", "encoding") from None
    else:
        text = data
    text = text.removeprefix("\ufeff")
    try:
        value = json.loads(
            text,
            # a document to judge keeps its numbers as written (JSON has no integer range)
            parse_int=_parse_int if check_text else int,
            parse_float=_parse_float if check_text else float,
            parse_constant=_no_constant,
        )
    except _NumberOutOfRange as exc:
        raise JsonProblem(
            "body",
            f"the number {str(exc)[:40]} is too large (at most {INT64_MAX})",
            "out-of-range",
        ) from None
    except RecursionError:
        raise JsonProblem("body", f"nested more than {max_depth} levels deep", "too-deep") from None
    except json.JSONDecodeError as exc:
        raise JsonProblem(
            "body", f"{exc.msg} (line {exc.lineno}, column {exc.colno})", "json"
        ) from None
    check(value, max_depth=max_depth, check_text=check_text)
    return value


def check(
    value: Any, *, max_depth: int = MAX_DEPTH, where: str = "", check_text: bool = True
) -> None:
    """Walk parsed JSON without recursion: depth, and every key and string."""
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, dict | list) and depth >= max_depth:
            raise JsonProblem(
                (path or "body")[:80], f"nested more than {max_depth} levels deep", "too-deep"
            )
        if isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                if check_text and (problem := text_problem(key)):
                    raise JsonProblem(child_path, f"the name {problem}", "invalid-text")
                stack.append((child, child_path, depth + 1))
        elif isinstance(item, list):
            for index, child in enumerate(item):
                stack.append((child, f"{path}[{index}]", depth + 1))
        elif isinstance(item, str) and check_text:
            if problem := text_problem(item):
                raise JsonProblem(path or "body", problem, "invalid-text")
            if problem := date_problem(item):
                raise JsonProblem(path or "body", problem, "out-of-range")
