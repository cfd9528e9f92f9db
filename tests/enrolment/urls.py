# SPDX-License-Identifier: EUPL-1.2
"""The project's URLs plus the enrolment API, for tests that run before the lead mounts it."""

from __future__ import annotations

from django.urls import path
from ninja.errors import HttpError, ValidationError

from llo import urls as project
from llo.api import api as project_api
from llo.core.problems import Problem

api = project_api.LloNinjaAPI(
    title="llo enrolment (test)", version="1", urls_namespace="enrolment-test", docs_url=None
)
api.add_exception_handler(Problem, project_api.on_problem)
api.add_exception_handler(ValidationError, project_api.on_validation_error)
api.add_exception_handler(HttpError, project_api.on_http_error)
api.add_exception_handler(Exception, project_api.on_error)
api.add_router("", "llo.enrolment.api.router")

urlpatterns = [path("api/v1/", api.urls), *project.urlpatterns]
handler404 = project.handler404
