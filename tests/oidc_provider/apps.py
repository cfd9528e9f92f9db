# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class TestOPConfig(AppConfig):
    name = "tests.oidc_provider"
    label = "test_op"
    default_auto_field = "django.db.models.BigAutoField"
