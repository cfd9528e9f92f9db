# SPDX-License-Identifier: EUPL-1.2
"""Load the 35 arbeidsmarktregio's and 342 gemeenten of 2025 (CBS; see data/ATTRIBUTION.md)."""

from django.db import migrations


def load(apps, schema_editor):
    from llo.regions.reference import load as load_reference

    load_reference(apps.get_model("regions", "Region"), apps.get_model("regions", "Gemeente"))


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
