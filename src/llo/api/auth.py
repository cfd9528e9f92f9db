# SPDX-License-Identifier: EUPL-1.2
"""Session authentication for the API: 401 for anyone not logged in, then the CSRF check.

ninja's ``django_auth`` checks CSRF first, so an anonymous write got ``403 CSRF check
Failed`` instead of ``401`` (issue 14, finding 8), and a ``multipart/form-data`` body without
a boundary made the CSRF check itself crash (the check reads the form: 500, finding 7).
CSRF protects a session; without one there is nothing to protect, so the order here is:
not logged in → 401; logged in → the CSRF check, whose own failures are 4xx.

:class:`~llo.api.api.LloNinjaAPI` puts this in place of ninja's ``django_auth`` on every
operation, so the apps keep writing ``auth=django_auth``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from llo.core.problems import Problem


class SessionAuth(APIKeyCookie):
    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # ninja answers 401
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False):
            try:
                refused = check_csrf(request)
            except RequestDataTooBig:
                raise Problem(413, _("The request is too large."), code="too-large") from None
            except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent) as exc:
                raise Problem(
                    400,
                    _("The request body could not be read: %(why)s") % {"why": exc},
                    code="unreadable-body",
                ) from None
            if refused:
                raise Problem(
                    403,
                    _(
                        "The CSRF check failed. Send the header X-CSRFToken with the token "
                        "of your session."
                    ),
                    code="csrf-failed",
                )
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


session_auth = SessionAuth()
