# SPDX-License-Identifier: EUPL-1.2
"""The Dutch B1 sentences of reasons, with the parameter values of the day filled in.

A sentence in ``scheme.yaml`` may name parameters in braces: ``{stap.min_age_years}`` or, for
a funder, ``{funder.max_level}``. They are filled with the value that applies on the
application date, written the way people read it: cents as euros ("€ 1.000"), a level as its
name ("niveau 4 (mbo 4, havo)"), a code by its ``labels``/``enum`` metadata, lists as "a, b of
c". So a sentence stays true when a parameter changes from a date or in a reform.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Mapping
from typing import Any

from openfisca_core.parameters import Parameter, ParameterNode

from llo.core import vocabulary
from llo.core.money import Money
from llo.schemes.errors import UnknownParameterError

MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def dutch_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def euros(cents: int) -> str:
    """'€ 1.000' for whole euros, '€ 12,50' otherwise."""
    text = Money(int(cents)).format()
    return text[:-3] if text.endswith(",00") else text


def dutch_list(items: list[str]) -> str:
    if not items:
        return "geen"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " of " + items[-1]


def format_value(value: Any, metadata: Mapping[str, Any], name: str = "") -> str:
    """One parameter value as a Dutch reader expects it."""
    labels = metadata.get("labels") or {}
    enum = str(metadata.get("enum", ""))
    unit = metadata.get("unit", "")

    def one(item: Any) -> str:
        if isinstance(item, bool):
            return "ja" if item else "nee"
        if isinstance(item, str) and item in labels:
            return str(labels[item])
        if enum in vocabulary.VOCABULARIES and isinstance(item, str):
            return vocabulary.phrase(enum, item)
        if unit == "level" and isinstance(item, str):
            return vocabulary.phrase("NLQF", item)
        if unit == "date" and isinstance(item, str) and item:
            return dutch_date(dt.date.fromisoformat(item))
        if (unit == "cents" or name.endswith("_cents")) and isinstance(item, int):
            return euros(item)
        return str(item)

    if isinstance(value, list | tuple):
        return dutch_list([one(item) for item in value])
    return one(value)


class ParamView:
    """Attribute access to a parameter node as it stands on one date, formatted for text.

    A view and the views under it remember each text they gave: one decision's sentences
    name the same few parameters again and again (a list of offers x funders renders
    hundreds of thousands of sentences), and OpenFisca parses the date string anew on every
    read of a parameter (most of a funding plan's time before)."""

    def __init__(
        self, node: ParameterNode, instant: str, memo: dict[str, Any] | None = None
    ) -> None:
        self._node = node
        self._instant = instant
        self._memo: dict[str, Any] = {} if memo is None else memo

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):
            raise AttributeError(key)
        child = self._node.children.get(key)
        if child is None:
            raise UnknownParameterError(
                f"unknown parameter '{self._node.name}.{key}'", item=f"{self._node.name}.{key}"
            )
        if isinstance(child, ParameterNode):
            return ParamView(child, self._instant, self._memo)
        if isinstance(child, Parameter):
            # Keyed by the parameter's full name: unique in the tree these views share.
            text = self._memo.get(child.name)
            if text is None:
                text = format_value(child(self._instant), child.metadata, key)
                self._memo[child.name] = text
            return text
        raise UnknownParameterError(f"'{child.name}' cannot be used in a sentence", item=key)


def placeholders(template: str) -> list[str]:
    """The parameter paths a sentence names, e.g. ['stap.min_age_years']."""
    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


def render(template: str, context: Mapping[str, Any]) -> str:
    """Fill ``template``; an unknown name raises UnknownParameterError naming it."""
    try:
        return template.format_map(context)
    except KeyError as exc:
        name = str(exc.args[0])
        raise UnknownParameterError(f"unknown parameter '{name}'", item=name) from None
    except AttributeError as exc:
        raise UnknownParameterError(str(exc), item=str(exc)) from None


def context_for(parameters: ParameterNode, on: dt.date, **extra: Any) -> dict[str, Any]:
    """Names usable in sentences: every top-level parameter node, plus ``extra`` views."""
    instant = on.isoformat()
    memo: dict[str, Any] = {}
    names = {
        name: ParamView(child, instant, memo)
        for name, child in parameters.children.items()
        if isinstance(child, ParameterNode)
    }
    names.update(extra)
    return names
