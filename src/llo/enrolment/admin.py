# SPDX-License-Identifier: EUPL-1.2
"""Admin views of enrolment: reading only.

Every change of an application, a window's total, a payment or a review case goes through
:mod:`llo.enrolment.services` (with its audit record and its ledger movement), so the admin
shows these models read-only. Windows may be created and edited before they open (the
window's granted total stays read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from llo.enrolment.models import (
    Application,
    Consent,
    Enrolment,
    Funding,
    GiftReport,
    IntakeEntry,
    MisuseFlag,
    Payment,
    PreRegistration,
    ReviewCase,
    Window,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ("name", "budget", "opens_at", "closes_at", "policy", "budget_cents")
    list_filter = ("policy",)
    search_fields = ("name",)
    raw_id_fields = ("budget",)
    readonly_fields = ("granted_cents", "allocated_at", "seed")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    can_delete = False
    readonly_fields = ("right", "reservation", "amount_cents")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "amount_cents", "ledger_transaction", "at", "under_review")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("receipt", "offer", "provider", "status", "amount_cents", "applied_at")
    list_filter = ("status", "year")
    search_fields = ("receipt", "offer__title", "provider__name")
    raw_id_fields = ("person", "offer", "offering", "provider", "window", "preview", "intake")
    inlines = [FundingInline, PaymentInline]


@admin.register(IntakeEntry)
class IntakeEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "window", "offer", "amount_cents", "received_at", "outcome", "position")
    list_filter = ("outcome",)


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ("application", "sessions_planned", "sessions_attended", "sessions_excused")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("application", "kind", "amount_cents", "at", "under_review")
    list_filter = ("kind", "under_review")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ("pk", "organisation", "purpose", "valid_from", "valid_until", "revoked_at")


@admin.register(ReviewCase)
class ReviewCaseAdmin(ReadOnlyAdmin):
    list_display = ("provider", "opened_at", "closed_at", "outcome")


@admin.register(MisuseFlag)
class MisuseFlagAdmin(ReadOnlyAdmin):
    list_display = ("rule", "subject", "subject_id", "provider", "status", "detected_at")
    list_filter = ("rule", "status")


@admin.register(GiftReport)
class GiftReportAdmin(ReadOnlyAdmin):
    list_display = ("provider", "offer", "declared_by_provider", "reported_at")


@admin.register(PreRegistration)
class PreRegistrationAdmin(ReadOnlyAdmin):
    list_display = ("person", "offer", "created_at")
