# SPDX-License-Identifier: EUPL-1.2
"""The skills language (ESCO shape; CompetentNL links to the same ESCO and ISCO concepts):
occupations with their ISCO-08 unit group, skills, and essential/optional occupation-skill
relations, each with Dutch labels. Loaded from ESCO's own CSV layout (data/ATTRIBUTION.md).

The label tables hold every Dutch label (preferred, alternative and hidden) under a
normalised key, so an occupation or skill is found by any label it has.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    ESCO = "esco", _("ESCO (European Union)")
    LLO = "llo", _("llo's own list")


class RelationType(models.TextChoices):
    ESSENTIAL = "essential", _("Essential")
    OPTIONAL = "optional", _("Optional")


class SkillType(models.TextChoices):
    SKILL = "skill/competence", _("Skill")
    KNOWLEDGE = "knowledge", _("Knowledge")


class LabelKind(models.TextChoices):
    PREFERRED = "preferred", _("Preferred label")
    ALTERNATIVE = "alternative", _("Alternative label")
    HIDDEN = "hidden", _("Search term")


class Occupation(models.Model):
    """An ESCO occupation. ``code`` is ESCO's code (``7212.3``); ``isco_group`` its ISCO-08 unit
    group (``7212``)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    uri = models.CharField(_("URI"), max_length=200, unique=True)
    isco_group = models.CharField(_("ISCO-08 unit group"), max_length=4, db_index=True)
    preferred_label = models.CharField(_("name"), max_length=255)
    alt_labels = models.JSONField(_("other names"), default=list, blank=True)
    hidden_labels = models.JSONField(_("search terms"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["preferred_label", "code"]

    def __str__(self) -> str:
        return self.preferred_label


class Skill(models.Model):
    """A skill or a body of knowledge. ``code`` is the last part of its URI."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    uri = models.CharField(_("URI"), max_length=200, unique=True)
    skill_type = models.CharField(_("kind"), max_length=20, choices=SkillType.choices)
    reuse_level = models.CharField(_("reuse level"), max_length=30, blank=True)
    preferred_label = models.CharField(_("name"), max_length=255)
    alt_labels = models.JSONField(_("other names"), default=list, blank=True)
    hidden_labels = models.JSONField(_("search terms"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["preferred_label", "code"]

    def __str__(self) -> str:
        return self.preferred_label


class OccupationSkill(models.Model):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="relations")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="relations")
    relation_type = models.CharField(_("relation"), max_length=10, choices=RelationType.choices)

    class Meta:
        verbose_name = _("occupation skill")
        verbose_name_plural = _("occupation skills")
        constraints = [
            models.UniqueConstraint(fields=["occupation", "skill"], name="skills_relation_unique")
        ]
        indexes = [models.Index(fields=["skill", "relation_type"], name="skills_rel_skill")]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.relation_type} {self.skill_id}"


class OccupationLabel(models.Model):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="labels")
    text = models.CharField(max_length=255)
    key = models.CharField(max_length=255)
    kind = models.CharField(max_length=12, choices=LabelKind.choices)

    class Meta:
        indexes = [models.Index(fields=["key", "kind"], name="skills_occlabel_key")]

    def __str__(self) -> str:
        return self.text


class SkillLabel(models.Model):
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="labels")
    text = models.CharField(max_length=255)
    key = models.CharField(max_length=255)
    kind = models.CharField(max_length=12, choices=LabelKind.choices)

    class Meta:
        indexes = [models.Index(fields=["key", "kind"], name="skills_skilllabel_key")]

    def __str__(self) -> str:
        return self.text
