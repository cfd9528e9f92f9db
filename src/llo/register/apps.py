# SPDX-License-Identifier: EUPL-1.2
from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "llo.register"
    label = "register"

    def ready(self) -> None:
        # The register is the supply side of the regions' gap (llo.regions.supply): regions
        # sits below the register in the layer contract, so the register plugs itself in.
        from llo.regions.supply import register_source
        from llo.register.portfolio import RegisterSupply

        register_source(RegisterSupply())
