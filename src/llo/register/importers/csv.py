# SPDX-License-Identifier: EUPL-1.2
"""Read offers from CSV: one offer per line, the first line names the columns.

The column names are those of the API (``docs/register.md``). Lists (skills, places, start
dates, modes) are separated by ``;`` or ``|``. Amounts may be written the Dutch way
(``1.234,50``) or with a dot (``1234.50``). The separator of the file may be ``,`` or ``;``
(what Dutch spreadsheet programs write). A cell that llo's export neutralised against
spreadsheet formulas (``'=…``, ``'+31…``: ``llo.core.csvio``) is read back as it was. The report
counts lines as a text editor shows them, the header being line 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from llo.core import csvio
from llo.core.money import Money, MoneyError
from llo.register.importers import MAX_OFFERS, Issue, Parsed, too_many
from llo.register.services.inputs import OfferingInput, OfferInput

REQUIRED = ("code", "offerType", "title", "levelOfQualification", "leadsTo")
COLUMNS = (
    "code",
    "offerType",
    "title",
    "description",
    "formal",
    "levelOfQualification",
    "levelBasis",
    "studyLoad",
    "studyLoadUnit",
    "leadsTo",
    "partOf",
    "unitCode",
    "skills",
    "occupations",
    "learningOutcomes",
    "assessmentType",
    "qualityAssurance",
    "language",
    "modesOfDelivery",
    "online",
    "gemeenten",
    "fee",
    "examFee",
    "materials",
    "vatExempt",
    "legalStatus",
    "startDates",
    "capacity",
)
_LIST = re.compile(r"[;|]")
_TRUE = {"1", "true", "ja", "yes", "j", "y", "waar"}
_FALSE = {"0", "false", "nee", "no", "n", "onwaar", ""}


def _list(value: str) -> list[str]:
    return [v.strip() for v in _LIST.split(value or "") if v.strip()]


def _date(value: str) -> dt.date:
    value = value.strip()
    if re.fullmatch(r"\d{2}-\d{2}-\d{4}", value):
        day, month, year = value.split("-")
        return dt.date(int(year), int(month), int(day))
    return dt.date.fromisoformat(value)


FIELD_NAMES = {"studyLoad.value": "studyLoad", "studyLoad.studyLoadUnit": "studyLoadUnit"}


def parse(data: bytes, with_lines: bool = True) -> Parsed:
    parsed = Parsed(field_names=FIELD_NAMES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        parsed.issues.append(
            Issue(
                None,
                "file",
                _("The file is not UTF-8 text (byte %(pos)s). Save it as CSV UTF-8.")
                % {"pos": exc.start},
                "encoding",
            )
        )
        return parsed
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        parsed.issues.append(Issue(1, "file", _("The file is empty."), "empty"))
        return parsed
    except csv.Error as exc:
        parsed.issues.append(Issue(1, "file", str(exc), "csv"))
        return parsed
    unknown = [h for h in header if h not in COLUMNS]
    for name in unknown:
        parsed.issues.append(
            Issue(
                1,
                name,
                _("Unknown column. Known columns: %(cols)s.") % {"cols": ", ".join(COLUMNS)},
                "unknown-column",
            )
        )
    for name in REQUIRED:
        if name not in header:
            parsed.issues.append(Issue(1, name, _("This column is missing."), "missing-column"))
    if parsed.issues:
        return parsed
    rows: list[tuple[int, list[str]]] = []
    try:
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        parsed.issues.append(Issue(reader.line_num, "file", str(exc), "csv"))
        return parsed
    if len(rows) > MAX_OFFERS:
        parsed.issues.append(too_many(len(rows)))
        parsed.count = len(rows)
        return parsed
    for line, row in rows:
        # Undo exactly what llo's CSV writer did against spreadsheet formulas (a leading
        # quote mark, llo.core.csvio): a provider's own export imports again unchanged.
        cells = dict(zip(header, (csvio.restore(c) for c in row), strict=False))
        item = _row(line, cells, len(row), len(header), parsed)
        if item is not None:
            parsed.items.append((line, item))
    return parsed


def _row(
    line: int, cells: dict[str, str], width: int, expected: int, parsed: Parsed
) -> OfferInput | None:
    code = (cells.get("code") or "").strip()

    def bad(field: str, message: str, kind: str = "invalid") -> None:
        parsed.issues.append(Issue(line, field, message, kind, code))

    if width != expected:
        bad(
            "file",
            _("This line has %(n)s fields; the first line has %(m)s.")
            % {"n": width, "m": expected},
            "columns",
        )
        return None

    def boolean(name: str, default: bool) -> bool:
        value = (cells.get(name) or "").strip().lower()
        if value == "":
            return default
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        bad(name, _("Write ja or nee."), "type")
        return default

    def amount(name: str) -> int:
        value = (cells.get(name) or "").strip()
        if not value:
            return 0
        try:
            cents = Money.parse(value).cents
        except MoneyError:
            bad(name, _("Write an amount in euros, like 1.234,50."), "amount")
            return 0
        if cents < 0:
            bad(name, _("An amount cannot be negative."), "negative")
            return 0
        return cents

    formal = boolean("formal", False)
    data = OfferInput(
        code=code,
        offer_type=(cells.get("offerType") or "").strip(),
        title=(cells.get("title") or "").strip(),
        description=(cells.get("description") or "").strip(),
        level=(cells.get("levelOfQualification") or "").strip(),
        leads_to=(cells.get("leadsTo") or "").strip(),
        legal_status=(cells.get("legalStatus") or "").strip()
        or ("student" if formal else "cursist"),
        formal=formal,
        level_basis=(cells.get("levelBasis") or "").strip()
        or ("generic" if formal else "indicative"),
        study_load_unit=(cells.get("studyLoadUnit") or "").strip(),
        part_of_code=(cells.get("partOf") or "").strip(),
        unit_code=(cells.get("unitCode") or "").strip(),
        skills=_list(cells.get("skills", "")),
        occupations=_list(cells.get("occupations", "")),
        # Outcomes are sentences that may hold a semicolon: only "|" separates them.
        learning_outcomes=[
            o.strip() for o in (cells.get("learningOutcomes") or "").split("|") if o.strip()
        ],
        assessment_type=(cells.get("assessmentType") or "").strip(),
        quality_assurance=(cells.get("qualityAssurance") or "").strip(),
        language=(cells.get("language") or "nl").strip(),
        modes=_list(cells.get("modesOfDelivery", "")),
        gemeenten=[g.upper() for g in _list(cells.get("gemeenten", ""))],
        fee_cents=amount("fee"),
        exam_cents=amount("examFee"),
        materials_cents=amount("materials"),
    )
    data.online = boolean("online", "online" in data.modes and not data.gemeenten)
    data.vat_exempt = boolean("vatExempt", True)
    load = (cells.get("studyLoad") or "").strip()
    if load:
        try:
            data.study_load_value = Decimal(load.replace(",", ".")).quantize(Decimal("0.1"))
        except InvalidOperation:
            bad("studyLoad", _("Write a number."), "type")
        else:
            if data.study_load_value < 0:
                bad("studyLoad", _("The study load cannot be negative."), "negative")
                data.study_load_value = None
    capacity: int | None = None
    raw_capacity = (cells.get("capacity") or "").strip()
    if raw_capacity:
        if raw_capacity.isdigit():
            capacity = int(raw_capacity)
        else:
            bad("capacity", _("Write a whole number of places, 0 or more."), "type")
    starts = []
    for value in _list(cells.get("startDates", "")):
        try:
            starts.append(_date(value))
        except ValueError:
            bad(
                "startDates",
                _("'%(value)s' is not a date like 2026-09-01.") % {"value": value},
                "date",
            )
    if "startDates" in cells:
        data.offerings = [OfferingInput(start_date=s, capacity=capacity) for s in starts]
        parsed.offerings += len(starts)
    return data
