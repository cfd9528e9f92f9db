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

from typing import Any, NamedTuple

from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from llo.core.bulk import bound_cursor

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


class SessionStore(DbSessionStore):
    """Django's database sessions (``SESSION_ENGINE = "llo.core.sessions"``), the row read by
    one prepared statement instead of a queryset compiled again on every request (issue 18:
    with the user's, a third of a window application's Python time). Everything else, the
    table, the encoding, writing and ending a session, is Django's."""

    def _get_session_from_db(self) -> Any:
        table = self.model._meta.db_table
        with bound_cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} "  # noqa: S608
                "WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return _Row(row[0])


class _Row(NamedTuple):
    session_data: str
