# SPDX-License-Identifier: EUPL-1.2
"""``Idempotency-Key`` for ninja operations.

Usage on an operation of the API layer::

    @router.post("/things", response={201: ThingOut})
    @idempotent
    def create_thing(request, payload: ThingIn, idempotency_key: IdempotencyKey = None): ...

The ``idempotency_key`` parameter is there only so that the OpenAPI document states the
header; the mechanism itself (:mod:`llo.core.idempotency`) reads the request headers and
wraps the whole operation, authentication and serialisation included, so a replay returns
byte for byte the first answer.

An app below the API layer (``accounts``, ``enrolment``) may not import this module (the
import-linter layers of DESIGN.md section 2); it writes the same two lines itself:
``decorate_view(idempotent_view)`` from ``ninja.decorators`` and :mod:`llo.core.idempotency`.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Header
from ninja.decorators import decorate_view

from llo.core.idempotency import KEY_HEADER, idempotent_view

#: Put this decorator under the ``@router.post(...)`` line.
idempotent = decorate_view(idempotent_view)

#: The header as a documented, optional operation parameter.
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

__all__ = ["KEY_HEADER", "IdempotencyKey", "idempotent"]
