# SPDX-License-Identifier: EUPL-1.2
"""Load ESCO's 3,007 Dutch occupations and llo's own small set of skills and relations
(see data/ATTRIBUTION.md)."""

from django.db import migrations


def load(apps, schema_editor):
    from llo.skills.reference import load as load_reference

    load_reference(
        apps.get_model("skills", "Occupation"),
        apps.get_model("skills", "Skill"),
        apps.get_model("skills", "OccupationSkill"),
        apps.get_model("skills", "OccupationLabel"),
        apps.get_model("skills", "SkillLabel"),
    )


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
