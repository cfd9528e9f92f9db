# SPDX-License-Identifier: EUPL-1.2
"""The login-plugin registry (after open-forms' plugin registries).

A plugin says who it is, what to show on the login page, and where its login starts. The
``LLO_LOGIN_PLUGINS`` setting switches plugins on; the demo plugin is a first-class citizen
for ``make demo`` and tests and is left out of a production deployment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.functional import Promise

StrOrPromise = str | Promise


class LoginPlugin(Protocol):
    identifier: str

    @property
    def title(self) -> StrOrPromise: ...

    @property
    def description(self) -> StrOrPromise: ...

    def is_configured(self) -> bool: ...

    def start_url(self) -> str: ...


@dataclass
class Registry:
    _plugins: dict[str, LoginPlugin]

    def register(self, plugin: LoginPlugin) -> LoginPlugin:
        if plugin.identifier in self._plugins:
            raise ValueError(f"login plugin {plugin.identifier!r} is registered twice")
        self._plugins[plugin.identifier] = plugin
        return plugin

    def get(self, identifier: str) -> LoginPlugin:
        return self._plugins[identifier]

    def enabled(self) -> list[LoginPlugin]:
        wanted = list(getattr(settings, "LLO_LOGIN_PLUGINS", []))
        return [
            self._plugins[name]
            for name in wanted
            if name in self._plugins and self._plugins[name].is_configured()
        ]

    def is_enabled(self, identifier: str) -> bool:
        return any(p.identifier == identifier for p in self.enabled())


registry = Registry({})
