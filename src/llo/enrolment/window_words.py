# SPDX-License-Identifier: EUPL-1.2
"""The words for a window's codes, once: its allocation policies and its priority groups, as a
funder chooses them and as a person reads them (B1 msgids; the Dutch is in the catalogue).

The codes are those of :mod:`llo.enrolment.allocation` (``Policy``) and
:mod:`llo.enrolment.groups` (``GROUPS``); a test checks that every code has its words.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

#: What a funder chooses (seed 004 and the STAP evaluation: a race is not fair).
POLICY_LABELS: dict[str, Any] = {
    "fcfs": _("First come, first served"),
    "lottery": _("Lottery after closing"),
    "priority": _("Priority for target groups"),
}

#: What a person reads about the order of a window.
POLICY_EXPLAINED: dict[str, Any] = {
    "fcfs": _(
        "Who applies first, gets the money first. We decide in the order the applications come in."
    ),
    "lottery": _(
        "It does not matter when you apply, as long as it is before the round closes. After "
        "closing, a lottery decides the order."
    ),
    "priority": _(
        "Some groups go first. Within a group, the order is decided as the round says. "
        "After closing, we decide."
    ),
}

#: Inside a priority group.
THEN_LABELS: dict[str, Any] = {
    "fcfs": _("in the order of applying"),
    "lottery": _("by lottery"),
}

GROUP_LABELS: dict[str, Any] = {
    "no_startkwalificatie": _("People without a startkwalificatie (no diploma at mbo 2 or higher)"),
    "low_educated": _("People with little education (up to mbo 2)"),
    "up_to_mbo4": _("People with an education up to mbo 4"),
    "job_seeker": _("Job seekers"),
    "flex": _("Flex workers"),
}


def policy_label(code: str) -> str:
    return str(POLICY_LABELS.get(code, code))


def group_label(code: str) -> str:
    return str(GROUP_LABELS.get(code, code))


#: A window's outcome of one application (``allocation.Outcome``), as a funder reads it.
OUTCOME_LABELS: dict[str, Any] = {
    "": _("Not decided yet"),
    "granted": _("Granted"),
    "waiting": _("On the waiting list"),
    "refused_budget": _("Refused: the money is used up"),
    "refused_cap": _("Refused: the training reached its most grants"),
    "refused_duplicate": _("Refused: already got this budget this year"),
    "lapsed": _("Lapsed: no money came free"),
    "cancelled": _("Cancelled"),
}

#: Why an entry has its outcome, as the person reads it. A decided entry keeps its outcome
#: itself (decision 013): only a grant is an application, with its own status.
OUTCOME_REASONS: dict[str, Any] = {
    "waiting": _("The window budget is used up. You are on the waiting list."),
    "refused_budget": _("The window budget is used up."),
    "refused_cap": _("This training reached the most grants for this year."),
    "refused_duplicate": _("You already got this budget this year. You can get it once a year."),
    "lapsed": _("The period of this window has ended. No money came free for you."),
}


def outcome_label(code: str) -> str:
    return str(OUTCOME_LABELS.get(code, code))


def outcome_reason(code: str) -> str:
    return str(OUTCOME_REASONS.get(code, ""))


#: How far a window is (``selectors.WindowState``).
STATE_LABELS: dict[str, Any] = {
    "coming": _("Not open yet"),
    "open": _("Open"),
    "closed": _("Closed, not decided yet"),
    "decided": _("Closed and decided"),
}
