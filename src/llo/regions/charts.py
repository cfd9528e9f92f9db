# SPDX-License-Identifier: EUPL-1.2
"""Vega-Lite specs of the region pages, written by altair on the server (DESIGN.md: charts
with a data table beside each). The page carries the specs as JSON data and the vendored
vega-embed draws them; without JavaScript the tables hold the same numbers.

The map draws the 35 arbeidsmarktregio's of 2025 (CBS/PDOK boundaries, data/ATTRIBUTION.md)
from the packaged TopoJSON, looked up by the CBS code (``statcode``).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from typing import Any

import altair as alt
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from llo.regions.selectors import GapRow, MapRow

#: Colours with enough contrast on white (WCAG 1.4.11), light to dark.
BAR_DEMAND = "#b3470b"
BAR_SEATS = "#1f5f8b"


#: Numbers in the charts as in the tables: 12.300 (Vega-Lite config.locale, d3-format).
DUTCH_NUMBERS = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]}


def _finish(spec: dict[str, Any], title: str, description: str) -> dict[str, Any]:
    spec["title"] = title
    spec["description"] = description
    if (get_language() or "nl").startswith("nl"):
        spec.setdefault("config", {})["locale"] = {"number": DUTCH_NUMBERS}
    return spec


def map_spec(
    rows: Sequence[MapRow], topojson_url: str, *, measure: str, title: str, description: str
) -> dict[str, Any]:
    """A map of the regions coloured by ``measure`` (``gap``, ``demand_people`` or
    ``seats``) of each region; the region's name and figures in the tooltip text."""
    values = [
        {
            "code": r.region.code,
            "name": r.region.label,
            "demand": r.demand_people,
            "seats": r.seats,
            "offers": r.offers,
            "gap": r.gap,
        }
        for r in rows
    ]
    spec = copy.deepcopy(_map_template(topojson_url, measure, get_language() or "nl"))
    spec["transform"][0]["from"]["data"]["values"] = values
    return _finish(spec, title, description)


@functools.lru_cache(maxsize=32)
def _map_template(topojson_url: str, measure: str, language: str) -> dict[str, Any]:
    """The map without its figures, made by altair once per language and measure (altair
    takes tens of milliseconds to build a chart; the page fills in the figures)."""
    values: list[dict[str, Any]] = []
    field = {"gap": "gap", "demand_people": "demand", "seats": "seats"}[measure]
    legend = {
        "gap": _("Too few training places"),
        "demand_people": _("People needed"),
        "seats": _("Training places"),
    }[measure]
    chart = (
        alt.Chart(
            alt.Data(
                url=topojson_url,
                format=alt.DataFormat(type="topojson", feature="arbeidsmarktregio_2025"),
            )
        )
        .mark_geoshape(stroke="#ffffff", strokeWidth=0.8)
        .transform_lookup(
            lookup="properties.statcode",
            from_=alt.LookupData(
                alt.Data(values=values), "code", ["name", "demand", "seats", "offers", "gap"]
            ),
        )
        .encode(
            color=alt.Color(
                f"{field}:Q",
                title=legend,
                scale=alt.Scale(scheme="orangered", domainMin=0),
                legend=alt.Legend(orient="bottom", format=",d"),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=_("Region")),
                alt.Tooltip("demand:Q", title=_("People needed"), format=",d"),
                alt.Tooltip("seats:Q", title=_("Training places"), format=",d"),
                alt.Tooltip("gap:Q", title=_("Too few training places"), format=",d"),
            ],
        )
        .project(type="mercator")
        .properties(width=360, height=420)
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)
    return spec


def bars_spec(rows: Sequence[GapRow], *, title: str, description: str) -> dict[str, Any]:
    """Horizontal bars: people needed beside training places, per occupation or skill."""
    demand, seats = _("People needed"), _("Training places in the region")
    values = []
    for r in rows:
        values.append({"label": r.label, "what": demand, "value": r.demand_people})
        values.append({"label": r.label, "what": seats, "value": r.seats})
    spec = copy.deepcopy(_bars_template(get_language() or "nl"))
    spec["data"]["values"] = values
    spec["encoding"]["y"]["sort"] = [r.label for r in rows]
    return _finish(spec, title, description)


@functools.lru_cache(maxsize=8)
def _bars_template(language: str) -> dict[str, Any]:
    demand, seats = _("People needed"), _("Training places in the region")
    values: list[dict[str, Any]] = []
    labels: list[str] = []
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=labels, title=None),
            yOffset=alt.YOffset("what:N", sort=[demand, seats]),
            x=alt.X("value:Q", title=_("Number"), axis=alt.Axis(format=",d")),
            color=alt.Color(
                "what:N",
                title=None,
                sort=[demand, seats],
                scale=alt.Scale(domain=[demand, seats], range=[BAR_DEMAND, BAR_SEATS]),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(width=300)
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)
    return spec
