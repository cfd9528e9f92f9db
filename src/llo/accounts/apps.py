# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "llo.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Business invariants run by ``llo check_ledger`` (issue 14, finding 1).
        from llo.accounts import invariants

        invariants.register_all()
