# SPDX-License-Identifier: EUPL-1.2
"""The roles people act in on llo."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

View = Callable[..., HttpResponse]


class Role(models.TextChoices):
    BURGER = "burger", _("Citizen")
    WERKGEVER = "werkgever", _("Employer")
    FONDS = "fonds", _("Sector fund (O&O-fonds)")
    GEMEENTE = "gemeente", _("Municipality")
    UWV = "uwv", _("UWV")
    OPLEIDER = "opleider", _("Training provider")
    ADVISEUR = "adviseur", _("Adviser")
    BELEID = "beleid", _("Policy officer")
    BEHEER = "beheer", _("Register staff")
    #: The staff of an EVC provider who decide at the end of an EVC procedure and give the
    #: ervaringscertificaat (issue 16); given to a provider through ``people.RoleGrant``.
    ASSESSOR = "assessor", _("EVC assessor")


#: Roles that act for a person and log in with a BSN (DigiD).
PERSON_ROLES = frozenset({Role.BURGER})
#: Roles that act for an organisation and log in with its KvK number (eHerkenning).
ORGANISATION_ROLES = frozenset(set(Role) - PERSON_ROLES)
#: Staff roles: every read of personal data by them is logged with a purpose (DESIGN.md 4).
STAFF_ROLES = frozenset(
    {
        Role.WERKGEVER,
        Role.FONDS,
        Role.GEMEENTE,
        Role.UWV,
        Role.ADVISEUR,
        Role.BELEID,
        Role.BEHEER,
        Role.ASSESSOR,
    }
)


def role_required(*roles: Role) -> Callable[[View], View]:
    """A page for some roles only. Logged out: to the login page. Logged in with another
    role: 403."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request.user, "role", None) not in roles:
                raise PermissionDenied(gettext("You cannot use this page in your role."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
