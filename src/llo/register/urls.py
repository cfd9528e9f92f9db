# SPDX-License-Identifier: EUPL-1.2
"""Register pages (Dutch paths, like the rest of the site). Included at the site root."""

from django.urls import path

from llo.register import views

app_name = "register"

urlpatterns = [
    path("opleidingen", views.search_page, name="search"),
    path("opleidingen/<int:pk>", views.offer_page, name="offer"),
    path("opleiders/<str:kvk>", views.provider_page, name="provider"),
    path("mijn-aanbod", views.my_offers, name="my-offers"),
    path("mijn-aanbod/nieuw", views.offer_edit, name="create"),
    path("mijn-aanbod/importeren", views.import_page, name="import"),
    path("mijn-aanbod/export", views.export_file, name="export"),
    path("mijn-aanbod/export.csv", views.export_csv, name="export-csv"),
    path("mijn-aanbod/<int:pk>", views.offer_manage, name="manage"),
    path("mijn-aanbod/<int:pk>/wijzigen", views.offer_edit, name="edit"),
    path("mijn-aanbod/<int:pk>/stap", views.offer_transition, name="transition"),
    path(
        "mijn-aanbod/<int:pk>/startmomenten/<int:offering>/annuleren",
        views.offering_cancel,
        name="cancel-offering",
    ),
    path("beoordelen", views.review_queue, name="review-queue"),
    path("beoordelen/<int:pk>", views.review_offer, name="review"),
    path("beheer/opleiders", views.staff_providers, name="staff-providers"),
    path("beheer/opleiders/<str:kvk>", views.staff_provider, name="staff-provider"),
    path(
        "beheer/opleiders/<str:kvk>/status",
        views.staff_provider_status,
        name="staff-provider-status",
    ),
    path(
        "beheer/opleiders/<str:kvk>/keurmerken",
        views.staff_quality_mark,
        name="staff-quality-mark",
    ),
]
