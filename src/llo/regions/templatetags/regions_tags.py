# SPDX-License-Identifier: EUPL-1.2
"""Small template helpers of the region pages: Dutch numbers, and words for codes (pages show
labels, never bare codes)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from llo.core.identifiers import LEVEL_LABELS, Level
from llo.core.money import Money
from llo.regions.models import CloseReason, DemandStatus, ShortageKind, Urgency

register = template.Library()


@register.filter
def number(value: Any) -> str:
    """A whole number with Dutch thousands separators: ``12.300``."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return "" if value is None else str(value)


@register.filter
def euros(cents: Any) -> str:
    if cents is None or cents == "":
        return ""
    return Money(int(cents)).format()


@register.filter
def trend_label(trend: str) -> str:
    return {
        "up": _("growing"),
        "down": _("shrinking"),
        "same": _("the same"),
        "new": _("new"),
    }.get(trend, "")


@register.filter
def shortage_label(kind: str) -> str:
    try:
        return str(ShortageKind(kind).label)
    except ValueError:
        return ""


@register.filter
def urgency_label(value: str) -> str:
    try:
        return str(Urgency(value).label)
    except ValueError:
        return ""


@register.filter
def status_label(value: str) -> str:
    try:
        return str(DemandStatus(value).label)
    except ValueError:
        return ""


@register.filter
def close_reason_label(value: str) -> str:
    try:
        return str(CloseReason(value).label)
    except ValueError:
        return ""


@register.filter
def level_label(value: str) -> str:
    try:
        return str(LEVEL_LABELS[Level(value)])
    except ValueError:
        return _("Any level") if not value else ""


@register.filter
def provider_kind_label(value: str) -> str:
    return {"public": _("Public"), "private": _("Private")}.get(value, "")
