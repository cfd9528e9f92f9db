# SPDX-License-Identifier: EUPL-1.2
"""Admin views of the register: reading and small corrections by register staff.

State changes of offers and providers go through the services (pages and API), which keep
the audit log and the search index in step; here those fields are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from llo.register.models import Offer, Offering, OfferVersion, Opleider, QualityMark, ReviewEvent


class QualityMarkInline(admin.TabularInline):
    model = QualityMark
    extra = 0


@admin.register(Opleider)
class OpleiderAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "funded", "institution_code", "status")
    list_filter = ("kind", "funded", "status")
    search_fields = ("organisation__name", "organisation__kvk", "institution_code")
    readonly_fields = ("organisation", "status", "status_reason", "status_changed_at")
    inlines = [QualityMarkInline]


class OfferingInline(admin.TabularInline):
    model = Offering
    extra = 0


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("title", "opleider", "offer_type", "level", "price_cents", "state", "version")
    list_filter = ("state", "offer_type", "level", "leads_to", "formal")
    search_fields = ("title", "code", "opleider__organisation__name")
    raw_id_fields = ("part_of", "opleider")
    readonly_fields = (
        "ooapi_id",
        "state",
        "state_changed_at",
        "removal_reason",
        "version",
        "checks",
        "price_cents",
    )
    inlines = [OfferingInline]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Offers are removed through the workflow (with a public reason), never deleted:
        # their versions and the search index refer to them.
        return False


@admin.register(OfferVersion)
class OfferVersionAdmin(admin.ModelAdmin):
    list_display = ("offer", "number", "created_at", "price_cents", "actor")
    raw_id_fields = ("offer",)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    list_display = ("offer", "at", "action", "from_state", "to_state", "actor")
    list_filter = ("action", "to_state")
    raw_id_fields = ("offer",)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
