# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from llo.web import views

app_name = "web"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("inloggen", views.login_choice, name="login"),
    path("inloggen/demo", views.login_demo, name="login-demo"),
    path("uitloggen", views.logout_view, name="logout"),
    path("home", views.home, name="home"),
]
