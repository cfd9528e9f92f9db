# SPDX-License-Identifier: EUPL-1.2
from django.contrib import admin

from llo.skills.models import Occupation, OccupationSkill, Skill


class RelationInline(admin.TabularInline):
    model = OccupationSkill
    extra = 0
    autocomplete_fields = ("skill",)


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("preferred_label", "code", "isco_group", "source")
    list_filter = ("source",)
    search_fields = ("code", "preferred_label", "labels__text")
    inlines = (RelationInline,)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("preferred_label", "code", "skill_type", "source")
    list_filter = ("source", "skill_type")
    search_fields = ("code", "preferred_label", "labels__text")
