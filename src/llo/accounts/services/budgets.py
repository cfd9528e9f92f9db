# SPDX-License-Identifier: EUPL-1.2
"""Funders and their budgets: a funder's accounts, and money set aside in a budget with its
conditions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from llo.accounts.ledger import AccountKind, Cause
from llo.accounts.models import (
    FUNDER_KIND_OF_ORGANISATION,
    AllocationPolicy,
    Budget,
    Funder,
    LedgerAccount,
    LedgerTransaction,
    Portability,
    RightKind,
)
from llo.accounts.services.common import SYSTEM, cents_to_move, digest, new_key, run_once
from llo.accounts.store import ledger as ledger_store
from llo.core import audit
from llo.core.money import Money
from llo.core.problems import InvalidParam, Problem, invalid
from llo.people.models import Organisation, OrganisationKind
from llo.schemes import funder_conditions
from llo.schemes.errors import ConditionsError


def ensure_funder(organisation: Organisation, *, actor: audit.Actor = SYSTEM) -> Funder:
    """The Funder of an organisation, with its source and returned accounts. Locks nothing:
    a funder made at the same moment by a concurrent request wins on its unique key."""
    funder = Funder.objects.filter(organisation=organisation).first()
    if funder is not None:
        return funder
    kind = FUNDER_KIND_OF_ORGANISATION.get(OrganisationKind(organisation.kind))
    if kind is None:
        raise Problem(
            422,
            _("%(org)s cannot fund learning accounts.") % {"org": organisation.name},
            code="not-a-funder",
        )
    try:
        with transaction.atomic():
            funder = Funder.objects.create(organisation=organisation, kind=kind)
            LedgerAccount.objects.bulk_create(
                [
                    LedgerAccount(kind=AccountKind.SOURCE, floor_cents=None, funder=funder),
                    LedgerAccount(kind=AccountKind.RETURNED, floor_cents=0, funder=funder),
                ]
            )
            audit.record(
                actor=actor, action="funder.created", subject=funder, after=audit.snapshot(funder)
            )
            return funder
    except IntegrityError:  # created at the same moment by a concurrent request
        return Funder.objects.get(organisation=organisation)


def conditions_problem(exc: ConditionsError, prefix: str = "conditions") -> Problem:
    return invalid(
        _("The conditions are not valid."),
        [
            InvalidParam(f"{prefix}.{key}", reason, "condition")
            for key, reason in exc.errors.items()
        ],
    )


def _check_budget(
    name: str, total: int, period_start: dt.date, period_end: dt.date,
    per_person: Money | None, right_kind: str, validity_months: int,
) -> None:  # fmt: skip
    """A 400 naming every field of a new budget that is wrong."""
    params: list[InvalidParam] = []
    if not name.strip():
        params.append(InvalidParam("name", _("Give the budget a name."), "required"))
    if period_end < period_start:
        params.append(InvalidParam("periodEnd", _("The end is before the start."), "date"))
    if per_person is not None and cents_to_move(per_person, "amountPerPersonCents") > total:
        params.append(
            InvalidParam("amountPerPersonCents", _("More than the whole budget."), "amount")
        )
    if right_kind not in {RightKind.MONEY, RightKind.VOUCHER}:
        params.append(InvalidParam("rightKind", _("A budget gives money or vouchers."), "enum"))
    if not 1 <= validity_months <= 240:
        params.append(InvalidParam("rightValidityMonths", _("From 1 to 240 months."), "range"))
    if params:
        raise invalid(_("The budget is not valid."), params)


def create_budget(
    *,
    actor: audit.Actor,
    funder: Funder,
    name: str,
    total: Money,
    period_start: dt.date,
    period_end: dt.date,
    conditions: dict[str, Any] | None = None,
    scheme: str = "",
    allocation_policy: str = AllocationPolicy.FIRST_COME,
    amount_per_person: Money | None = None,
    right_kind: str = RightKind.MONEY,
    right_validity_months: int = 24,
    portability: str = Portability.PERSON,
    idempotency_key: str | None = None,
) -> Budget:
    """Set money aside: a funding transaction from the funder's source into a new budget.

    Locks: the funder's source account (shared), by its conditional balance update."""
    total_cents = cents_to_move(total, "totalCents")
    _check_budget(
        name, total_cents, period_start, period_end,
        amount_per_person, right_kind, right_validity_months,
    )  # fmt: skip
    amount_per_person_cents = None if amount_per_person is None else amount_per_person.cents
    try:
        canonical = funder_conditions.canonical(conditions)
    except ConditionsError as exc:
        raise conditions_problem(exc) from None
    fields = {
        "funder": funder, "name": name.strip(), "scheme": scheme, "conditions": canonical,
        "total_cents": total_cents, "period_start": period_start, "period_end": period_end,
        "allocation_policy": allocation_policy, "amount_per_person_cents": amount_per_person_cents,
        "right_kind": right_kind, "right_validity_months": right_validity_months,
        "portability": portability,
    }  # fmt: skip
    key = idempotency_key or new_key("budget")
    request_hash = digest(
        op="budget", funder=funder.pk, name=name, total=total_cents, start=period_start,
        end=period_end, conditions=canonical, scheme=scheme, policy=allocation_policy,
        per_person=amount_per_person_cents, kind=right_kind, months=right_validity_months,
        portability=portability,
    )  # fmt: skip

    def work() -> Budget:
        account, pool = LedgerAccount.objects.bulk_create(
            [
                LedgerAccount(
                    kind=AccountKind.BUDGET, floor_cents=0, balance_cents=total_cents, funder=funder
                ),
                LedgerAccount(kind=AccountKind.POOL, floor_cents=0, funder=funder),
            ]
        )
        budget = Budget.objects.create(pool_account=pool, account=account, **fields)
        source = ledger_store.funder_account(funder.pk, AccountKind.SOURCE)
        ledger_store.post(
            cause=Cause.FUNDING,
            source=(source.pk, AccountKind.SOURCE),
            target=(account.pk, AccountKind.BUDGET),
            cents=total_cents, key=key, request_hash=request_hash, actor=actor, on=period_start,
            memo=f"budget {budget.name}", budget_id=budget.pk, preset=frozenset({account.pk}),
        )  # fmt: skip
        audit.record(
            actor=actor, action="budget.created", subject=budget, after=audit.snapshot(budget)
        )
        return budget

    def replay(txn: LedgerTransaction) -> Budget:
        assert txn.budget is not None
        return txn.budget

    return run_once(key, request_hash, work, replay)
