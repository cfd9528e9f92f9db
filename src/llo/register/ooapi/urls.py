# SPDX-License-Identifier: EUPL-1.2
"""``/ooapi/v6``: the register as OOAPI v6 endpoints (``llo.register.ooapi.views``). Paths as
in the OOAPI specification; included at the site root by ``llo.urls``."""

from django.urls import path, re_path

from llo.register.ooapi import views

app_name = "ooapi"

urlpatterns = [
    path("ooapi/v6", views.service, name="service"),
    path("ooapi/v6/", views.service),
    path("ooapi/v6/openapi.json", views.specification, name="specification"),
    path("ooapi/v6/courses", views.courses, name="courses"),
    path("ooapi/v6/courses/<str:ident>", views.course, name="course"),
    path(
        "ooapi/v6/courses/<str:ident>/course-offerings",
        views.course_offerings,
        name="course-offerings",
    ),
    path("ooapi/v6/course-offerings/<str:ident>", views.course_offering, name="course-offering"),
    path("ooapi/v6/programmes", views.programmes, name="programmes"),
    path("ooapi/v6/programmes/<str:ident>", views.programme, name="programme"),
    path(
        "ooapi/v6/programmes/<str:ident>/courses",
        views.programme_courses,
        name="programme-courses",
    ),
    path(
        "ooapi/v6/programmes/<str:ident>/programme-offerings",
        views.programme_offerings,
        name="programme-offerings",
    ),
    path(
        "ooapi/v6/programme-offerings/<str:ident>",
        views.programme_offering,
        name="programme-offering",
    ),
    path("ooapi/v6/offerings", views.offerings, name="offerings"),
    path("ooapi/v6/organisations", views.organisations, name="organisations"),
    path("ooapi/v6/organisations/<str:ident>", views.organisation, name="organisation"),
    path(
        "ooapi/v6/organisations/<str:ident>/courses",
        views.organisation_courses,
        name="organisation-courses",
    ),
    path(
        "ooapi/v6/organisations/<str:ident>/programmes",
        views.organisation_programmes,
        name="organisation-programmes",
    ),
    path(
        "ooapi/v6/organisations/<str:ident>/course-offerings",
        views.organisation_course_offerings,
        name="organisation-course-offerings",
    ),
    path(
        "ooapi/v6/organisations/<str:ident>/programme-offerings",
        views.organisation_programme_offerings,
        name="organisation-programme-offerings",
    ),
    re_path(r"^ooapi(?P<rest>/.*)?$", views.not_found),
]
