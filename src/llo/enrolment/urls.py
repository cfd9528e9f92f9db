# SPDX-License-Identifier: EUPL-1.2
"""Enrolment pages (Dutch paths), mounted by the project with
``path("", include("llo.enrolment.urls"))``."""

from django.urls import path

from llo.enrolment import views, window_views

app_name = "enrolment"

urlpatterns = [
    path("aanvragen/nieuw/<int:offering_id>", views.apply_page, name="apply"),
    path("aanvragen/nieuw/<int:offering_id>/gegevens", views.state_facts_page, name="apply-facts"),
    path("aanvragen", views.my_applications, name="mine"),
    path("aanvragen/<int:pk>", views.application_page, name="application"),
    path("aanvragen/<int:pk>/annuleren", views.cancel_page, name="cancel"),
    path("aanvragen/ontvangen/<int:pk>", window_views.entry_page, name="entry"),
    path(
        "aanvragen/ontvangen/<int:pk>/wachtlijst-verlaten",
        window_views.leave_waiting_list_page,
        name="leave",
    ),
    path("opleider/aanvragen", views.provider_applications, name="provider-applications"),
    path("opleider/aanvragen/<int:pk>", views.provider_application, name="provider-application"),
    path(
        "opleider/aanvragen/<int:pk>/<slug:action>",
        views.provider_action,
        name="provider-action",
    ),
    path("opleider/betaaloverzicht", views.provider_statement, name="statement"),
    path("beheer/signalen", views.review_queue, name="review-queue"),
    path("aanvraagrondes", window_views.windows_page, name="windows"),
    path("aanvraagrondes/<int:window_id>", window_views.window_page, name="window"),
    path(
        "aanvraagrondes/<int:window_id>/vooraanmelden",
        window_views.pre_register_page,
        name="pre-register",
    ),
    path(
        "financier/budgetten/<int:budget_id>/rondes/nieuw",
        window_views.window_create,
        name="window-create",
    ),
    path("financier/rondes", window_views.funder_windows, name="funder-windows"),
    path("financier/rondes/<int:window_id>", window_views.funder_window, name="funder-window"),
    path(
        "financier/rondes/<int:window_id>/verdelen",
        window_views.funder_window_allocate,
        name="funder-window-allocate",
    ),
    path("uitgaven", views.spending_page, name="spending"),
    path("uitgaven.csv", views.spending_csv, name="spending-csv"),
    path("uitgaven.json", views.spending_json, name="spending-json"),
    path("uitgaven/opleider/<int:provider_id>", views.spending_page, name="spending-provider"),
]
