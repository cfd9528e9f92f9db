# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from llo.web import views
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
    path("taken/<int:pk>", views.job_page, name="job"),
]
