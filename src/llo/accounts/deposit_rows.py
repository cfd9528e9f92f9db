# SPDX-License-Identifier: EUPL-1.2
"""The rows of a deposit checked, without a database: amounts, dates, each person once, the
persons found, and the errors that name every bad line or field (a file names the line, an
API request the field path). :mod:`llo.accounts.services.deposits` writes what passes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from llo.accounts.csvfile import DepositRow, RowError
from llo.core import crypto
from llo.core.money import Money
from llo.core.problems import InvalidParam, Problem

#: How a row's field is named in an error: (row, "person" | "bsn" | "amount" | "validUntil").
FieldName = Callable[[DepositRow, str], str]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Checked:
    """What a deposit writes: (person, cents, valid until) per person, and the same as
    ``person\tcents\tdate`` lines (the request's fingerprint, and the start of COPY lines)."""

    persons: list[tuple[int, int, dt.date]]
    lines: list[str]

    @property
    def total(self) -> int:
        return sum(cents for _p, cents, _u in self.persons)


def fingerprint(text: str) -> str:
    """Of the deposit's lines ``person\tcents\tdate``, joined by newlines."""
    return hashlib.sha256(text.encode()).hexdigest()


def check(
    rows: Sequence[DepositRow],
    on: dt.date,
    validity_months: int,
    name: FieldName,
    resolved: dict[int, int] | None,
    errors: list[RowError],
) -> Checked:
    """The rights to write, in one pass over the rows: amounts and dates checked, each person
    once; every error is added to ``errors``. ``resolved`` maps row index to person id when
    the rows were looked up (rows missing from it are left out; their errors come from the
    look-up); None takes the ids as given."""
    default_until = add_months(on, validity_months)
    dates: dict[dt.date, str] = {}
    seen: dict[int, int] = {}
    persons: list[tuple[int, int, dt.date]] = []
    lines: list[str] = []
    for index, row in enumerate(rows):
        cents = row.amount_cents
        good = True
        if isinstance(cents, bool) or not isinstance(cents, int) or cents <= 0:
            errors.append(
                RowError(
                    row.line,
                    name(row, "amount"),
                    _("The amount must be a whole number of cents, more than 0."),
                )
            )
            good = False
        until = row.valid_until or default_until
        if until < on:
            errors.append(RowError(row.line, name(row, "validUntil"), _("This date has passed.")))
            good = False
        pid = row.person_id if resolved is None else resolved.get(index)
        if not good or pid is None:
            continue
        if pid in seen:
            errors.append(
                RowError(
                    row.line,
                    name(row, "person"),
                    _("This person is also on line %(line)s. Put each person once.")
                    % {"line": seen[pid]},
                )
            )
            continue
        seen[pid] = row.line
        persons.append((pid, cents, until))
        text = dates.get(until)
        if text is None:
            text = dates[until] = until.isoformat()
        lines.append(f"{pid}\t{cents}\t{text}")
    return Checked(persons, lines)


def as_given(
    rows: Sequence[DepositRow], on: dt.date, validity_months: int
) -> tuple[list[str], int] | None:
    """The rows as they are, as COPY lines ``person\tcents\tdate\n``, and their total; None
    when an amount is not a whole number (then the rows are checked one by one)."""
    default_until = add_months(on, validity_months)
    dates: dict[dt.date, str] = {}
    texts: list[str] = []
    total = 0
    append = texts.append
    try:
        for row in rows:
            until = row.valid_until or default_until
            day = dates.get(until)
            if day is None:
                day = dates[until] = until.isoformat()
            append(f"{row.person_id}\t{row.amount_cents}\t{day}\n")
            total += row.amount_cents
    except TypeError:  # an amount that is not a number
        return None
    if type(total) is not int:
        return None
    return texts, total


def persons_to_find(rows: Sequence[DepositRow]) -> tuple[set[int], dict[str, str]]:
    """The person ids the rows name, and keyed BSN hash → BSN of the rows that give a BSN."""
    ids = {r.person_id for r in rows if r.person_id is not None}
    hashes = {crypto.keyed_hash(r.bsn): r.bsn for r in rows if r.person_id is None and r.bsn}
    return ids, hashes


def not_yours() -> str:
    """The one answer for a person a funder may not deposit to, whether llo knows them or not
    (issue 14, item 2: no oracle of which BSNs llo knows)."""
    return _("This person is not one of yours. You can only deposit to your own people.")


def resolve(
    rows: Sequence[DepositRow], reached_ids: set[int], by_hash: dict[str, int], name: FieldName
) -> tuple[dict[int, int], list[RowError]]:
    """Row index → person id, given the persons found in the funder's reach; the same error
    for every other row, whether its person is unknown or not the funder's."""
    resolved: dict[int, int] = {}
    errors: list[RowError] = []
    for index, row in enumerate(rows):
        if row.person_id is not None:
            pid: int | None = row.person_id if row.person_id in reached_ids else None
            field = "person"
        else:
            pid = by_hash.get(crypto.keyed_hash(row.bsn)) if row.bsn else None
            field = "bsn"
        if pid is None:
            errors.append(RowError(row.line, name(row, field), not_yours()))
        else:
            resolved[index] = pid
    return resolved, errors


def row_params(errors: Sequence[RowError], by_field: bool) -> list[InvalidParam]:
    # A file names the line; an API request names the field path (deposits[3].amountCents).
    return [
        InvalidParam(e.field if by_field else f"line {e.line}: {e.field}", e.reason, "row")
        for e in errors
    ]


def invalid_rows(errors: Sequence[RowError], by_field: bool) -> Problem:
    return Problem(
        400,
        _("%(count)s lines have errors. Nothing was deposited. Correct them and try again.")
        % {"count": len({e.line for e in errors})},
        code="invalid-rows",
        invalid_params=row_params(errors, by_field),
    )


def nothing_to_deposit(errors: Sequence[RowError], by_field: bool) -> Problem:
    return Problem(
        400,
        _("There is nothing to deposit: no line is correct."),
        code="invalid-rows",
        invalid_params=row_params(errors, by_field),
    )


def budget_exceeded(asked: int, left: int) -> Problem:
    return Problem(
        422,
        _(
            "These deposits total %(asked)s, but the budget has %(left)s left. Nothing was "
            "deposited."
        )
        % {"asked": Money(asked).format(), "left": Money(left).format()},
        code="budget-exceeded",
        extra={"askedCents": asked, "availableCents": left},
    )
