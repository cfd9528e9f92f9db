# SPDX-License-Identifier: EUPL-1.2
"""Idempotent requests: a retried request with the same ``Idempotency-Key`` applies once.

A funder's system that sends a deposit and loses the connection cannot know whether the
deposit happened. It sends the same request again with the same key and gets the original
answer back, never a second deposit (DESIGN.md section 3: "a retried request never applies
twice"; IETF draft-ietf-httpapi-idempotency-key-header).

How it works, and why it is safe:

* The key is scoped to the user, the method and the path: another user, or another
  operation, can use the same key without meeting this one.
* The answer is stored in :class:`~llo.core.models.IdempotencyRecord` **in the same database
  transaction as the effect**. Either both commit or neither does, so a crash between "money
  moved" and "answer remembered" cannot happen.
* Two concurrent requests with the same key both miss the record; the second one to commit
  fails on the unique constraint of the record (or on the ledger's own unique idempotency key,
  which blocks it until the first commits). Its effect rolls back and it replays the first
  answer instead.
* The same key with another body is a client error: ``409`` problem+json
  (``idempotency-key-reused``).
* Only successful answers (2xx) are stored: a refused request changed nothing, so sending it
  again (perhaps corrected) must be allowed to run.

This module is framework-neutral Django: :func:`idempotent_view` wraps any view function
``(request, *args, **kwargs) -> HttpResponse``. For ninja operations wrap ``Operation.run``
with it through ``ninja.decorators.decorate_view`` (see :mod:`llo.api.idempotency`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import Header
from ninja.decorators import decorate_view

from llo.core import textguard
from llo.core.models import IdempotencyRecord
from llo.core.problems import PROBLEM_CONTENT_TYPE, InvalidParam, Problem
from llo.core.timeutil import now

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
#: The draft allows any string; we accept printable ASCII without spaces, at most 255 long
#: (a UUID is the usual choice).
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")

View = Callable[..., HttpResponse]


#: Headers that belong to one transmission, not to the answer: never stored nor replayed
#: (Content-Type is stored on its own; cookies are the session's, not the request's).
_TRANSIENT_HEADERS = frozenset({"content-type", "content-length", "set-cookie", "date"})


@dataclass(frozen=True)
class StoredResponse:
    status: int
    content_type: str
    body: str
    headers: tuple[tuple[str, str], ...] = ()

    def as_response(self) -> HttpResponse:
        response = HttpResponse(self.body, status=self.status, content_type=self.content_type)
        for name, value in self.headers:
            response[name] = value
        response[REPLAYED_HEADER] = "true"
        return response


def answer_headers(response: HttpResponse) -> list[list[str]]:
    """The headers of an answer worth replaying with it (Location above all: a replayed 202
    without it told the client nothing about where to follow the job)."""
    return [
        [name, value]
        for name, value in response.items()
        if name.lower() not in _TRANSIENT_HEADERS and name != REPLAYED_HEADER
    ]


def validate_key(raw: str) -> str:
    key = raw.strip()
    if not _KEY.match(key):
        raise Problem(
            400,
            _(
                "The Idempotency-Key header must be 1 to 255 visible characters, "
                "for example a UUID."
            ),
            code="invalid-idempotency-key",
            invalid_params=[
                InvalidParam(KEY_HEADER, _("1 to 255 visible ASCII characters"), "format")
            ],
        )
    return key


def scope_for(request: HttpRequest) -> str:
    """User + method + path: the same key may be reused on another operation or by another
    user without meeting this one."""
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else "anonymous"
    return f"{who} {request.method} {request.path}"[:500]


def request_hash(request: HttpRequest) -> str:
    """SHA-256 over what the request asks for, so "the same request" is judged on content.

    JSON is compared after parsing (key order and spacing do not matter); a multipart form on
    its fields and file contents (the boundary is random per attempt); anything else byte for
    byte. The query string counts too.
    """
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\0" + request.META.get("QUERY_STRING", "").encode("latin-1") + b"\0")
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        # Read the body first: the form is then parsed from memory, and the view can still
        # read the body itself (reading the stream twice raised RawPostDataException: 500).
        _ = request.body
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\0".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                digest.update(f"{name}:{upload.name}\0".encode())
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
        return digest.hexdigest()
    body = request.body
    if content_type.endswith("json"):
        # JSON llo cannot read (invalid, too deep, UTF-16): the view answers 400; compare the
        # raw bytes meanwhile. The same reader as the API's (llo.core.textguard), so a body
        # nested 10,000 deep is refused here too instead of overflowing the stack (500).
        with contextlib.suppress(textguard.JsonProblem):
            body = json.dumps(
                textguard.loads(body or b"null"), sort_keys=True, separators=(",", ":")
            ).encode()
    digest.update(body)
    return digest.hexdigest()


def _problem_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    return HttpResponse(
        json.dumps(problem.as_dict(instance=request.path), ensure_ascii=False),
        status=problem.status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def find(scope: str, key: str, digest: str, *, lock: bool = False) -> StoredResponse | None:
    """The stored answer for this key, or None; raises 409 if the key came with another
    request."""
    records = IdempotencyRecord.objects.filter(scope=scope, key=key)
    if lock:
        records = records.select_for_update()
    record = records.first()
    if record is None:
        return None
    if record.request_hash != digest:
        raise Problem(
            409,
            _(
                "This Idempotency-Key was used before with another request. Use a new key "
                "for a new request."
            ),
            code="idempotency-key-reused",
        )
    return StoredResponse(
        record.status,
        record.content_type,
        record.response_body,
        tuple((str(n), str(v)) for n, v in record.response_headers or ()),
    )


def remember(scope: str, key: str, digest: str, response: HttpResponse) -> None:
    """Store a successful answer; must run in the transaction of the effect."""
    IdempotencyRecord.objects.create(
        key=key,
        scope=scope,
        request_hash=digest,
        status=response.status_code,
        content_type=response.get("Content-Type", "application/json"),
        response_body=response.content.decode("utf-8"),
        response_headers=answer_headers(response),
        created=now(),
    )


def _storable(response: HttpResponse) -> bool:
    return 200 <= response.status_code < 300 and not getattr(response, "streaming", False)


def idempotent_view(view: View) -> View:
    """Wrap a view so that a request with an ``Idempotency-Key`` header applies at most once.

    Without the header the view runs as usual. The view runs inside one transaction together
    with the stored answer.
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raw = request.headers.get(KEY_HEADER)
        if raw is None:
            return view(request, *args, **kwargs)
        try:
            key = validate_key(raw)
            scope = scope_for(request)
            try:
                digest = request_hash(request)
            except RequestDataTooBig as exc:
                raise Problem(
                    413, _("The request is larger than llo reads here."), code="too-large"
                ) from exc
            except (
                MultiPartParserError,
                RawPostDataException,
                TooManyFieldsSent,
                TooManyFilesSent,
                ValueError,
            ) as exc:
                raise Problem(
                    400,
                    _("The request body could not be read."),
                    code="unreadable-body",
                    invalid_params=[InvalidParam("body", str(exc)[:200], "format")],
                ) from exc
            try:
                with transaction.atomic():
                    stored = find(scope, key, digest, lock=True)
                    if stored is not None:
                        return stored.as_response()
                    response = view(request, *args, **kwargs)
                    if _storable(response):
                        remember(scope, key, digest, response)
                    else:
                        # The view refused (its own transaction rolled back already); make
                        # sure nothing of this attempt is kept.
                        transaction.set_rollback(True)
            except IntegrityError:
                # A concurrent request with the same key committed first.
                stored = find(scope, key, digest)
                if stored is None:
                    raise
                return stored.as_response()
            if response.status_code >= 409:
                # A conflict or crash caused by a concurrent twin (its ledger key committed
                # first): answer as the twin did.
                stored = find(scope, key, digest)
                if stored is not None:
                    return stored.as_response()
            return response
        except Problem as problem:
            return _problem_response(request, problem)

    return wrapper


def purge(older_than: dt.timedelta = dt.timedelta(days=7)) -> int:
    """Forget answers older than ``older_than`` (clients retry within minutes, not weeks)."""
    deleted, _by_model = IdempotencyRecord.objects.filter(created__lt=now() - older_than).delete()
    return deleted


#: The header as a documented, optional parameter of a ninja operation: the one description
#: and pattern every app's API states (issue 13: one idempotency mechanism). The mechanism
#: itself (:func:`idempotent_view`) reads the request headers; this only documents them, so
#: that a client (and schemathesis) sends a key the check accepts.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=KEY_HEADER,
        description=(
            "Any unique string (a UUID). Sending the same request again with the same key "
            "returns the first answer and changes nothing; the same key with another request "
            "is refused with 409."
        ),
        min_length=1,
        max_length=255,
        pattern=r"^[!-~]{1,255}$",
    ),
]

#: Put this decorator under the ``@router.post(...)`` line of an operation.
idempotent = decorate_view(idempotent_view)
