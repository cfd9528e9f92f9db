# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "llo.credentials"
    label = "credentials"

    def ready(self) -> None:
        # Accepted exemptions lower the price the funding plan divides (issue 16); the plan
        # sits below credentials, so it asks its registry instead of importing this app.
        from llo.accounts import price_adjusters
        from llo.credentials.services.exemptions import exemption_reductions

        price_adjusters.register(exemption_reductions)
