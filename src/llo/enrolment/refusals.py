# SPDX-License-Identifier: EUPL-1.2
"""The one place where the rules engine's errors become what a person reads.

The engine's messages are English and written for developers and policy staff ("STAP-budget
('stap') applies to applications from 2022-03-01 to 2023-12-31; 2026-12-07 is outside that
period"). A person never sees them (issue 15, finding 2): a date outside the rules is a
refusal with a B1 reason, and any other error of the engine is a Dutch "we cannot decide
this now" with what to do. The engine's own text goes to the log, for staff.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from llo.core.problems import Problem
from llo.enrolment.window_rules import RulesChoice, validity_text
from llo.schemes.errors import (
    ConditionsError,
    InvalidInputError,
    MissingInputError,
    OutsideValidityError,
    RulesError,
    UnknownSchemeError,
)

log = logging.getLogger(__name__)

#: The condition name of the reason "the rules do not apply on this day" in a preview.
RULES_APPLY = "rules_apply"


def outside_rules(rules: RulesChoice, on: dt.date) -> dict[str, object]:
    """The reason of a refusal because the rules of a window do not decide on ``on``, as a
    preview stores its reasons."""
    text = " ".join(
        [
            _("The rules of this round (%(rules)s) apply %(when)s.")
            % {"rules": rules.title, "when": validity_text(rules)},
            _("On %(day)s they cannot decide about your application.")
            % {"day": date_format(on, "j F Y")},
            _("Choose another round, or pay in another way."),
        ]
    )
    return {"condition": RULES_APPLY, "passed": False, "text": text}


def problem_of(exc: RulesError, *, rules: RulesChoice | None = None) -> Problem:
    """A Problem with a B1 detail for an error of the rules engine; the engine's text is
    logged, never shown."""
    log.warning("rules engine refused a decision: %s (%s)", exc, type(exc).__name__)
    title = rules.title if rules is not None else _("the rules")
    if isinstance(exc, OutsideValidityError):
        detail = _("%(rules)s cannot decide on this day.") % {"rules": title}
        code = "outside-rules"
    elif isinstance(exc, UnknownSchemeError):
        detail = _("We do not know the rules of this round. The funder must choose other rules.")
        code = "unknown-rules"
    elif isinstance(exc, ConditionsError):
        detail = _(
            "The conditions of this budget are not filled in correctly. "
            "The funder must correct them first."
        )
        code = "conditions-invalid"
    elif isinstance(exc, MissingInputError | InvalidInputError):
        detail = _(
            "We do not know enough about you or about this training to decide. "
            "Ask the training provider or your adviser for help."
        )
        code = "facts-missing"
    else:
        detail = _("We cannot decide about this now. Try again later.")
        code = "cannot-decide"
    return Problem(
        422,
        " ".join([detail, _("Nothing was reserved.")]),
        code=code,
    )
