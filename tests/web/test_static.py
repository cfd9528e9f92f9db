# SPDX-License-Identifier: EUPL-1.2
"""`make demo` and a deployment run collectstatic with hashed, compressed files: every file
a stylesheet or script points to (fonts, images, source maps) must be there."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_the_manifest_storage_finds_every_reference(tmp_path: Path) -> None:
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    hashed = list((tmp_path / "schemes" / "vendor").glob("vega-embed.min.*.js"))
    assert hashed, "the chart library is collected under a hashed name"
