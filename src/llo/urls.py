# SPDX-License-Identifier: EUPL-1.2
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from llo.api import lean
from llo.api.api import api
from llo.api.views import api_not_found
from llo.enrolment.api import submit_lean

urlpatterns = [
    # The window rush's address first (decision 013): its common case without the API
    # framework, anything else by the API's own operation.
    lean.route("windows/<windowId>/applications", submit_lean, "window-apply-lean"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("beheer/admin/", admin.site.urls),
    path("taal", set_language, name="set_language"),
    path("", include("llo.register.ooapi.urls")),
    path("", include("llo.register.urls")),
    path("", include("llo.schemes.urls")),
    path("", include("llo.accounts.urls")),
    path("", include("llo.enrolment.urls")),
    path("", include("llo.credentials.urls")),
    path("", include("llo.advice.urls")),
    path("", include("llo.regions.urls")),
    path("", include("llo.notifications.urls")),
    path("", include("llo.web.urls")),
]

handler400 = "llo.web.views.error_400"
handler403 = "llo.web.views.error_403"
handler404 = "llo.web.views.error_404"
handler500 = "llo.web.views.error_500"
