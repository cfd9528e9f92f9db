# SPDX-License-Identifier: EUPL-1.2
"""Read a funder's deposit file (CSV) into rows, naming every bad line and field.

The file has a header line. Columns (names are case-insensitive; order is free):

* ``bsn`` or ``person_id`` — who gets the money (one of the two);
* ``amount`` in euros as people write it (``400``, ``400,00``, ``1.250,50``) or
  ``amount_cents`` as a whole number of cents;
* ``valid_until`` (optional) — ``YYYY-MM-DD`` or ``DD-MM-YYYY``.

The separator is a comma or a semicolon (Dutch spreadsheets write semicolons). Pure: no
database; persons are looked up by the service.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from llo.core.identifiers import IdentifierError, validate_bsn
from llo.core.money import Money, MoneyError

MAX_ROWS = 2_000_000


@dataclass(frozen=True)
class RowError:
    """What is wrong on one line (1 = the header line) and in which field."""

    line: int
    field: str
    reason: str


@dataclass(frozen=True)
class DepositRow:
    """One deposit asked for: a person (by id, or by BSN) and an amount. What this reader
    makes of a line, and what ``services.bulk_deposit`` takes (also from the API and forms)."""

    amount_cents: int
    person_id: int | None = None
    bsn: str = ""
    valid_until: dt.date | None = None
    line: int = 0  # line in a file, or index in a list (for error messages)


def _date(text: str) -> dt.date:
    text = text.strip()
    if len(text) == 10 and text[4] == "-":
        return dt.date.fromisoformat(text)  # YYYY-MM-DD, fast; raises ValueError when wrong
    for fmt in ("%d-%m-%Y",):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _records(reader: Any) -> Iterator[list[str] | None]:
    """The reader's records; None once for a line the csv module cannot read."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield None
            return


def parse(text: str) -> tuple[list[DepositRow], list[RowError]]:
    """All good rows and all errors; the caller decides whether errors stop everything."""
    errors: list[RowError] = []
    rows: list[DepositRow] = []
    text = text.lstrip("\ufeff")  # a byte-order mark from spreadsheet exports
    # Line ends of every kind: CR LF (Windows), LF, and CR alone (old Mac spreadsheets; the
    # csv reader refused those with "new-line character seen in unquoted field": 500).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return [], [RowError(line, "file", _("This line contains a NUL character."))]
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return [], [RowError(1, "file", _("The file is empty."))]
    columns = {name.strip().lower().replace(" ", "_"): i for i, name in enumerate(header)}
    who = "bsn" if "bsn" in columns else "person_id" if "person_id" in columns else ""
    how = "amount_cents" if "amount_cents" in columns else "amount" if "amount" in columns else ""
    if not who:
        errors.append(RowError(1, "bsn", _("The first line must have a column bsn or person_id.")))
    if not how:
        errors.append(
            RowError(1, "amount", _("The first line must have a column amount or amount_cents."))
        )
    if errors:
        return [], errors
    seen: dict[str, int] = {}
    dates: dict[str, dt.date] = {}  # a file has few distinct dates: read each once
    who_at, how_at, until_at = columns[who], columns[how], columns.get("valid_until")

    def cell(record: list[str], index: int | None) -> str:
        return record[index].strip() if index is not None and index < len(record) else ""

    width = max(who_at, how_at) + 1  # a record this long has both (read inline: fast)
    ended = reader.line_num  # the line the previous record ended on
    for record in _records(reader):
        # Line numbers are the file's, not the record count: a record may span lines.
        number, ended = ended + 1, reader.line_num
        if record is None:
            errors.append(RowError(number, "file", _("This line cannot be read as CSV.")))
            break
        if any("\n" in value for value in record):
            # No cell of a deposit file spans lines: a quote that is not closed took the lines
            # after it into one cell (issue 15, "also seen": they were silently lost).
            errors.append(
                RowError(
                    number,
                    "file",
                    _(
                        'A quote mark (") on this line is not closed, so lines %(first)s to '
                        "%(last)s were read as part of it. Remove the quote mark or close it."
                    )
                    % {"first": number + 1, "last": ended},
                )
            )
            continue
        if not "".join(record).strip():
            continue  # empty lines are harmless
        if number > MAX_ROWS + 1:
            errors.append(RowError(number, "file", _("A file may have at most 2,000,000 lines.")))
            break
        line_errors: list[RowError] = []
        person_id: int | None = None
        bsn = ""
        raw_who = record[who_at].strip() if len(record) >= width else cell(record, who_at)
        if not raw_who:
            line_errors.append(RowError(number, who, _("This field is empty.")))
        elif who == "bsn":
            try:
                bsn = validate_bsn(raw_who)
            except IdentifierError as exc:
                line_errors.append(RowError(number, "bsn", str(exc)))
        else:
            if raw_who.isdigit() and int(raw_who) > 0:
                person_id = int(raw_who)
            else:
                line_errors.append(
                    RowError(number, "person_id", _("A person number is a whole number."))
                )
        amount = 0
        raw_amount = record[how_at].strip() if len(record) >= width else cell(record, how_at)
        if not raw_amount:
            line_errors.append(RowError(number, how, _("This field is empty.")))
        elif how == "amount_cents":
            if raw_amount.lstrip("-").isdigit():
                amount = int(raw_amount)
            else:
                line_errors.append(
                    RowError(number, how, _("Write a whole number of cents, for example 40000."))
                )
        else:
            try:
                amount = Money.parse(raw_amount).cents
            except MoneyError:
                line_errors.append(
                    RowError(
                        number,
                        how,
                        _("Write an amount in euros with at most 2 decimals, for example 400,00."),
                    )
                )
        if raw_amount and amount <= 0 and not any(e.field == how for e in line_errors):
            line_errors.append(RowError(number, how, _("The amount must be more than 0.")))
        valid_until = None
        raw_until = cell(record, until_at)
        if raw_until:
            try:
                valid_until = dates.get(raw_until) or dates.setdefault(raw_until, _date(raw_until))
            except ValueError:
                line_errors.append(
                    RowError(number, "valid_until", _("Write a date as 2027-12-31 or 31-12-2027."))
                )
        ref = bsn or (str(person_id) if person_id else "")
        if ref:
            if ref in seen:
                line_errors.append(
                    RowError(
                        number,
                        who,
                        _("This person is also on line %(line)s. Put each person once in a file.")
                        % {"line": seen[ref]},
                    )
                )
            else:
                seen[ref] = number
        if line_errors:
            errors.extend(line_errors)
        else:
            rows.append(DepositRow(amount, person_id, bsn, valid_until, number))
    if not rows and not errors:
        errors.append(RowError(1, "file", _("The file has no lines with a deposit.")))
    return rows, errors
