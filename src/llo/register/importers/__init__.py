# SPDX-License-Identifier: EUPL-1.2
"""Bulk import of offers: OOAPI v6 JSON or CSV, up to 100,000 offers per file.

A file is imported all or nothing: first every offer is read and checked, and the report
names each problem by line and field; only a file without problems is written, in one
transaction (:func:`llo.register.services.bulk.bulk_upsert`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import Problem
from llo.regions.models import Gemeente
from llo.register import terms
from llo.register.models import Offer, Opleider
from llo.register.services import bulk, inputs

MAX_OFFERS = 100_000
MAX_OFFERINGS = 1_000_000
MAX_BYTES = 400 * 1024 * 1024
MAX_ISSUES = 1_000


@dataclass
class Issue:
    """One problem in a file: where (line, and the offer's code when known), which field."""

    line: int | None
    field: str
    message: str
    code: str = "invalid"
    item: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "item": self.item,
        }


@dataclass
class Parsed:
    """What a reader made of a file: offers with the line they start on, and problems."""

    items: list[tuple[int | None, inputs.OfferInput]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    offerings: int = 0
    #: OOAPI ids given in the file, by offer code (kept on new offers).
    ooapi_ids: dict[str, str] = field(default_factory=dict)
    #: Offers in the file, when the reader stopped before reading them all (too many).
    count: int | None = None
    #: The name of a field in this format, by its API name (``title`` is ``name`` in OOAPI).
    field_names: dict[str, str] = field(default_factory=dict)
    #: Whether the lines are known (a reader may leave them out until there is a problem).
    with_lines: bool = True


@dataclass
class ImportReport:
    format: str
    offers: int = 0
    offerings: int = 0
    issues: list[Issue] = field(default_factory=list)
    issue_count: int = 0
    summary: bulk.BulkSummary | None = None

    @property
    def ok(self) -> bool:
        return self.issue_count == 0 and self.summary is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "format": self.format,
            "offers": self.offers,
            "offerings": self.offerings,
            "written": self.summary is not None,
            "issueCount": self.issue_count,
            "issues": [i.as_dict() for i in self.issues],
            "summary": self.summary.as_dict() if self.summary else None,
        }


def detect_format(data: bytes, content_type: str = "", filename: str = "") -> str:
    name = filename.lower()
    if "json" in content_type or name.endswith(".json"):
        return "ooapi-json"
    if "csv" in content_type or name.endswith(".csv"):
        return "csv"
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return "ooapi-json" if head[:1] in (b"{", b"[") else "csv"


def _cross_checks(opleider: Opleider, parsed: Parsed) -> list[Issue]:
    """Problems that need the whole file or the database: duplicate codes, unknown places,
    parent programmes, OOAPI ids of other offers."""
    issues: list[Issue] = []
    known = set(Gemeente.objects.values_list("pk", flat=True))
    seen: dict[str, int | None] = {}
    programme_codes = {d.code for _, d in parsed.items if d.offer_type == "programme"}
    missing_parents = {d.part_of_code for _, d in parsed.items if d.part_of_code} - programme_codes
    if missing_parents:
        existing = set(
            Offer.objects.filter(
                opleider=opleider, offer_type="programme", code__in=list(missing_parents)[:5000]
            ).values_list("code", flat=True)
        )
        missing_parents -= existing
    reported = {(i.line, i.field) for i in parsed.issues}
    # One look-up table of every label for the whole file (an import has up to 100,000).
    vocabulary = terms.Terms(preload=True)
    for line, data in parsed.items:
        for p in [*inputs.validate_input(data, known), *terms.apply(data, vocabulary)]:
            name = parsed.field_names.get(p.name, p.name)
            if (line, name) not in reported:
                issues.append(Issue(line, name, p.reason, p.code, data.code))
        if data.code in seen:
            issues.append(
                Issue(
                    line,
                    "code",
                    _("The code %(code)s is also used on line %(line)s.")
                    % {"code": data.code, "line": seen[data.code]},
                    "duplicate",
                    data.code,
                )
            )
        else:
            seen[data.code] = line
        if data.part_of_code in missing_parents:
            issues.append(
                Issue(
                    line,
                    "partOf",
                    _("There is no programme with the code %(code)s.")
                    % {"code": data.part_of_code},
                    "unknown",
                    data.code,
                )
            )
    if parsed.ooapi_ids:
        given = list(parsed.ooapi_ids.items())
        lines = {d.code: line for line, d in parsed.items}
        for start in range(0, len(given), 5_000):
            chunk = dict(given[start : start + 5_000])
            for ooapi_id, code, owner in Offer.objects.filter(
                ooapi_id__in=list(chunk.values())
            ).values_list("ooapi_id", "code", "opleider_id"):
                mine = [c for c, i in chunk.items() if i == str(ooapi_id)]
                for c in mine:
                    if owner != opleider.pk or c != code:
                        issues.append(
                            Issue(
                                lines.get(c),
                                "id",
                                _("This id is already used by another offer."),
                                "duplicate",
                                c,
                            )
                        )
    return issues


def import_file(
    *,
    actor: audit.Actor,
    opleider: Opleider,
    data: bytes,
    fmt: str = "",
    filename: str = "",
    content_type: str = "",
    submit: bool = True,
    publish: bool = False,
) -> ImportReport:
    """Read, check and (only when everything is right) write one file of offers."""
    fmt = fmt or detect_format(data, content_type, filename)
    report = ImportReport(format=fmt)
    if len(data) > MAX_BYTES:
        report.issues.append(
            Issue(
                None,
                "file",
                _("The file is too big. The maximum is %(mb)s MB.")
                % {"mb": MAX_BYTES // (1024 * 1024)},
                "too-big",
            )
        )
        report.issue_count = 1
        return report
    if fmt == "csv":
        from llo.register.importers import csv as reader
    elif fmt == "ooapi-json":
        from llo.register.importers import ooapi as reader  # type: ignore[no-redef]
    else:
        raise Problem(400, _("Unknown file format."), code="unknown-format")
    parsed, issues = _read(reader.parse(data), opleider, report)
    if issues and not parsed.with_lines:
        # The fast read leaves out the lines; read again to name them in the report.
        parsed, issues = _read(reader.parse(data, with_lines=True), opleider, report)
    report.issue_count = len(issues)
    report.issues = issues[:MAX_ISSUES]
    if issues:
        return report
    items = [d for _, d in parsed.items]
    for d in items:
        d.ooapi_id = parsed.ooapi_ids.get(d.code, "")
    digest = hashlib.sha256(data).hexdigest()[:16]
    try:
        report.summary = bulk.bulk_upsert(
            actor=actor,
            opleider=opleider,
            items=items,
            submit=submit,
            publish=publish,
            source=f"import {fmt} sha256:{digest} {filename}".strip(),
        )
    except Problem as exc:
        report.issues = [Issue(None, "file", exc.detail, exc.code)]
        report.issue_count = 1
    return report


def _read(parsed: Parsed, opleider: Opleider, report: ImportReport) -> tuple[Parsed, list[Issue]]:
    report.offers = parsed.count if parsed.count is not None else len(parsed.items)
    report.offerings = parsed.offerings
    issues = list(parsed.issues)
    if report.offers > MAX_OFFERS and not any(i.code == "too-many" for i in issues):
        issues.append(too_many(report.offers))  # a reader that did not stop itself
    if parsed.items and report.offers <= MAX_OFFERS:
        issues.extend(_cross_checks(opleider, parsed))
        issues.sort(key=lambda i: i.line or 0)
    return parsed, issues


def too_many(count: int) -> Issue:
    return Issue(
        None,
        "file",
        _("The file has %(count)s offers. The maximum is %(max)s per file. Split the file.")
        % {"count": f"{count:,}".replace(",", "."), "max": f"{MAX_OFFERS:,}".replace(",", ".")},
        "too-many",
    )
