# SPDX-License-Identifier: EUPL-1.2
"""Decision records in the admin: read only (a decision is never edited, only explained)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from llo.schemes.models import DecisionRecord


@admin.register(DecisionRecord)
class DecisionRecordAdmin(admin.ModelAdmin):
    list_display = ("created_at", "scheme", "peildatum", "eligible", "amount_cents", "rule_version")
    list_filter = ("scheme", "eligible")
    date_hierarchy = "created_at"
    readonly_fields = (
        "scheme",
        "rule_version",
        "peildatum",
        "eligible",
        "amount_cents",
        "reasons",
        "record",
        "person",
        "created_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
