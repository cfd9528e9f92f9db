# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "llo.enrolment"
    label = "enrolment"

    def ready(self) -> None:
        # Business invariants run by ``llo check_ledger`` (issue 14, finding 1).
        from llo.enrolment import invariants

        invariants.register_all()
