# SPDX-License-Identifier: EUPL-1.2
"""Log every refused attempt at an object: a logged-in user who asks for an object by its id
and gets 404 or 403 (issue 14: "IDOR probes ... answer 404 and are logged").

llo answers 404 for another owner's object exactly as for an id nobody has, so that ids do
not leak (a person learns nothing about another person's application, a funder nothing about
another funder's budget). The answer cannot tell the two apart, and it must not; the log
does not need to: someone walking through ids shows up as a run of these lines from one
actor, whatever the ids held. One line per refusal on the ``llo.security`` logger, at
WARNING (the level production keeps): who (user id, role, organisation's KvK), what
(method, the URL pattern and its ids) and the status. Never a BSN: no route of llo takes
one, and a capability token in a path (a shared credential's link) is masked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from llo.core.audit import Actor

log = logging.getLogger("llo.security")

#: Path parameters that are secrets in themselves (a share link's token): never logged.
SECRET_PARAMETERS = frozenset({"token"})
REFUSED = frozenset({403, 404})


def describe(request: HttpRequest, status: int) -> str | None:
    """The log line for a refused request at an object, or None when there is nothing to
    log (anonymous, no object id in the address, or not refused)."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if status not in REFUSED or user is None or not user.is_authenticated or match is None:
        return None
    if not match.kwargs:
        return None
    ids = ",".join(
        f"{name}={'***' if name in SECRET_PARAMETERS else str(value)[:64]}"
        for name, value in sorted(match.kwargs.items())
    )
    actor = Actor.of_user(user)
    return (
        f"refused object access: status={status} actor={actor.name} role={actor.role or '-'} "
        f"organisation={actor.organisation or '-'} method={request.method} "
        f"route={match.route} ids={ids}"
    )


class DenialLogMiddleware:
    """After authentication (it needs the user); sees the answer of every view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        line = describe(request, response.status_code)
        if line is not None:
            log.warning(line)
        return response
