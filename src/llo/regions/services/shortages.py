# SPDX-License-Identifier: EUPL-1.2
"""Import shortage data per region and occupation (kansberoepen and krapteberoepen, such as
UWV publishes them) from a CSV file: all or nothing, every problem named by its line.

Columns (UTF-8, comma or semicolon): ``region`` (CBS code AMnn or the region's name),
``occupation`` (ESCO code or any Dutch label), ``kind`` (kansberoep or krapteberoep),
``validFrom`` and ``validUntil`` (YYYY-MM-DD), ``source``. A row for the same region,
occupation, kind and start date replaces the one llo has.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.timeutil import now
from llo.regions.models import Region, ShortageEntry, ShortageKind
from llo.regions.services import gap
from llo.skills.resolve import Resolver, TermError

COLUMNS = ("region", "occupation", "kind", "validFrom", "validUntil", "source")


@dataclass(frozen=True)
class Issue:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}" if self.line else self.message


class ShortageFileError(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__(f"{len(issues)} problem(s) in the shortage file; nothing was imported")


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


def import_csv(*, actor: audit.Actor, data: str, recompute: bool = True) -> int:
    """Check the whole file, then write it; returns the number of rows."""
    text = data.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ShortageFileError([Issue(1, "-", _("This is not a readable CSV file."))]) from exc
    reader.fieldnames = header
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        message = _("These columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        raise ShortageFileError([Issue(1, "-", message)])
    rows, issues = _check(reader)
    if issues:
        raise ShortageFileError(issues)
    at = now()
    with transaction.atomic():
        for (region, occupation, kind, start), (end, source) in rows.items():
            ShortageEntry.objects.update_or_create(
                region_id=region,
                occupation_id=occupation,
                kind=kind,
                valid_from=start,
                defaults={"valid_until": end, "source": source, "imported_at": at},
            )
        audit.record(
            actor=actor,
            action="regions.shortages.imported",
            subject=("regions.ShortageEntry", "import"),
            after={"rows": len(rows)},
        )
        if recompute:
            for region in sorted({key[0] for key in rows}):
                gap.refresh_demand(region)
    return len(rows)


Rows = dict[tuple[str, str, str, dt.date], tuple[dt.date, str]]


def _check(reader: csv.DictReader[str]) -> tuple[Rows, list[Issue]]:
    regions = dict(Region.objects.values_list("code", "code"))
    for code, name in Region.objects.values_list("code", "name"):
        regions[name.casefold()] = code
    resolver = Resolver("occupation", preload=True)
    rows: Rows = {}
    issues: list[Issue] = []

    def bad(line: int, column: str, message: str) -> None:
        issues.append(Issue(line, column, message))

    line = 2
    try:
        for row in reader:
            cells = {k: (v or "").strip() for k, v in row.items() if k}
            region = regions.get(cells["region"].upper()) or regions.get(cells["region"].casefold())
            if region is None:
                bad(
                    line,
                    "region",
                    _("We do not know the region '%(region)s'.") % {"region": cells["region"]},
                )
            occupation = ""
            try:
                occupation = resolver.resolve(cells["occupation"])
            except TermError as exc:
                bad(line, "occupation", exc.reason)
            kind = cells["kind"].lower()
            if kind not in ShortageKind.values:
                bad(
                    line,
                    "kind",
                    _("'%(kind)s' is not kansberoep or krapteberoep.") % {"kind": cells["kind"]},
                )
            start, end = _date(cells["validFrom"]), _date(cells["validUntil"])
            if start is None:
                bad(line, "validFrom", _("Give a date such as 2027-01-31."))
            if end is None:
                bad(line, "validUntil", _("Give a date such as 2027-01-31."))
            if start and end and end < start:
                bad(line, "validUntil", _("This date is before validFrom."))
            if not cells["source"]:
                bad(line, "source", _("Say where the list comes from."))
            if region and occupation and kind in ShortageKind.values and start and end:
                key = (region, occupation, kind, start)
                if key in rows:
                    bad(
                        line,
                        "-",
                        _("The same region, occupation, kind and date are on an earlier line."),
                    )
                rows[key] = (end, cells["source"][:300])
            line = reader.line_num + 1
    except csv.Error:
        # The line where the broken row starts (where the quote was opened): the reader's own
        # line count stays behind when the data ends inside a quoted cell.
        bad(line, "-", _("The file breaks off here (a quote is not closed?)."))
    return rows, issues
