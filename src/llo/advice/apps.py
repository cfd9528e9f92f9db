# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class AdviceConfig(AppConfig):
    name = "llo.advice"
    label = "advice"
