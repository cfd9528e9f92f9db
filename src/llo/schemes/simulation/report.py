# SPDX-License-Identifier: EUPL-1.2
"""The what-if result as a rich table (terminal), JSON, Vega-Lite charts and a standalone HTML
report. Every chart has a table with the same numbers beside it (DESIGN.md section 5).

Labels are English msgids (gettext_lazy): the terminal and the files use the active language,
the beleid page the user's. Money is shown in whole euros; the JSON keeps whole cents.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import altair as alt
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from llo.schemes.simulation import population_inputs
from llo.schemes.simulation.run import (
    DIMENSION_LABELS,
    DIMENSIONS,
    Figures,
    Row,
    SchemeResult,
    SimulationResult,
)

STATIC = Path(__file__).resolve().parent.parent / "static" / "schemes"
VENDOR = STATIC / "vendor"
VENDOR_FILES = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")
EMBED_SCRIPT = STATIC / "whatif.js"
MEASURES: dict[str, Promise] = {
    "eligible": gettext_lazy("Eligible persons"),
    "expected_cost": gettext_lazy("Expected cost (euros)"),
}
RUN_LABELS: dict[str, Promise] = {
    "baseline": gettext_lazy("Baseline"),
    "reform": gettext_lazy("Reform"),
}
#: Colours of the two runs (NL Design System voorbeeld blue shades; enough contrast on white).
RUN_COLOURS = ("#8fb0d8", "#154273")


# --- Formatting ----------------------------------------------------------------------------


def whole(number: int) -> str:
    """A whole number with thousands separators (the Dutch dot, as Money.format)."""
    return f"{number:,}".replace(",", ".")


def euros(cents: int, *, sign: bool = False) -> str:
    """Whole euros (rounded half away from zero from cents): ``€ 1.234``; ``+€ 5`` with
    ``sign``."""
    value = (abs(cents) + 50) // 100
    prefix = "-" if cents < 0 and value else ("+" if sign and value else "")
    return f"{prefix}€ {whole(value)}"


def signed(number: int) -> str:
    return ("+" if number > 0 else "") + whole(number)


def share(part: int, total: int) -> str:
    """A percentage with one decimal (comma, Dutch), or a dash when there is no total."""
    if not total:
        return "-"
    tenths = (part * 1000 * 2 + total) // (2 * total)
    return f"{tenths // 10},{tenths % 10} %"


def text(value: str | Promise) -> str:
    return str(value)


# --- JSON --------------------------------------------------------------------------------------


def _figures_json(figures: Figures | None, persons: int) -> dict[str, Any] | None:
    if figures is None:
        return None
    return {
        "eligible": figures.eligible,
        "reach": round(figures.eligible / persons, 6) if persons else None,
        "amount_cents": figures.amount_cents,
        "expected_applicants": figures.expected_applicants,
        "expected_cost_cents": figures.expected_cost_cents,
    }


def _row_json(row: Row) -> dict[str, Any]:
    difference = row.difference
    return {
        "group": row.group,
        "label": text(row.label),
        "persons": row.persons,
        "baseline": _figures_json(row.baseline, row.persons),
        "reform": _figures_json(row.reform, row.persons),
        "difference": _figures_json(difference, row.persons) if difference else None,
    }


def _scheme_json(result: SchemeResult) -> dict[str, Any]:
    return {
        "key": result.key,
        "title": result.title,
        "status": result.status,
        "rule_version": result.rule_version,
        "reform_rule_version": result.reform_rule_version,
        "take_up": result.take_up.as_json() if result.take_up else None,
        "total": _row_json(result.total),
        "splits": {
            dimension: {
                "label": text(DIMENSION_LABELS[dimension]),
                "rows": [_row_json(row) for row in result.splits[dimension]],
            }
            for dimension in DIMENSIONS
        },
        "conditions_not_met": [
            {
                "condition": c.name,
                "label": c.label,
                "baseline": c.baseline_not_met,
                "reform": c.reform_not_met,
                "difference": (
                    None if c.reform_not_met is None else c.reform_not_met - c.baseline_not_met
                ),
            }
            for c in result.conditions
        ],
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_json(result: SimulationResult) -> dict[str, Any]:
    """Everything in the result, JSON-serialisable; money in whole cents."""
    reform = None
    if result.reform is not None:
        reform = result.reform.as_json()
        reform["on_the_date"] = [
            {
                "parameter": e.parameter,
                "from": e.start.isoformat(),
                "baseline": _plain(e.baseline_on_date),
                "reform": _plain(e.reform_on_date),
                "applies": e.applies,
            }
            for e in result.effects
        ]
    return {
        "what": "llo what-if simulation",
        "llo_version": result.llo_version,
        "date": result.on.isoformat(),
        "persons": result.persons,
        "seed": result.seed,
        "population": {
            "generator": "llo.people.population (sources: docs/demo-data.md)",
            "ages": "18 up to the AOW age on the date",
        },
        "planned_training": population_inputs.assumptions(),
        "take_up_file": result.take_up_source,
        "reform": reform,
        "warnings": list(result.warnings),
        "schemes": [_scheme_json(s) for s in result.schemes],
        "timings_seconds": {k: round(v, 3) for k, v in result.timings.items()},
    }


def write_json(result: SimulationResult, path: Path) -> None:
    path.write_text(json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n")


# --- Terminal ----------------------------------------------------------------------------------


def _summary_table(result: SchemeResult) -> Table:
    has_reform = result.total.reform is not None
    table = Table(title=_("%(title)s: totals") % {"title": result.title}, title_justify="left")
    table.add_column(_("What"))
    table.add_column(_("Baseline"), justify="right")
    if has_reform:
        table.add_column(_("Reform"), justify="right")
        table.add_column(_("Difference"), justify="right")
    total = result.total
    base, reform, diff = total.baseline, total.reform, total.difference

    def line(label: str, value: Any, fmt: Any, dfmt: Any) -> None:
        cells = [label, fmt(value(base))]
        if reform is not None and diff is not None:
            cells += [fmt(value(reform)), dfmt(value(diff))]
        table.add_row(*cells)

    table.add_row(_("Persons"), whole(total.persons), *([""] * (2 if has_reform else 0)))
    line(_("Eligible persons"), lambda f: f.eligible, whole, signed)
    if reform is not None and diff is not None:
        table.add_row(
            _("Reach (eligible / persons)"),
            share(base.eligible, total.persons),
            share(reform.eligible, total.persons),
            "",
        )
    else:
        table.add_row(_("Reach (eligible / persons)"), share(base.eligible, total.persons))
    line(
        _("Amount if every eligible person applies"),
        lambda f: f.amount_cents,
        euros,
        lambda c: euros(c, sign=True),
    )
    line(_("Expected applicants (x take-up)"), lambda f: f.expected_applicants, whole, signed)
    line(
        _("Expected cost (x take-up)"),
        lambda f: f.expected_cost_cents,
        euros,
        lambda c: euros(c, sign=True),
    )
    return table


def _split_table(result: SchemeResult, dimension: str) -> Table:
    rows = result.splits[dimension]
    has_reform = result.total.reform is not None
    table = Table(
        title=f"{result.title}: {text(DIMENSION_LABELS[dimension])}", title_justify="left"
    )
    table.add_column(
        text(DIMENSION_LABELS[dimension]), no_wrap=True, max_width=34, overflow="ellipsis"
    )
    table.add_column(_("Persons"), justify="right")
    table.add_column(_("Eligible"), justify="right")
    table.add_column(_("Reach"), justify="right")
    if has_reform:
        table.add_column(_("Eligible (reform)"), justify="right")
        table.add_column(_("Reach (reform)"), justify="right")
        table.add_column(_("Δ eligible"), justify="right")
    table.add_column(_("Expected cost"), justify="right")
    if has_reform:
        table.add_column(_("Expected cost (reform)"), justify="right")
        table.add_column(_("Δ expected cost"), justify="right")
    for row in (*rows, result.total):
        cells = [
            text(row.label),
            whole(row.persons),
            whole(row.baseline.eligible),
            share(row.baseline.eligible, row.persons),
        ]
        if row.reform is not None and row.difference is not None:
            cells += [
                whole(row.reform.eligible),
                share(row.reform.eligible, row.persons),
                signed(row.difference.eligible),
            ]
        cells.append(euros(row.baseline.expected_cost_cents))
        if row.reform is not None and row.difference is not None:
            cells += [
                euros(row.reform.expected_cost_cents),
                euros(row.difference.expected_cost_cents, sign=True),
            ]
        table.add_row(*cells, end_section=row is rows[-1])
    return table


def _conditions_table(result: SchemeResult) -> Table:
    has_reform = result.total.reform is not None
    table = Table(
        title=_("%(title)s: persons who do not meet a condition") % {"title": result.title},
        title_justify="left",
        caption=_("Each condition counted on its own; a person can miss several."),
    )
    table.add_column(_("Condition"), max_width=70)
    table.add_column(_("Not met"), justify="right")
    if has_reform:
        table.add_column(_("Not met (reform)"), justify="right")
        table.add_column(_("Difference"), justify="right")
    for c in result.conditions:
        cells = [c.label, whole(c.baseline_not_met)]
        if c.reform_not_met is not None:
            cells += [whole(c.reform_not_met), signed(c.reform_not_met - c.baseline_not_met)]
        table.add_row(*cells)
    return table


def print_report(result: SimulationResult, console: Console) -> None:
    """The result as rich tables."""
    console.print(
        _("What-if on %(date)s over %(persons)s persons (seed %(seed)s)")
        % {"date": result.on.isoformat(), "persons": whole(result.persons), "seed": result.seed},
        style="bold",
    )
    if result.reform is not None:
        changes = Table(title=_("Reform: %(name)s") % {"name": result.reform.name})
        changes.add_column(_("Parameter"))
        changes.add_column(_("From"))
        changes.add_column(_("Value"), justify="right")
        changes.add_column(_("On the date: baseline → reform"), justify="right")
        for effect in result.effects:
            changes.add_row(
                effect.parameter,
                effect.start.isoformat(),
                str(effect.value),
                f"{effect.baseline_on_date} → {effect.reform_on_date}",
            )
        console.print(changes)
    for warning in result.warnings:
        console.print(f"[yellow]{_('Warning')}:[/yellow] {warning}", highlight=False)
    for scheme in result.schemes:
        console.print(_summary_table(scheme))
        for dimension in DIMENSIONS:
            console.print(_split_table(scheme, dimension))
        console.print(_conditions_table(scheme))
    console.print(
        _(
            "Every person has one planned training drawn from assumed distributions "
            "(docs/what-if.md); expected figures multiply by the take-up rates of %(file)s."
        )
        % {"file": result.take_up_source},
        style="dim",
    )


# --- Charts ------------------------------------------------------------------------------------


def _measure(figures: Figures, measure: str) -> int:
    if measure == "eligible":
        return figures.eligible
    return (figures.expected_cost_cents + 50) // 100


def chart_id(scheme: str, dimension: str, measure: str) -> str:
    return f"chart-{scheme}-{dimension}-{measure}".replace("_", "-")


def chart_spec(result: SchemeResult, dimension: str, measure: str) -> dict[str, Any]:
    """A horizontal grouped bar chart (Vega-Lite, written by altair) of one measure by the
    groups of a dimension, baseline beside reform."""
    rows = result.splits[dimension]
    runs = ["baseline"] + (["reform"] if result.total.reform is not None else [])
    labels = [text(row.label) for row in rows]
    values = []
    for row in rows:
        for run in runs:
            figures = row.baseline if run == "baseline" else row.reform
            if figures is not None:
                values.append(
                    {
                        "group": text(row.label),
                        "run": text(RUN_LABELS[run]),
                        "value": _measure(figures, measure),
                    }
                )
    run_names = [text(RUN_LABELS[run]) for run in runs]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y("group:N", sort=labels, title=None),
            yOffset=alt.YOffset("run:N", sort=run_names),
            x=alt.X("value:Q", title=text(MEASURES[measure]), axis=alt.Axis(format=",d")),
            color=alt.Color(
                "run:N",
                title=None,
                sort=run_names,
                scale=alt.Scale(domain=run_names, range=list(RUN_COLOURS[: len(run_names)])),
                legend=alt.Legend(orient="bottom"),
            ),
        )
        .properties(
            width=260,
            title=f"{text(MEASURES[measure])}: {text(DIMENSION_LABELS[dimension])}",
        )
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)
    return spec


def charts(result: SimulationResult) -> list[dict[str, Any]]:
    """Every chart: ``id``, ``scheme``, ``dimension``, ``measure``, ``title`` and ``spec``."""
    found = []
    for scheme in result.schemes:
        for dimension in DIMENSIONS:
            for measure in MEASURES:
                found.append(
                    {
                        "id": chart_id(scheme.key, dimension, measure),
                        "scheme": scheme.key,
                        "dimension": dimension,
                        "measure": measure,
                        "title": f"{text(MEASURES[measure])}: {text(DIMENSION_LABELS[dimension])}",
                        "spec": chart_spec(scheme, dimension, measure),
                    }
                )
    return found


# --- Standalone HTML ---------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans",Arial,sans-serif;margin:2rem;color:#1a1a1a;max-width:80rem}
h1,h2,h3{font-family:"Noto Serif",Georgia,serif}
table{border-collapse:collapse;margin:0 0 1rem 0;font-size:.85rem}
td{white-space:nowrap}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border-bottom:1px solid #ccc;padding:.25rem .5rem;text-align:right}
th:first-child,td:first-child{text-align:left}
tfoot td,tfoot th{font-weight:bold;border-top:2px solid #555}
.pair{display:flex;flex-wrap:wrap;gap:2rem;align-items:flex-start;margin-bottom:2rem}
.note{color:#444;font-size:.9rem}
.warning{background:#fff4ce;padding:.5rem 1rem}
"""


def _e(value: Any) -> str:
    return html.escape(str(value))


def _html_table(
    caption: str, head: list[str], body: Iterable[list[str]], foot: list[str] | None = None
) -> str:
    parts = [f"<table><caption>{_e(caption)}</caption><thead><tr>"]
    parts += [f'<th scope="col">{_e(h)}</th>' for h in head]
    parts.append("</tr></thead><tbody>")
    for cells in body:
        parts.append(
            "<tr>"
            + f'<th scope="row">{_e(cells[0])}</th>'
            + "".join(f"<td>{_e(c)}</td>" for c in cells[1:])
            + "</tr>"
        )
    parts.append("</tbody>")
    if foot:
        parts.append(
            "<tfoot><tr>"
            + f'<th scope="row">{_e(foot[0])}</th>'
            + "".join(f"<td>{_e(c)}</td>" for c in foot[1:])
            + "</tr></tfoot>"
        )
    parts.append("</table>")
    return "".join(parts)


def split_columns(result: SchemeResult, measure: str) -> list[str]:
    head = [_("Group"), _("Persons")]
    if measure == "eligible":
        head += [_("Eligible"), _("Reach")]
        if result.total.reform is not None:
            head += [_("Eligible (reform)"), _("Reach (reform)"), _("Difference")]
    else:
        head += [_("Expected cost")]
        if result.total.reform is not None:
            head += [_("Expected cost (reform)"), _("Difference")]
    return head


def split_cells(row: Row, measure: str) -> list[str]:
    cells = [text(row.label), whole(row.persons)]
    if measure == "eligible":
        cells += [whole(row.baseline.eligible), share(row.baseline.eligible, row.persons)]
        if row.reform is not None and row.difference is not None:
            cells += [
                whole(row.reform.eligible),
                share(row.reform.eligible, row.persons),
                signed(row.difference.eligible),
            ]
    else:
        cells.append(euros(row.baseline.expected_cost_cents))
        if row.reform is not None and row.difference is not None:
            cells += [
                euros(row.reform.expected_cost_cents),
                euros(row.difference.expected_cost_cents, sign=True),
            ]
    return cells


def _vendored_scripts() -> str:
    parts = []
    for name in VENDOR_FILES:
        path = VENDOR / name
        if not path.is_file():
            return ""  # charts need the vendored files (scripts/vendor-vega.sh); tables stay
        parts.append(path.read_text(encoding="utf-8").replace("</script", "<\\/script"))
    return "".join(f"<script>{code}</script>\n" for code in parts)


def to_html(result: SimulationResult) -> str:
    """A standalone HTML report: tables, and Vega-Lite charts drawn by the vendored Vega files
    inlined into the page (it opens from disk, offline)."""
    data = to_json(result)
    found = charts(result)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(get_language() or "en")}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(_('What-if report'))} {_e(result.on.isoformat())}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(_('What-if report'))}</h1>",
        f'<p class="note">{_e(_("Date"))}: {_e(result.on.isoformat())} · '
        f"{_e(_('Persons'))}: {_e(whole(result.persons))} · {_e(_('Seed'))}: {result.seed} · "
        f"llo {_e(result.llo_version)}</p>",
    ]
    if result.reform is not None:
        out.append(f"<h2>{_e(_('Reform'))}: {_e(result.reform.name)}</h2>")
        if result.reform.description:
            out.append(f"<p>{_e(result.reform.description)}</p>")
        out.append(
            _html_table(
                _("Parameter changes"),
                [_("Parameter"), _("From"), _("Value"), _("On the date: baseline → reform")],
                (
                    [
                        e.parameter,
                        e.start.isoformat(),
                        str(e.value),
                        f"{e.baseline_on_date} → {e.reform_on_date}",
                    ]
                    for e in result.effects
                ),
            )
        )
    for warning in result.warnings:
        out.append(f'<p class="warning">{_e(warning)}</p>')
    for scheme in result.schemes:
        out.append(f"<h2>{_e(scheme.title)}</h2>")
        total = scheme.total
        head = [_("What"), _("Baseline")]
        if total.reform is not None:
            head += [_("Reform"), _("Difference")]

        def line(label: str, get: Any, fmt: Any, dfmt: Any, total: Row = total) -> list[str]:
            cells = [label, fmt(get(total.baseline))]
            if total.reform is not None and total.difference is not None:
                cells += [fmt(get(total.reform)), dfmt(get(total.difference))]
            return cells

        def money(cents: int) -> str:
            return euros(cents, sign=True)

        out.append(
            _html_table(
                _("Totals"),
                head,
                [
                    line(_("Eligible persons"), lambda f: f.eligible, whole, signed),
                    line(
                        _("Amount if every eligible person applies"),
                        lambda f: f.amount_cents,
                        euros,
                        money,
                    ),
                    line(_("Expected applicants"), lambda f: f.expected_applicants, whole, signed),
                    line(_("Expected cost"), lambda f: f.expected_cost_cents, euros, money),
                ],
            )
        )
        for dimension in DIMENSIONS:
            out.append(f"<h3>{_e(DIMENSION_LABELS[dimension])}</h3>")
            for measure in MEASURES:
                chart = next(
                    c
                    for c in found
                    if c["scheme"] == scheme.key
                    and c["dimension"] == dimension
                    and c["measure"] == measure
                )
                out.append('<div class="pair">')
                out.append(
                    f'<div id="{chart["id"]}" role="img" aria-label="{_e(chart["title"])}"></div>'
                )
                out.append(
                    _html_table(
                        chart["title"],
                        split_columns(scheme, measure),
                        (split_cells(row, measure) for row in scheme.splits[dimension]),
                        split_cells(scheme.total, measure),
                    )
                )
                out.append("</div>")
        out.append(
            _html_table(
                _("Persons who do not meet a condition (each counted on its own)"),
                [_("Condition"), _("Not met")]
                + ([_("Not met (reform)")] if total.reform is not None else []),
                (
                    [c.label, whole(c.baseline_not_met)]
                    + ([whole(c.reform_not_met)] if c.reform_not_met is not None else [])
                    for c in scheme.conditions
                ),
            )
        )
    out.append(f"<h2>{_e(_('Assumptions'))}</h2>")
    out.append(
        "<p>"
        + _e(
            _(
                "The population is synthetic (llo.people.population; sources in "
                "docs/demo-data.md). Every person has one planned training drawn from assumed "
                "distributions (docs/what-if.md). Expected figures multiply by the take-up "
                "rates of %(file)s."
            )
            % {"file": result.take_up_source}
        )
        + "</p>"
    )
    out.append(f"<pre>{_e(json.dumps(data['planned_training'], indent=2))}</pre>")
    payload = json.dumps([{"id": c["id"], "spec": c["spec"]} for c in found])
    out.append(
        '<script type="application/json" id="llo-charts">'
        + payload.replace("<", "\\u003c")
        + "</script>"
    )
    scripts = _vendored_scripts()
    if scripts and EMBED_SCRIPT.is_file():
        out.append(scripts)
        out.append(f"<script>{EMBED_SCRIPT.read_text(encoding='utf-8')}</script>")
    out.append("</body></html>")
    return "\n".join(out)


def write_html(result: SimulationResult, path: Path) -> None:
    path.write_text(to_html(result), encoding="utf-8")


def console_for(stream: IO[str]) -> Console:
    return Console(file=stream, width=160, soft_wrap=False, highlight=False)
