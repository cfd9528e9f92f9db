# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "llo.schemes"
    label = "schemes"
