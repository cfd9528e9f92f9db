# SPDX-License-Identifier: EUPL-1.2
"""Admin: look, never touch. Money moves only through llo.accounts.services (audited, balanced),
so the ledger is read-only here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from llo.accounts.models import (
    Budget,
    Funder,
    LedgerAccount,
    LedgerTransaction,
    Posting,
    Reservation,
    Right,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Funder)
class FunderAdmin(ReadOnly):
    list_display = ("organisation", "kind")
    list_filter = ("kind",)


@admin.register(Budget)
class BudgetAdmin(ReadOnly):
    list_display = ("name", "funder", "total_cents", "period_start", "period_end", "portability")
    list_filter = ("portability", "right_kind", "allocation_policy")
    search_fields = ("name",)


@admin.register(Right)
class RightAdmin(ReadOnly):
    list_display = ("pk", "person", "funder", "kind", "status", "valid_until")
    list_filter = ("kind", "status", "portability")
    raw_id_fields = ("person", "budget", "employment", "transferred_from")


@admin.register(Reservation)
class ReservationAdmin(ReadOnly):
    list_display = ("pk", "right", "provider", "amount_cents", "status", "reference")
    list_filter = ("status",)
    raw_id_fields = ("right",)


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnly):
    list_display = ("pk", "kind", "balance_cents", "floor_cents", "funder", "organisation")
    list_filter = ("kind",)


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ("account", "amount_cents")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnly):
    list_display = (
        "pk",
        "cause",
        "effective_date",
        "amount_cents",
        "count",
        "actor",
        "idempotency_key",
    )
    list_filter = ("cause",)
    search_fields = ("idempotency_key", "actor")
    inlines = [PostingInline]
