# SPDX-License-Identifier: EUPL-1.2
from django.contrib import admin

from llo.people.models import (
    ClientRelation,
    Employment,
    FundMembership,
    Organisation,
    Person,
    RoleGrant,
    User,
)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("display_name", "birth_date", "highest_level", "labour_position", "gemeente")
    list_filter = ("labour_position", "highest_level")
    search_fields = ("display_name",)
    exclude = ("bsn_encrypted", "bsn_hash")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kvk", "kind", "sector", "employees")
    list_filter = ("kind",)
    search_fields = ("name", "kvk")


@admin.register(Employment)
class EmploymentAdmin(admin.ModelAdmin):
    list_display = ("person", "employer", "sector", "cao", "start", "end")


@admin.register(FundMembership)
class FundMembershipAdmin(admin.ModelAdmin):
    list_display = ("employer", "fund", "start", "end")
    list_filter = ("fund",)


@admin.register(ClientRelation)
class ClientRelationAdmin(admin.ModelAdmin):
    list_display = ("person", "organisation", "start", "end")


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("username", "display_name", "role", "login_plugin", "is_staff")
    list_filter = ("role", "login_plugin")
    exclude = ("password",)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("organisation", "role", "reason", "granted_at")
    list_filter = ("role",)
    search_fields = ("organisation__name", "organisation__kvk")
