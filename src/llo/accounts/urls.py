# SPDX-License-Identifier: EUPL-1.2
"""Funder pages, mounted by the project with ``path("", include("llo.accounts.urls"))``.
Paths are Dutch, like the rest of the site (web.urls: inloggen, home)."""

from django.urls import path

from llo.accounts import views

app_name = "accounts"

urlpatterns = [
    path("financier/budgetten", views.budget_list, name="budgets"),
    path("financier/budgetten/nieuw", views.budget_create, name="budget-create"),
    path("financier/budgetten/<int:budget_id>", views.budget_detail, name="budget"),
    path("financier/budgetten/<int:budget_id>/storten", views.deposit, name="deposit"),
    path("financier/budgetten/<int:budget_id>/bestand", views.deposit_file, name="deposit-file"),
    path("financier/budgetten/<int:budget_id>/export.csv", views.export, name="export"),
]
