# SPDX-License-Identifier: EUPL-1.2
"""Pages for policy staff (Dutch paths, like the rest of the site). Included at the site root:
``path("", include("llo.schemes.urls"))``."""

from django.urls import path

from llo.schemes import views

app_name = "schemes"

urlpatterns = [
    path("beleid/regelingen", views.scheme_list, name="list"),
    path("beleid/regelingen/<slug:key>", views.scheme_detail, name="detail"),
    path("beleid/wat-als", views.what_if, name="what-if"),
]
