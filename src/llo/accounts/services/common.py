# SPDX-License-Identifier: EUPL-1.2
"""What every use case of learning accounts shares: its idempotency (one key, one result),
the check of an amount from outside, and the problems a short balance gives.

Every operation is idempotent through a unique key on its ledger transaction: the same key
with the same request returns the first result; with another request it is refused (409). A
retried request that races its twin blocks on the unique key until the twin commits, and then
replays it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from llo.accounts import ledger
from llo.accounts.ledger import InsufficientFunds
from llo.accounts.models import LedgerTransaction
from llo.accounts.store import ledger as ledger_store
from llo.core import audit
from llo.core.money import Money
from llo.core.problems import InvalidParam, Problem, invalid

#: The actor of work nobody asked for by hand (set-up, nightly jobs).
SYSTEM = audit.Actor.system("accounts")

T = TypeVar("T")


def cents_to_move(amount: Money, name: str = "amountCents") -> int:
    """The cents of an amount a use case moves: more than zero; else a 400 problem naming the
    field. Whole cents are the type's promise (:class:`~llo.core.money.Money`), not checked
    again by each use case."""
    if not isinstance(amount, Money):  # a caller that bypassed the types: a bug, not input
        raise TypeError(f"{name}: a use case takes Money, not {type(amount).__name__}")
    try:
        return ledger.check_amount(amount.cents)
    except ledger.LedgerError:
        raise invalid(
            _("The amount must be a whole number of cents, more than 0."),
            [InvalidParam(name, _("a whole number of cents, more than 0"), "amount")],
        ) from None


def digest(**fields: Any) -> str:
    """A fingerprint of what an operation was asked to do, to tell a retry from a new request
    that reuses a key."""
    text = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def new_key(prefix: str) -> str:
    return f"{prefix}:{uuid.uuid4()}"


def key_reused() -> Problem:
    return Problem(
        409,
        _("This idempotency key was used before for another request. Use a new key."),
        code="idempotency-key-reused",
    )


def _done_before(key: str, request_hash: str) -> LedgerTransaction | None:
    """The transaction already made with this key, if any (409 if it was another request)."""
    found = ledger_store.keyed(key)
    if found is None:
        return None
    if found[1] != request_hash:
        raise key_reused()
    return LedgerTransaction.objects.get(pk=found[0])


def run_once(
    key: str, request_hash: str, work: Callable[[], T], replay: Callable[[LedgerTransaction], T]
) -> T:
    """Run ``work`` in one transaction; if its key is already used (before, or by a concurrent
    twin that committed first), return ``replay`` of the first transaction instead."""
    try:
        with transaction.atomic():
            existing = _done_before(key, request_hash)
            if existing is not None:
                return replay(existing)
            return work()
    except IntegrityError:
        existing = _done_before(key, request_hash)
        if existing is None:
            raise
        return replay(existing)


@contextlib.contextmanager
def short_as_problem(what: str) -> Iterator[None]:
    """A balance that would go below its floor becomes a 422 that says ``what`` and how much
    is available."""
    try:
        yield
    except InsufficientFunds as exc:
        raise Problem(
            422,
            what,
            code="insufficient-balance",
            extra={"availableCents": exc.balance - (exc.floor or 0)},
        ) from None
