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

Both live in :mod:`llo.core.idempotency` (one mechanism, one documented header); apps below
the API layer import them from there, and this module re-exports them for the API layer.
"""

from __future__ import annotations

from llo.core.idempotency import KEY_HEADER, IdempotencyKey, idempotent

__all__ = ["KEY_HEADER", "IdempotencyKey", "idempotent"]
