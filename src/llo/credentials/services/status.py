# SPDX-License-Identifier: EUPL-1.2
"""Revoke, suspend and reinstate: a bit in llo's Bitstring Status Lists (W3C)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from llo.core import audit
from llo.core.problems import Problem
from llo.core.timeutil import now
from llo.credentials import statuslist, store
from llo.credentials.models import Credential, CredentialState, StatusList
from llo.people.models import Organisation

#: Entries per list: the spec's minimum (herd privacy).
LIST_SIZE = statuslist.MIN_ENTRIES
STATUS_SIZE = 2
VALUE = {
    CredentialState.VALID: statuslist.VALID,
    CredentialState.SUSPENDED: statuslist.SUSPENDED,
    CredentialState.REVOKED: statuslist.REVOKED,
}


def allocate_index() -> tuple[StatusList, int]:
    """A free index in a status list (inside the caller's transaction; locks the list)."""
    found = store.lock_list_with_room("message")
    if found is None:
        StatusList.objects.create(
            purpose="message",
            size=LIST_SIZE,
            status_size=STATUS_SIZE,
            bits=bytes(statuslist.empty(LIST_SIZE, STATUS_SIZE)),
            updated_at=now(),
        )
        found = store.lock_list_with_room("message")
        assert found is not None
    index = found.next_index
    found.next_index = index + 1
    found.save(update_fields=["next_index"])
    return found, index


def _set(list_pk: int, index: int, value: int) -> None:
    locked = store.lock_list(list_pk)
    bits = bytearray(locked.bits)
    statuslist.set_value(bits, index, value, locked.status_size)
    locked.bits = bytes(bits)
    locked.updated_at = now()
    locked.save(update_fields=["bits", "updated_at"])


def _own(credential: Credential, provider: Organisation) -> None:
    if credential.issuer_id != provider.pk or credential.status_list_id is None:
        raise Problem(403, _("Only the issuer can change the status of this credential."))


def _change(
    credential: Credential,
    provider: Organisation,
    actor: audit.Actor,
    action: str,
    reason: str,
) -> Credential:
    _own(credential, provider)
    reason = reason.strip()
    if action != "reinstate" and not reason:
        from llo.core.problems import InvalidParam, invalid

        text = _("Give a reason.")
        raise invalid(text, [InvalidParam("reason", text, "required")])
    with transaction.atomic():
        locked = store.lock_credential(credential.pk)
        before = locked.state
        if locked.state == CredentialState.REVOKED:
            raise Problem(
                409, _("This credential has been withdrawn; that cannot be undone."), code="revoked"
            )
        index = locked.status_index
        assert index is not None
        assert locked.status_list_id is not None
        if action == "revoke":
            target = CredentialState.REVOKED
        elif action == "suspend":
            if locked.state == CredentialState.SUSPENDED:
                raise Problem(409, _("This credential is suspended already."), code="suspended")
            target = CredentialState.SUSPENDED
        else:
            if locked.state != CredentialState.SUSPENDED:
                raise Problem(409, _("This credential is not suspended."), code="not-suspended")
            target = CredentialState.VALID
        _set(locked.status_list_id, index, VALUE[target])
        locked.state = target
        locked.state_reason = reason[:300]
        locked.save(update_fields=["state", "state_reason"])
        audit.record(
            actor=actor,
            action=f"credentials.{action}",
            subject=locked,
            before={"state": before},
            after={"state": locked.state, "reason": reason},
        )
    return locked


def revoke(
    *, actor: audit.Actor, provider: Organisation, credential: Credential, reason: str
) -> Credential:
    return _change(credential, provider, actor, "revoke", reason)


def suspend(
    *, actor: audit.Actor, provider: Organisation, credential: Credential, reason: str
) -> Credential:
    return _change(credential, provider, actor, "suspend", reason)


def reinstate(*, actor: audit.Actor, provider: Organisation, credential: Credential) -> Credential:
    return _change(credential, provider, actor, "reinstate", "")
