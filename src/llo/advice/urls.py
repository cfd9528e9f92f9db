# SPDX-License-Identifier: EUPL-1.2
"""Advice pages (Dutch paths): a person's consents and plan, an adviser's clients."""

from django.urls import path

from llo.advice import views

app_name = "advice"

urlpatterns = [
    path("mijn-toestemmingen", views.my_consents_page, name="my-consents"),
    path("mijn-toestemmingen/<int:pk>/intrekken", views.revoke_page, name="revoke"),
    path("mijn-ontwikkelplan", views.my_plan_page, name="my-plan"),
    path("adviseur/clienten", views.clients_page, name="clients"),
    path("adviseur/clienten/<int:person_id>", views.client_page, name="client"),
    path("adviseur/clienten/<int:person_id>/plan", views.plan_page, name="plan"),
]
