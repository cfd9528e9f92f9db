# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "llo.regions"
    label = "regions"
