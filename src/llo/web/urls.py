# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from llo.web import person_pages, views
from llo.web.login import oidc

app_name = "web"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("inloggen", views.login_choice, name="login"),
    path("inloggen/demo", views.login_demo, name="login-demo"),
    path("inloggen/mislukt", oidc.login_failed, name="login-failed"),
    path("uitloggen", views.logout_view, name="logout"),
    path("home", views.home, name="home"),
    path("mijn-rechten/<int:pk>", views.right_detail, name="right"),
    path("mijn-rechten/nieuwe-werkgever", person_pages.new_employer, name="new-employer"),
    path("mijn-gegevens", person_pages.my_data, name="my-data"),
    path("mijn-gegevens/download", person_pages.my_data_download, name="my-data-download"),
    path("mijn-gegevens/bekeken", person_pages.who_viewed, name="who-viewed"),
    path("taken/<int:pk>", views.job_page, name="job"),
]
