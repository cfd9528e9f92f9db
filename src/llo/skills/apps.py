# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "llo.skills"
    label = "skills"
