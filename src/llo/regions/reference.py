# SPDX-License-Identifier: EUPL-1.2
"""Read the packaged CBS reference data (see data/ATTRIBUTION.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class GemeenteRow:
    gemeente_code: str
    gemeente_naam: str
    region_code: str
    region_name: str


def gemeente_rows() -> list[GemeenteRow]:
    text = resources.files("llo.regions").joinpath("data/gemeente_arbeidsmarktregio_2025.csv")
    with text.open("r", encoding="utf-8") as fh:
        return [
            GemeenteRow(
                row["gemeente_code"],
                row["gemeente_naam"],
                row["arbeidsmarktregio_code"],
                row["arbeidsmarktregio_naam"],
            )
            for row in csv.DictReader(fh)
        ]


def load(region_model: Any, gemeente_model: Any) -> tuple[int, int]:
    """Insert or update every region and gemeente; safe to run again."""
    rows = gemeente_rows()
    regions = {r.region_code: r.region_name for r in rows}
    if not region_model.objects.exists():
        # First load (a migration, or a test database after a flush): insert in bulk.
        region_model.objects.bulk_create(
            [region_model(code=code, name=name) for code, name in regions.items()]
        )
        gemeente_model.objects.bulk_create(
            [
                gemeente_model(code=r.gemeente_code, name=r.gemeente_naam, region_id=r.region_code)
                for r in rows
            ]
        )
        return len(regions), len(rows)
    for code, name in regions.items():
        region_model.objects.update_or_create(code=code, defaults={"name": name})
    for r in rows:
        gemeente_model.objects.update_or_create(
            code=r.gemeente_code, defaults={"name": r.gemeente_naam, "region_id": r.region_code}
        )
    return len(regions), len(rows)
