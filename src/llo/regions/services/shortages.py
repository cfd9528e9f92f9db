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
    dialect = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=dialect, strict=True)
    issues: list[Issue] = []
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ShortageFileError([Issue(1, "-", f"not a readable CSV file ({exc})")]) from exc
    reader.fieldnames = header
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ShortageFileError([Issue(1, "-", f"missing column(s): {', '.join(missing)}")])
    regions = dict(Region.objects.values_list("code", "code"))
    regions.update(
        {name.casefold(): code for code, name in Region.objects.values_list("code", "name")}
    )
    resolver = Resolver("occupation", preload=True)
    rows: dict[tuple[str, str, str, dt.date], tuple[dt.date, str]] = {}
    line = 2
    try:
        for row in reader:
            cells = {k: (v or "").strip() for k, v in row.items() if k}
            region = regions.get(cells["region"].upper()) or regions.get(cells["region"].casefold())
            if region is None:
                issues.append(Issue(line, "region", f"unknown region '{cells['region']}'"))
            try:
                occupation = resolver.resolve(cells["occupation"])
            except TermError as exc:
                occupation = ""
                issues.append(Issue(line, "occupation", exc.reason))
            kind = cells["kind"].lower()
            if kind not in ShortageKind.values:
                issues.append(
                    Issue(line, "kind", f"'{cells['kind']}' is not kansberoep or krapteberoep")
                )
            start, end = _date(cells["validFrom"]), _date(cells["validUntil"])
            if start is None:
                issues.append(Issue(line, "validFrom", "not a date (YYYY-MM-DD)"))
            if end is None:
                issues.append(Issue(line, "validUntil", "not a date (YYYY-MM-DD)"))
            if start and end and end < start:
                issues.append(Issue(line, "validUntil", "before validFrom"))
            if not cells["source"]:
                issues.append(Issue(line, "source", "empty"))
            if region and occupation and kind in ShortageKind.values and start and end:
                key = (region, occupation, kind, start)
                if key in rows:
                    issues.append(
                        Issue(line, "-", "the same region, occupation, kind and date twice")
                    )
                rows[key] = (end, cells["source"][:300])
            line = reader.line_num + 1
    except csv.Error as exc:
        issues.append(Issue(reader.line_num, "-", f"broken CSV ({exc})"))
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
