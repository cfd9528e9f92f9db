# SPDX-License-Identifier: EUPL-1.2
"""Sessions that a request may read without writing (issue 18, decision 013).

``SESSION_SAVE_EVERY_REQUEST`` renews the 30-minute session on activity (settings), which
writes the session row on every request: in a window rush that is one more statement per
application, on a row every request of that person shares. A path built for the rush calls
:func:`no_session_write`; its response then leaves the session as it is (it still expires
30 minutes after the person's last other request, and a changed session is never kept
unsaved: a path that changes the session must not call it).
"""

from __future__ import annotations

from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

_FLAG = "_llo_no_session_write"


def no_session_write(request: HttpRequest) -> None:
    """This request reads the session (who is logged in) and does not write it."""
    setattr(request, _FLAG, True)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except for a request that said :func:`no_session_write`."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if getattr(request, _FLAG, False) and session is not None and not session.modified:
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)
