# SPDX-License-Identifier: EUPL-1.2
"""The project's URLs plus the accounts API and pages, for tests that run before the lead
mounts them in llo.urls and llo.api.api (the same router object serves both)."""

from __future__ import annotations

from django.urls import include, path
from ninja.errors import HttpError, ValidationError

from llo import urls as project
from llo.api import api as project_api
from llo.core.problems import Problem

api = project_api.LloNinjaAPI(
    title="llo accounts (test)", version="1", urls_namespace="accounts-test", docs_url=None
)
api.add_exception_handler(Problem, project_api.on_problem)
api.add_exception_handler(ValidationError, project_api.on_validation_error)
api.add_exception_handler(HttpError, project_api.on_http_error)
api.add_exception_handler(Exception, project_api.on_error)
api.add_router("", "llo.accounts.api.router")

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("llo.accounts.urls")),
    *project.urlpatterns,
]
handler404 = project.handler404
