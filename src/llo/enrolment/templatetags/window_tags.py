# SPDX-License-Identifier: EUPL-1.2
"""Words for a window's codes in templates (``{{ window.policy|policy_label }}``), from the one
vocabulary in :mod:`llo.enrolment.window_words`: no raw code reaches a page."""

from __future__ import annotations

from typing import Any

from django import template

from llo.enrolment import window_words
from llo.enrolment.models import IntakeEntry

register = template.Library()


@register.filter
def policy_label(code: str) -> str:
    return window_words.policy_label(code)


@register.filter
def group_label(code: str) -> str:
    return window_words.group_label(code)


@register.filter
def state_label(code: str) -> str:
    return str(window_words.STATE_LABELS.get(code, code))


@register.filter
def outcome_label(code: str) -> str:
    return str(window_words.OUTCOME_LABELS.get(code, code))


@register.filter
def rule_label(code: str) -> str:
    from llo.enrolment import misuse_words

    return misuse_words.rule_label(code)


@register.filter
def flag_text(flag: Any) -> str:
    """A misuse flag's finding in B1 (its stored reason is the scan's English log text)."""
    from llo.enrolment import misuse_words

    return misuse_words.describe(flag.rule, flag.evidence)


@register.filter
def status_label(code: str) -> str:
    from llo.enrolment.views import STATUS_LABELS

    return str(STATUS_LABELS.get(code, code))


@register.filter
def entry_group(entry: IntakeEntry) -> str:
    """The priority group an application is in, in words ('' when it is in none)."""
    chosen = entry.window.priority_groups or []
    if entry.group_rank < len(chosen):
        return window_words.group_label(chosen[entry.group_rank])
    return ""
