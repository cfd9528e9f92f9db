# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "llo.web"
    label = "web"

    def ready(self) -> None:
        from llo.web.login import demo, oidc  # noqa: F401 - registers the login plugins
