# SPDX-License-Identifier: EUPL-1.2
"""Credentials pages (Dutch paths) and the public JSON that credentials point to."""

from django.urls import path

from llo.credentials import views

app_name = "credentials"

urlpatterns = [
    path("verifieren", views.verify_page, name="verify"),
    path("mijn-certificaten", views.wallet, name="wallet"),
    path("mijn-certificaten/vrijstellingen", views.propose, name="propose"),
    path("mijn-certificaten/vrijstellingen/<int:pk>", views.exemptions, name="exemptions"),
    path("mijn-certificaten/<str:value>", views.detail, name="detail"),
    path("mijn-certificaten/<str:value>/download/<str:form>", views.download, name="download"),
    path("gedeeld/<str:token>", views.shared, name="shared"),
    path("certificaten", views.provider_page, name="provider"),
    path("certificaten/uitgeven/<int:pk>", views.provider_issue, name="issue"),
    path("certificaten/evc", views.evc_page, name="evc"),
    path("certificaten/<str:value>/status", views.provider_status, name="status"),
    path("certificaten/vrijstellingen/<int:pk>", views.provider_decide, name="decide"),
    path(".well-known/did.json", views.platform_did, name="platform-did"),
    path("issuers/<str:kvk>/did.json", views.issuer_did, name="issuer-did"),
    path("credentials/status/<int:pk>", views.status_list, name="status-list"),
    path("ns/credentials/v1", views.llo_context, name="context"),
]
