# SPDX-License-Identifier: EUPL-1.2
"""The advice app's use cases (docs/decisions/007): consent, and the development plan."""

from llo.advice.services.consent import give, revoke
from llo.advice.services.plans import add_step, remove_step, set_goal

__all__ = ["add_step", "give", "remove_step", "revoke", "set_goal"]
