# SPDX-License-Identifier: EUPL-1.2
"""A deposit file: every bad line and field is named."""

from __future__ import annotations

import datetime as dt

from llo.accounts import csvfile


def test_good_file_with_semicolons_and_dutch_amounts() -> None:
    rows, errors = csvfile.parse(
        "bsn;amount;valid_until\n999990019;400,00;31-12-2027\n999990020;1.250,5;\n"
    )
    assert errors == []
    assert [(r.line, r.bsn, r.amount_cents, r.valid_until) for r in rows] == [
        (2, "999990019", 40000, dt.date(2027, 12, 31)),
        (3, "999990020", 125050, None),
    ]


def test_every_bad_line_and_field_is_named() -> None:
    text = (
        "person_id,amount_cents,valid_until\n"
        "1,40000,2027-12-31\n"
        "x,40000,\n"  # bad person number
        "2,0,\n"  # zero
        "3,12.5,\n"  # a fraction of a cent
        "4,-100,\n"  # negative
        "5,100,tomorrow\n"  # bad date
        "1,100,\n"  # the same person again
        "\n"  # an empty line is fine
        ",,\n"  # so is one with only separators
        "6,,\n"  # an empty amount
    )
    rows, errors = csvfile.parse(text)
    assert [r.line for r in rows] == [2]
    assert [(e.line, e.field) for e in errors] == [
        (3, "person_id"),
        (4, "amount_cents"),
        (5, "amount_cents"),
        (6, "amount_cents"),
        (7, "valid_until"),
        (8, "person_id"),
        (11, "amount_cents"),
    ]


def test_fraction_of_a_cent_in_euros_is_refused() -> None:
    _rows, errors = csvfile.parse('bsn,amount\n999990019,"12,345"\n')
    assert [(e.line, e.field) for e in errors] == [(2, "amount")]


def test_bad_bsn_is_named() -> None:
    _rows, errors = csvfile.parse("bsn,amount\n123456789,10\n")
    assert [(e.line, e.field) for e in errors] == [(2, "bsn")]


def test_header_must_name_the_columns() -> None:
    _rows, errors = csvfile.parse("name,euros\nJan,10\n")
    assert [(e.line, e.field) for e in errors] == [(1, "bsn"), (1, "amount")]


def test_empty_file() -> None:
    assert csvfile.parse("")[1][0].field == "file"
    assert csvfile.parse("bsn,amount\n")[1][0].field == "file"


def test_byte_order_mark_is_ignored() -> None:
    rows, errors = csvfile.parse("\ufeffbsn,amount\n999990019,10\n")
    assert errors == []
    assert rows[0].amount_cents == 1000


def test_a_quote_that_is_not_closed_does_not_swallow_the_lines_after_it() -> None:
    """Issue 15, "also seen": a broken quote in a deposit file silently took the two lines
    after it into one cell. Now the line with the quote is named, with the lines it took, and
    the good lines keep their own line numbers."""
    text = 'bsn,amount\n999990019,400\n999990020,"400\n999990032,400\n999990044,400\n'
    rows, errors = csvfile.parse(text)
    assert [r.line for r in rows] == [2]
    assert [(e.line, e.field) for e in errors] == [(3, "file")]
    assert "4" in errors[0].reason
    assert "5" in errors[0].reason
    # A quote that is closed is fine, and the lines after a multi-line mistake are counted
    # by the file's line numbers.
    rows, errors = csvfile.parse('bsn,amount\n"999990019","400"\n999990020,400\n')
    assert [r.line for r in rows] == [2, 3]
    assert errors == []
