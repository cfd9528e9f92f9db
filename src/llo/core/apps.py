# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "llo.core"
    label = "core"

    def ready(self) -> None:
        from llo.core import (
            checks,  # noqa: F401 - registers the deployment checks
            logmask,
        )

        logmask.install()
