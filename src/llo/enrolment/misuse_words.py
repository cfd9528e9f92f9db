# SPDX-License-Identifier: EUPL-1.2
"""The misuse signals in words for register staff (B1 through gettext): the rule's name and
what was found, from the flag's evidence. The stored ``reason`` is the scan's English log
text; pages show these words instead (issue 15, finding 10: no English in the Dutch
interface)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from llo.core.money import Money

RULE_LABELS = {
    "training_cap": gettext_lazy("Many grants for one training"),
    "provider_cap": gettext_lazy("Many grants for one provider"),
    "price_rise": gettext_lazy("Price went up"),
    "spike": gettext_lazy("Sudden run on one training"),
    "no_pre_registration": gettext_lazy("No registration by the provider"),
    "gift": gettext_lazy("Gift or perk for participants"),
}


def rule_label(rule: str) -> str:
    return str(RULE_LABELS.get(rule, _("Other signal")))


def _euro(cents: Any) -> str:
    return Money(int(cents or 0)).format()


def describe(rule: str, evidence: dict[str, Any] | None) -> str:
    """What the rule found, in B1."""
    e = evidence or {}
    if rule == "training_cap":
        return _("%(n)s grants for this training in %(year)s. The limit is %(cap)s.") % {
            "n": e.get("grants"), "year": e.get("year"), "cap": e.get("cap")
        }  # fmt: skip
    if rule == "provider_cap":
        return _("%(n)s grants for this provider in %(year)s. The limit is %(cap)s.") % {
            "n": e.get("grants"), "year": e.get("year"), "cap": e.get("cap")
        }  # fmt: skip
    if rule == "price_rise":
        return _("The price went up %(pct)s %% within a year: from %(old)s to %(new)s.") % {
            "pct": e.get("pct"), "old": _euro(e.get("from_cents")), "new": _euro(e.get("to_cents"))
        }  # fmt: skip
    if rule == "spike":
        return _(
            "%(n)s applications for this training in one round; most trainings got %(median)s."
        ) % {"n": e.get("applications"), "median": e.get("median")}
    if rule == "no_pre_registration":
        return _("The provider did not register this person for this training first.")
    if rule == "gift":
        who = (
            _("The provider said it gives participants something extra")
            if e.get("declared")
            else _("Someone reported that the provider gives participants something extra")
        )
        text = e.get("text")
        return f"{who}: {text}." if text else f"{who}."
    return _("A rule found something to check.")
