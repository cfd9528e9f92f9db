# SPDX-License-Identifier: EUPL-1.2
"""The review workflow's transition table (pure)."""

from __future__ import annotations

import pytest

from llo.register import transitions as t
from llo.register.models import OfferState as S

#: The whole table as the issue describes it: (state, action, who) -> new state.
EXPECTED = {
    (S.DRAFT, "submit", t.PROVIDER): S.SUBMITTED,
    (S.DRAFT, "submit", t.SYSTEM): S.SUBMITTED,
    (S.SUBMITTED, "retract", t.PROVIDER): S.DRAFT,
    (S.SUBMITTED, "approve", t.STAFF): S.APPROVED,
    (S.SUBMITTED, "approve", t.SYSTEM): S.APPROVED,
    (S.SUBMITTED, "reject", t.STAFF): S.DRAFT,
    (S.APPROVED, "edit", t.PROVIDER): S.DRAFT,
    (S.APPROVED, "edit", t.SYSTEM): S.DRAFT,
    (S.APPROVED, "publish", t.PROVIDER): S.PUBLISHED,
    (S.APPROVED, "publish", t.SYSTEM): S.PUBLISHED,
    (S.APPROVED, "withdraw", t.PROVIDER): S.WITHDRAWN,
    (S.PUBLISHED, "resubmit", t.SYSTEM): S.SUBMITTED,
    (S.PUBLISHED, "withdraw", t.PROVIDER): S.WITHDRAWN,
    (S.WITHDRAWN, "reopen", t.PROVIDER): S.DRAFT,
    (S.SUBMITTED, "remove", t.STAFF): S.REMOVED,
    (S.APPROVED, "remove", t.STAFF): S.REMOVED,
    (S.PUBLISHED, "remove", t.STAFF): S.REMOVED,
    (S.WITHDRAWN, "remove", t.STAFF): S.REMOVED,
}
ACTORS = (t.PROVIDER, t.STAFF, t.SYSTEM)


def test_every_combination_is_either_in_the_table_or_refused() -> None:
    for state in S:
        for action in t.ACTIONS:
            for who in ACTORS:
                key = (state, action, who)
                reason = "een reden"
                if key in EXPECTED:
                    assert t.apply(state, action, who, reason) == EXPECTED[key], key
                else:
                    with pytest.raises(t.TransitionError):
                        t.apply(state, action, who, reason)


def test_a_removed_offer_is_final() -> None:
    assert all(t.allowed_actions(S.REMOVED, who) == [] for who in ACTORS)
    assert S.REMOVED in t.FINAL


def test_a_person_decides_with_a_reason() -> None:
    with pytest.raises(t.TransitionError) as exc:
        t.apply(S.PUBLISHED, "remove", t.STAFF, "  ")
    assert exc.value.code == "reason-required"
    with pytest.raises(t.TransitionError):
        t.apply(S.SUBMITTED, "reject", t.STAFF)
    # Staff approve with a reason too (issue 15 item 7); the system's clean approval needs none.
    with pytest.raises(t.TransitionError) as exc:
        t.apply(S.SUBMITTED, "approve", t.STAFF)
    assert exc.value.code == "reason-required"
    assert t.apply(S.SUBMITTED, "approve", t.STAFF, "Prijs en inhoud kloppen.") == S.APPROVED
    assert t.apply(S.SUBMITTED, "approve", t.SYSTEM) == S.APPROVED


def test_why_a_step_is_refused() -> None:
    with pytest.raises(t.TransitionError) as exc:
        t.apply(S.DRAFT, "fly", t.PROVIDER)
    assert exc.value.code == "unknown-action"
    with pytest.raises(t.TransitionError) as exc:
        t.apply(S.DRAFT, "publish", t.PROVIDER)
    assert exc.value.code == "transition-not-allowed"
    with pytest.raises(t.TransitionError) as exc:
        t.apply(S.SUBMITTED, "approve", t.PROVIDER)
    assert exc.value.code == "actor-not-allowed"


def test_a_provider_never_approves_its_own_offer() -> None:
    assert all("approve" not in t.allowed_actions(state, t.PROVIDER) for state in S)


def test_only_published_offers_are_public_and_editable_states() -> None:
    assert {S.PUBLISHED} == t.PUBLIC
    assert {S.DRAFT, S.APPROVED, S.PUBLISHED} == t.EDITABLE
    assert t.allowed_actions(S.DRAFT, t.PROVIDER) == ["submit"]
