# SPDX-License-Identifier: EUPL-1.2
from django.contrib import admin

from llo.regions.models import Gemeente, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Gemeente)
class GemeenteAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region")
    list_filter = ("region",)
    search_fields = ("code", "name")
