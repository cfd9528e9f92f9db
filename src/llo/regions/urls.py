# SPDX-License-Identifier: EUPL-1.2
"""Region pages (Dutch paths). Included at the site root."""

from django.urls import path

from llo.regions import views

app_name = "regions"

urlpatterns = [
    path("regio", views.overview, name="overview"),
    path("regio/kaart.topojson", views.topojson, name="topojson"),
    path("regio/kaart.<str:fmt>", views.map_download, name="map-download"),
    path("regio/mijn-vraag", views.my_demand, name="my-demand"),
    path("regio/vraag/nieuw", views.demand_edit, name="demand-new"),
    path("regio/vraag/<int:pk>", views.statement_page, name="statement"),
    path("regio/vraag/<int:pk>/wijzigen", views.demand_edit, name="demand-edit"),
    path("regio/vraag/<int:pk>/sluiten", views.demand_close, name="demand-close"),
    path("regio/abonnementen", views.subscriptions_page, name="subscriptions"),
    path(
        "regio/abonnementen/<int:pk>/stoppen",
        views.subscription_delete,
        name="subscription-delete",
    ),
    path("regio/krapte", views.shortage_import, name="shortages"),
    path("regio/<str:code>", views.region_page, name="region"),
    path("regio/<str:code>/kloof.<str:fmt>", views.gap_download, name="gap-download"),
    path("regio/<str:code>/aanbod", views.portfolio_page, name="portfolio"),
    path("regio/<str:code>/aanbod.<str:fmt>", views.portfolio_download, name="portfolio-download"),
    path("regio/<str:code>/vraag", views.demand_list, name="demand"),
    path("regio/<str:code>/vraag.<str:fmt>", views.demand_download, name="demand-download"),
    path("regio/<str:code>/<str:slug>/<str:term>", views.cell_page, name="cell"),
]
