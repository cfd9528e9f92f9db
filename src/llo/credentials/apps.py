# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "llo.credentials"
    label = "credentials"
