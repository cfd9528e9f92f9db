# SPDX-License-Identifier: EUPL-1.2
"""``{{ cents|euro }}``: whole cents shown the Dutch way (€ 1.234,56)."""

from __future__ import annotations

from django import template

from llo.core.money import Money

register = template.Library()


@register.filter
def euro(cents: int | None) -> str:
    if cents is None or cents == "":
        return ""
    return Money(int(cents)).format()
