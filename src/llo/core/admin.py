# SPDX-License-Identifier: EUPL-1.2
from django.contrib import admin
from django.http import HttpRequest

from llo.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "role", "action", "subject_type", "subject_id", "purpose")
    list_filter = ("role", "action", "subject_type")
    search_fields = ("actor", "subject_id", "action")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
