# SPDX-License-Identifier: EUPL-1.2
"""Small template helpers of the register pages."""

from __future__ import annotations

from typing import Any

from django import template

from llo.core.money import Money

register = template.Library()


@register.filter
def euros(cents: Any) -> str:
    """Integer cents as Dutch euros: ``€ 1.234,50``."""
    if cents is None or cents == "":
        return ""
    return Money(int(cents)).format()


@register.filter
def thousands(value: Any) -> str:
    """A whole number with Dutch thousands separators: ``12.300``."""
    try:
        return f"{int(value):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(value)


@register.filter
def mode_label(value: str) -> str:
    """The label of an OOAPI modeOfDelivery value."""
    from llo.register.models import ModeOfDelivery

    try:
        return str(ModeOfDelivery(value).label)
    except ValueError:
        return value
