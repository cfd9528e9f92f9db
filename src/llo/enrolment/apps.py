# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "llo.enrolment"
    label = "enrolment"

    def ready(self) -> None:
        # Business invariants run by ``llo check_ledger`` (issue 14, finding 1).
        from llo.enrolment import invariants

        invariants.register_all()

        # The register's pages show a person what they pay; the register cannot import the
        # accounts (DESIGN.md section 2), so the plan is provided from here.
        from llo.enrolment.plans import offer_plans
        from llo.register import plans

        plans.provide(offer_plans)

        # A budget's page shows its windows (accounts sits below enrolment: a panel).
        from llo.accounts import panels
        from llo.enrolment.window_views import budget_panel

        panels.register(budget_panel)
