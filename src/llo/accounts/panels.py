# SPDX-License-Identifier: EUPL-1.2
"""Panels that apps above accounts add to a funder's budget page, without accounts importing
them (the layers of DESIGN.md section 2: accounts sits below enrolment).

An app registers a function in its ``AppConfig.ready``; the budget page asks every function
for a panel (a template name and its context) and shows the ones it gets. The enrolment app
adds the budget's application windows this way, with a button to open one (issue 15:
"a funder opens a window from its budget page").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from llo.accounts.models import Budget


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


PanelSource = Callable[[HttpRequest, Budget], Panel | None]

_SOURCES: list[PanelSource] = []


def register(source: PanelSource) -> PanelSource:
    """Add a panel source (once); returns it, so it can decorate the function."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def panels_for(request: HttpRequest, budget: Budget) -> list[Panel]:
    return [panel for source in _SOURCES if (panel := source(request, budget)) is not None]
