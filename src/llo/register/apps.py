# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "llo.register"
    label = "register"
