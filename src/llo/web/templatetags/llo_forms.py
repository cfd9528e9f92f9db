# SPDX-License-Identifier: EUPL-1.2
"""Filters of the one form-field partial (``web/_field.html``), used by every app's forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def is_selected(value: Any, current: Any) -> bool:
    """Whether a choice is among the field's current value(s)."""
    if current is None:
        return False
    if isinstance(current, list | tuple | set):
        return str(value) in {str(c) for c in current}
    return str(value) == str(current)


@register.filter
def input_value(field: BoundField) -> str:
    """The field's value as an ``<input>`` holds it: a date as 2027-01-31 and a time as 09:30
    (what ``type="date"`` and ``type="time"`` read, whatever the language), anything else as
    the form gives it (the register's forms give Dutch numbers: '80,5')."""
    value = field.value()
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


@register.filter
def aria(field: BoundField) -> str:
    """The ARIA attributes of a field's control: ``aria-describedby`` naming its error and its
    help text (when it has them) and ``aria-invalid`` when it has errors."""
    ids = [
        f"{field.auto_id}-error" if field.errors else "",
        f"{field.auto_id}-help" if field.help_text else "",
    ]
    described = " ".join(i for i in ids if i)
    return format_html(
        "{}{}",
        format_html(' aria-describedby="{}"', described) if described else "",
        mark_safe(' aria-invalid="true"') if field.errors else "",
    )
