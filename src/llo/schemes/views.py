# SPDX-License-Identifier: EUPL-1.2
"""Pages for policy staff (role beleid): every scheme with its parameters, their full history
and legal references, and the what-if form.

The what-if runs synchronously in the request (one million persons take a few seconds), one
run per process at a time so that memory stays bounded. Every page works without JavaScript:
the charts are drawn by a static script from a JSON block, and a table beside every chart
holds the same numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import dateformat, formats
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from openfisca_core.parameters import Parameter, ParameterNode

from llo.core.identifiers import Level
from llo.core.money import Money
from llo.core.roles import Role
from llo.schemes.errors import OutsideValidityError, RulesError
from llo.schemes.system import Scheme, build_system
from llo.schemes.validation import PARAMETER_STATUSES

#: The what-if on the page: at most this many persons (the CLI does more).
MAX_WEB_PERSONS = 1_000_000
DEFAULT_WEB_PERSONS = 1_000_000
#: Reform files bigger than this are not a list of parameter changes.
MAX_REFORM_BYTES = 64 * 1024
#: One what-if per process at a time; a second request waits this long for its turn.
_RUN_SLOT = threading.BoundedSemaphore(1)
RUN_WAIT_SECONDS = 60
COMMON = "common"


def examples_dir() -> Path:
    """The example reforms (docs/reforms in the project folder)."""
    project = Path(getattr(settings, "PROJECT_DIR", Path(__file__).resolve().parents[3]))
    return project / "docs" / "reforms"


def example_reforms() -> dict[str, tuple[str, Path]]:
    """Example reform files by name (the file stem): (title from the file, path)."""
    from llo.schemes.simulation.reform import ReformFileError, load_reform

    found: dict[str, tuple[str, Path]] = {}
    folder = examples_dir()
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.yaml")):
        try:
            spec = load_reform(path, display=f"docs/reforms/{path.name}")
        except ReformFileError:
            continue  # a broken example is not offered (the tests check every example)
        found[path.stem] = (spec.name, path)
    return found


def beleid_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only policy staff; others get 403, visitors who are not logged in go to the login."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "role", None) != Role.BELEID:
            raise PermissionDenied(_("Only policy staff can see this page."))
        return view(request, *args, **kwargs)

    return wrapper


# --- Schemes and parameters --------------------------------------------------------------------


#: The unit of a parameter (``metadata.unit`` in its YAML) in words.
UNIT_LABELS: dict[str, Promise] = {
    "boolean": gettext_lazy("yes or no"),
    "cents": gettext_lazy("euro, written in cents"),
    "choice": gettext_lazy("a choice"),
    "employees": gettext_lazy("employees"),
    "grants": gettext_lazy("grants"),
    "intervals": gettext_lazy("periods (first day/last day)"),
    "isco08": gettext_lazy("occupation groups (ISCO-08)"),
    "level": gettext_lazy("level (NLQF)"),
    "months": gettext_lazy("months"),
    "purposes": gettext_lazy("goals of a training"),
    "weeks": gettext_lazy("weeks"),
    "years": gettext_lazy("years"),
}
_BRACES = re.compile(r"\{([A-Za-z0-9_.]+)\}")


def _with_code(sentence: str) -> SafeString:
    """A rule sentence with its parameters in braces shown as code (policy staff copy them
    into a reform); the rest escaped."""
    parts = _BRACES.split(sentence)
    return mark_safe(  # noqa: S308 - every part is escaped
        "".join(
            format_html('<code class="utrecht-code">{{{}}}</code>', part) if i % 2 else escape(part)
            for i, part in enumerate(parts)
        )
    )


def _as_code(text: str | None) -> SafeString | str:
    return format_html('<code class="utrecht-code">{}</code>', text) if text else ""


def _value_text(value: Any, unit: str, path: str) -> str:
    """A parameter value as policy staff read it: euros for cents, level names, lists."""
    if value is None:
        return _("(no value: the rule does not apply)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if (unit == "cents" or path.endswith("_cents")) and isinstance(value, int):
        return Money(value).format()
    if unit == "level" and isinstance(value, str):
        try:
            return str(Level(value).label)  # the code itself is shown beside it, as code
        except ValueError:
            return value
    if unit == "intervals" and isinstance(value, list):
        # "2022-03-01/2022-04-30" (first and last day, both included) in words.
        spans = []
        for span in value:
            first, _sep, last = str(span).partition("/")
            spans.append(
                f"{_long_date(first)} \u2013 {_long_date(last)}" if last else _long_date(first)
            )
        return "; ".join(spans)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _long_date(text: str) -> str:
    """An ISO date of a parameter file as the pages write dates ("1 maart 2022")."""
    try:
        return dateformat.format(dt.date.fromisoformat(text.strip()), "j F Y")
    except ValueError:
        return text


def _parameters(node: ParameterNode, prefix: str) -> list[dict[str, Any]]:
    """Every parameter under ``node`` with its whole history, newest value first."""
    rows: list[dict[str, Any]] = []
    for name, child in node.children.items():
        path = f"{prefix}.{name}"
        if isinstance(child, ParameterNode):
            rows.extend(_parameters(child, path))
            continue
        if not isinstance(child, Parameter):
            continue
        unit = str(child.metadata.get("unit", ""))
        history = []
        later: str | None = None
        for at in child.values_list:  # OpenFisca keeps them newest first
            meta = at.metadata or {}
            until = None
            if later is not None:
                until = dt.date.fromisoformat(later) - dt.timedelta(days=1)
            history.append(
                {
                    "start": dt.date.fromisoformat(at.instant_str),
                    "until": until,
                    "value": _value_text(at.value, unit, path),
                    "raw": at.value,
                    "code": at.value if unit in ("level", "choice") else "",
                    "status": str(PARAMETER_STATUSES.get(meta.get("status", ""), "")),
                    "note": str(meta.get("note", "")).strip(),
                    "references": [
                        {"title": str(r.get("title", "")), "href": str(r.get("href", ""))}
                        for r in meta.get("reference") or []
                        if isinstance(r, dict)
                    ],
                }
            )
            later = at.instant_str
        rows.append(
            {
                "path": path,
                "anchor": path.replace(".", "-").replace("_", "-"),
                "description": str(child.description or "").strip(),
                "unit": unit,
                "unit_label": str(UNIT_LABELS.get(unit, unit)),
                "history": history,
            }
        )
    return sorted(rows, key=lambda row: row["path"])


def _scheme_rows() -> list[dict[str, Any]]:
    system = build_system()
    rows = []
    for scheme in system.schemes.values():
        node = system.parameters.children.get(scheme.key)
        count = len(_parameters(node, scheme.key)) if isinstance(node, ParameterNode) else 0
        rows.append({"scheme": scheme, "parameter_count": count})
    return rows


@beleid_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    system = build_system()
    common = system.parameters.children.get(COMMON)
    return render(
        request,
        "schemes/scheme_list.html",
        {
            "rows": _scheme_rows(),
            "common_count": len(_parameters(common, COMMON))
            if isinstance(common, ParameterNode)
            else 0,
        },
    )


@beleid_required
def scheme_detail(request: HttpRequest, key: str) -> HttpResponse:
    system = build_system()
    scheme: Scheme | None = system.schemes.get(key)
    if scheme is None and key != COMMON:
        raise Http404
    node = system.parameters.children.get(key)
    parameters = _parameters(node, key) if isinstance(node, ParameterNode) else []
    from llo.schemes import engine

    return render(
        request,
        "schemes/scheme_detail.html",
        {
            "key": key,
            "scheme": scheme,
            "rule_version": engine.rule_version(system, key) if scheme else "",
            "parameters": parameters,
            "conditions": [
                {
                    "variable": c.variable,
                    "passed": _with_code(c.passed),
                    "failed": _with_code(c.failed),
                }
                for c in (scheme.conditions if scheme else ())
            ],
        },
    )


# --- What-if -------------------------------------------------------------------------------


class WhatIfForm(forms.Form):
    """The what-if: a reform (an example, an uploaded file or pasted YAML), N and a date."""

    example = forms.ChoiceField(
        label=gettext_lazy("Example reform"),
        required=False,
        help_text=gettext_lazy("A reform from docs/reforms. Or upload or paste your own below."),
    )
    reform_file = forms.FileField(
        label=gettext_lazy("Reform file (YAML)"),
        required=False,
        help_text=gettext_lazy("Parameter changes with dates; see docs/what-if.md."),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,application/yaml,text/yaml"}),
    )
    reform_text = forms.CharField(
        label=gettext_lazy("Or paste the reform (YAML)"),
        required=False,
        max_length=MAX_REFORM_BYTES,
        widget=forms.Textarea(attrs={"rows": 8, "class": "llo-code", "spellcheck": "false"}),
    )
    population = forms.IntegerField(
        label=gettext_lazy("Number of persons"),
        min_value=1_000,
        max_value=MAX_WEB_PERSONS,
        initial=DEFAULT_WEB_PERSONS,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=gettext_lazy("1,000 to 1,000,000. One million takes a few seconds."),
    )
    date = forms.DateField(
        label=gettext_lazy("Application date"),
        initial="2027-03-01",  # as a date field's value holds it (the browser shows it in Dutch)
        help_text=gettext_lazy("The day on which the rules judge the applications."),
        input_formats=["%Y-%m-%d"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.examples = example_reforms()
        field = self.fields["example"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("No reform: only the baseline"))] + [
            (stem, title) for stem, (title, _path) in self.examples.items()
        ]
        self.reform: Any = None
        self.reform_field = ""

    def clean(self) -> dict[str, Any]:
        from llo.schemes.simulation.reform import ReformFileError, load_reform, parse_reform

        data = super().clean() or {}
        given = [
            name
            for name in ("reform_text", "reform_file", "example")
            if data.get(name) not in (None, "")
        ]
        if len(given) > 1:
            self.add_error(
                given[0], _("Choose one reform: an example, a file or pasted text, not more.")
            )
            return data
        if not given:
            return data
        name = given[0]
        try:
            if name == "reform_text":
                self.reform = parse_reform(data["reform_text"], source=_("pasted text"))
            elif name == "reform_file":
                upload = data["reform_file"]
                if upload.size > MAX_REFORM_BYTES:
                    self.add_error(name, _("A reform file is at most 64 KB."))
                    return data
                try:
                    content = upload.read().decode("utf-8")
                except UnicodeDecodeError:
                    self.add_error(name, _("The file is not UTF-8 text."))
                    return data
                self.reform = parse_reform(content, source=Path(upload.name).name)
            else:
                _title, path = self.examples[data["example"]]
                self.reform = load_reform(path, display=f"docs/reforms/{path.name}")
        except ReformFileError as exc:
            for problem in exc.problems:
                self.add_error(name, str(problem))
        self.reform_field = name
        return data


def _number(value: int) -> str:
    return formats.number_format(value, decimal_pos=0, force_grouping=True)


def _euros(cents: int, *, sign: bool = False) -> str:
    value = (abs(cents) + 50) // 100
    prefix = "-" if cents < 0 and value else ("+" if sign and value else "")
    return f"{prefix}€ {_number(value)}"


def _signed(value: int) -> str:
    return ("+" if value > 0 else "") + _number(value)


def _share(part: int, total: int) -> str:
    if not total:
        return "-"
    return formats.number_format(part * 100 / total, decimal_pos=1) + " %"


def _label(value: str | Promise) -> str:
    return str(value)


def _effect_rows(effects: Any) -> list[dict[str, Any]]:
    """The reform's changes as policy staff read them: the parameter's Dutch description
    beside its path, and its values in euros, level names or dates (as on the scheme pages),
    not as the YAML holds them."""
    from llo.schemes import engine

    system = build_system()
    rows = []
    for e in effects:
        parameter = engine.find_parameter(system, e.parameter)
        unit = str(parameter.metadata.get("unit", ""))
        rows.append(
            {
                "parameter": e.parameter,
                "description": str(parameter.description or "").strip(),
                "start": e.start,
                "baseline": _value_text(e.baseline_on_date, unit, e.parameter),
                "reform": _value_text(e.reform_on_date, unit, e.parameter),
            }
        )
    return rows


def _results_context(result: Any) -> dict[str, Any]:
    """The result as rows of display strings, per scheme and dimension, and the charts."""
    from llo.schemes.simulation import report
    from llo.schemes.simulation.run import DIMENSION_LABELS, DIMENSIONS

    schemes = []
    for scheme in result.schemes:
        total = scheme.total
        with_reform = total.reform is not None

        def cells(row: Any, measure: str) -> list[str]:
            line = [_number(row.persons)]
            if measure == "eligible":
                line += [_number(row.baseline.eligible), _share(row.baseline.eligible, row.persons)]
                if row.reform is not None:
                    line += [
                        _number(row.reform.eligible),
                        _share(row.reform.eligible, row.persons),
                        _signed(row.difference.eligible),
                    ]
                return line
            line.append(_euros(row.baseline.expected_cost_cents))
            if row.reform is not None:
                line += [
                    _euros(row.reform.expected_cost_cents),
                    _euros(row.difference.expected_cost_cents, sign=True),
                ]
            return line

        columns = {
            "eligible": [_("Persons"), _("Eligible"), _("Reach")]
            + (
                [_("Eligible (reform)"), _("Reach (reform)"), _("Difference")]
                if with_reform
                else []
            ),
            "expected_cost": [_("Persons"), _("Expected cost")]
            + ([_("Expected cost (reform)"), _("Difference")] if with_reform else []),
        }

        summary: list[tuple[str, int, Callable[[int], str], Callable[[int], str]]] = [
            (_("Eligible persons"), total.baseline.eligible, _number, _signed),
            (
                _("Amount if every eligible person applies"),
                total.baseline.amount_cents,
                _euros,
                lambda c: _euros(c, sign=True),
            ),
            (_("Expected applicants"), total.baseline.expected_applicants, _number, _signed),
            (
                _("Expected cost"),
                total.baseline.expected_cost_cents,
                _euros,
                lambda c: _euros(c, sign=True),
            ),
        ]
        attributes = ("eligible", "amount_cents", "expected_applicants", "expected_cost_cents")
        totals = []
        for (label, base, fmt, dfmt), attribute in zip(summary, attributes, strict=True):
            line = {"label": label, "baseline": fmt(base)}
            if with_reform:
                line["reform"] = fmt(getattr(total.reform, attribute))
                line["difference"] = dfmt(getattr(total.difference, attribute))
            totals.append(line)
        splits = []
        for dimension in DIMENSIONS:
            label = _label(DIMENSION_LABELS[dimension])
            pairs = []
            for measure, title in report.MEASURES.items():
                pairs.append(
                    {
                        "id": report.chart_id(scheme.key, dimension, measure),
                        "title": f"{_label(title)}: {label}",
                        "columns": columns[measure],
                        "rows": [
                            {"label": _label(row.label), "cells": cells(row, measure)}
                            for row in scheme.splits[dimension]
                        ],
                        "total": {"label": _label(total.label), "cells": cells(total, measure)},
                    }
                )
            splits.append({"dimension": dimension, "label": label, "pairs": pairs})
        schemes.append(
            {
                "key": scheme.key,
                "title": scheme.title,
                # Versions are identifiers, shown as code.
                "rule_version": _as_code(scheme.rule_version),
                "reform_rule_version": _as_code(scheme.reform_rule_version),
                "with_reform": with_reform,
                "persons": _number(total.persons),
                "totals": totals,
                "splits": splits,
                "conditions": [
                    {
                        # The variables' English labels are gettext msgids (gettext_noop).
                        "label": _(c.label),
                        "baseline": _number(c.baseline_not_met),
                        "reform": _number(c.reform_not_met) if c.reform_not_met is not None else "",
                        "difference": (
                            _signed(c.reform_not_met - c.baseline_not_met)
                            if c.reform_not_met is not None
                            else ""
                        ),
                    }
                    for c in scheme.conditions
                ],
                "take_up": scheme.take_up,
            }
        )
    return {
        "schemes": schemes,
        "charts": [{"id": c["id"], "spec": c["spec"]} for c in report.charts(result)],
    }


@beleid_required
@require_http_methods(["GET", "POST"])
def what_if(request: HttpRequest) -> HttpResponse:
    from llo.schemes.simulation import run

    form = WhatIfForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "max_persons": MAX_WEB_PERSONS}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if not _RUN_SLOT.acquire(timeout=RUN_WAIT_SECONDS):
                form.add_error(None, _("Another what-if is running. Try again in a minute."))
            else:
                started = time.perf_counter()
                try:
                    result = run.simulate(data["population"], data["date"], reform=form.reform)
                except RulesError as exc:
                    # A date outside every scheme belongs to the date; anything else the run
                    # finds about the reform (its values on that date) to the reform's field.
                    if isinstance(exc, OutsideValidityError) or not form.reform_field:
                        field = "date" if isinstance(exc, OutsideValidityError) else None
                    else:
                        field = form.reform_field
                    form.add_error(field, str(exc))
                else:
                    context.update(
                        result=result,
                        effects=_effect_rows(result.effects),
                        seconds=formats.number_format(time.perf_counter() - started, decimal_pos=1),
                        persons=_number(result.persons),
                        **_results_context(result),
                    )
                finally:
                    _RUN_SLOT.release()
        if form.errors:
            status = 400
    return render(request, "schemes/what_if.html", context, status=status)
