# SPDX-License-Identifier: EUPL-1.2
from django.urls import path

from llo.notifications import views

app_name = "notifications"

urlpatterns = [
    path("meldingen", views.inbox, name="inbox"),
    path("meldingen/gelezen", views.mark_all_read, name="read"),
]
