# SPDX-License-Identifier: EUPL-1.2
"""The review workflow of an offer as an explicit transition table (pure, no database).

    draft --submit--> submitted --approve--> approved --publish--> published
      ^                 |  |                    |                    |  |
      |--- retract -----|  |-- reject --> draft |-- edit --> draft   |  |-- withdraw --> withdrawn
      |                                                              |-- resubmit --> submitted
      |--------------------------- reopen ---------------- withdrawn
    submitted / approved / published / withdrawn --remove--> removed (final, public reason)

Who may take a step is part of the table: the provider (``opleider``), register staff
(``beheer``) or the system (the automatic admission checks and the import). JOURNEYS.md:
"Register staff — review new offers and remove ones that break the rules, with a public
reason." A removal and a rejection need a reason; a removal reason is shown to everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from llo.register.models import OfferState

PROVIDER = "opleider"
STAFF = "beheer"
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    action: str
    source: OfferState
    target: OfferState
    actors: frozenset[str]
    needs_reason: bool = False


def _t(
    action: str, source: OfferState, target: OfferState, *actors: str, reason: bool = False
) -> Transition:
    return Transition(action, source, target, frozenset(actors), reason)


S = OfferState
TABLE: tuple[Transition, ...] = (
    _t("submit", S.DRAFT, S.SUBMITTED, PROVIDER, SYSTEM),
    _t("retract", S.SUBMITTED, S.DRAFT, PROVIDER),
    # Staff decide with a reason (issue 15 item 7); the system approves a clean offer silently.
    _t("approve", S.SUBMITTED, S.APPROVED, STAFF, SYSTEM, reason=True),
    _t("reject", S.SUBMITTED, S.DRAFT, STAFF, reason=True),
    _t("edit", S.APPROVED, S.DRAFT, PROVIDER, SYSTEM),
    _t("publish", S.APPROVED, S.PUBLISHED, PROVIDER, SYSTEM),
    # A published offer whose change raises a flag goes back to review (system only).
    _t("resubmit", S.PUBLISHED, S.SUBMITTED, SYSTEM),
    _t("withdraw", S.PUBLISHED, S.WITHDRAWN, PROVIDER),
    _t("withdraw", S.APPROVED, S.WITHDRAWN, PROVIDER),
    _t("reopen", S.WITHDRAWN, S.DRAFT, PROVIDER),
    _t("remove", S.SUBMITTED, S.REMOVED, STAFF, reason=True),
    _t("remove", S.APPROVED, S.REMOVED, STAFF, reason=True),
    _t("remove", S.PUBLISHED, S.REMOVED, STAFF, reason=True),
    _t("remove", S.WITHDRAWN, S.REMOVED, STAFF, reason=True),
)

_BY_KEY = {(t.source, t.action): t for t in TABLE}
ACTIONS = tuple(dict.fromkeys(t.action for t in TABLE))
#: States in which a provider may change the content of an offer.
EDITABLE = frozenset({S.DRAFT, S.APPROVED, S.PUBLISHED})
#: States that are shown in the public search.
PUBLIC = frozenset({S.PUBLISHED})
FINAL = frozenset({S.REMOVED})


class TransitionError(ValueError):
    """A step that the table does not allow; ``code`` says why, for problem+json."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def find(source: str, action: str) -> Transition | None:
    return _BY_KEY.get((OfferState(source), action))


def allowed_actions(source: str, actor: str) -> list[str]:
    """The actions ``actor`` may take from ``source``, in table order."""
    state = OfferState(source)
    return [t.action for t in TABLE if t.source == state and actor in t.actors]


def apply(source: str, action: str, actor: str, reason: str = "") -> OfferState:
    """The state after ``action``, or TransitionError. Pure: the caller stores the result."""
    transition = find(source, action) if action in ACTIONS else None
    if transition is not None and actor in transition.actors:
        if transition.needs_reason and actor != SYSTEM and not reason.strip():
            raise TransitionError("reason-required", _("Give a reason for this step."))
        return transition.target
    names = {"action": action, "state": str(OfferState(source).label).lower()}
    if action not in ACTIONS:
        raise TransitionError(
            "unknown-action", _("'%(action)s' is not a step in the review workflow.") % names
        )
    if transition is None:
        raise TransitionError(
            "transition-not-allowed",
            _("This is not possible now: the offer is '%(state)s'.") % names,
        )
    raise TransitionError("actor-not-allowed", _("You may not take the step '%(action)s'.") % names)
