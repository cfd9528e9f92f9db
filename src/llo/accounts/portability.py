# SPDX-License-Identifier: EUPL-1.2
"""What happens to a right when its holder changes employer, decided without a database
(seed 002, the portability of a private learning account: "Daarnaast bestaat de mogelijkheid
om bij het einde van het dienstverband de leerrekening mee te nemen naar een nieuwe
werkgever")."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from llo.accounts.models import Portability
from llo.schemes.errors import ConditionsError
from llo.schemes.funder_conditions import parse_conditions


class TransferOutcome(StrEnum):
    #: 1. The new employer is under the same CAO: the account continues there.
    SAME_CAO = "same_cao"
    #: 2. Another CAO, and both employers agreed to continue the account.
    BY_AGREEMENT = "by_agreement"
    #: 3. No new employer (or no agreement): the person keeps the money for training toward
    #:    a future occupation.
    FUTURE_OCCUPATION = "future_occupation"
    #: The right stays with the employer: its money goes back.
    RETURNED = "returned"
    #: The right was never tied to a job (public money): nothing changes.
    UNCHANGED = "unchanged"


def outcome_of(
    portability: str, cao: str, new_cao: str | None, employers_agree: bool
) -> TransferOutcome:
    """The case of seed 002 for a right tied to a job (``portability`` ``employer`` or
    ``none``) under ``cao``, when its holder moves to a job under ``new_cao`` (None: no new
    employer):

    1. same CAO → it continues with the new employer, who takes over the rights and duties;
    2. another CAO → it continues only if the old and new employer agree;
    3. no new employer → the person keeps it for training toward a future occupation. We
       apply the same to case 2 without agreement: the money was given to the person, and
       the letter keeps it usable for a future occupation rather than taking it back.

    A right that is not portable goes back to its funder."""
    if portability == Portability.NONE:
        return TransferOutcome.RETURNED
    if new_cao is not None and cao and new_cao == cao:
        return TransferOutcome.SAME_CAO
    if new_cao is not None and employers_agree:
        return TransferOutcome.BY_AGREEMENT
    return TransferOutcome.FUTURE_OCCUPATION


def for_a_future_occupation(conditions: dict[str, Any]) -> dict[str, Any]:
    """A right's conditions once its holder keeps it for a future occupation: for switching
    to other work only."""
    try:
        return parse_conditions(conditions).with_purposes("switch").to_dict()
    except ConditionsError:  # pragma: no cover - stored conditions were validated
        return {**conditions, "purposes": ["switch"]}
