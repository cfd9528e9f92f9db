# SPDX-License-Identifier: EUPL-1.2
"""gunicorn's settings for llo: ``gunicorn llo.wsgi:application -c python:llo.gunicorn_conf``.

The limits are written out so operations can see them, and sized to a worker (docs/operations
.md, "Limits"). gunicorn answers a request it cannot parse (a request line over
``limit_request_line``, too many or too long header fields, a bad method) itself, before llo
runs, with an HTML page; llo's errors are ``application/problem+json`` everywhere (RFC 9457,
NL API Design Rules; issue 14, finding 8), so those answers are problem documents too.
"""

from __future__ import annotations

import json
import os
import socket
import struct
from typing import Any

from gunicorn import util

# --- Workers (issue 18, decision 013; measured in bench/rush, scenario configs) ---------------
# sync workers, two per core. gthread (LLO_WORKER_CLASS=gthread, LLO_THREADS) answered the
# health check 2.5-3 times faster (keep-alive), but lost requests in every rush (9-30 of 5,500):
# a gthread worker keeps the connections it accepted, so requests queue unevenly inside the
# workers where the busy check cannot see them, and a worker replaced after max_requests drops
# its idle keep-alive connections with any request already sent on them. Sync lost none.
# `--workers` on the command line wins.
worker_class = os.environ.get("LLO_WORKER_CLASS", "sync")
workers = int(os.environ.get("LLO_WORKERS", "4"))
threads = int(os.environ.get("LLO_THREADS", "1"))
# The app is imported once, in the master, before the workers are forked (issue 18): a worker
# then starts in milliseconds instead of importing Django and llo itself (about 2 s of CPU).
# With max_requests below, a worker is replaced every ~2,000 requests; without preloading
# that import was about 1 ms of CPU per request in a rush, as much as the request itself, and
# a worker still importing took a share of the two cores from those answering. The master
# opens no database connection (llo.wsgi closes any before the fork).
preload_app = os.environ.get("LLO_PRELOAD_APP", "true").lower() not in ("0", "false", "no", "off")
# A thread keeps its connection (LLO_DB_CONN_MAX_AGE): keep-alive lets a client (or the
# reverse proxy) send its next request on the same socket. Not gunicorn's 5 s: a socket the
# server closes as idle just as the client sends on it loses that request to the client; in
# one small rush on a saturated machine (load average above 10) one of 330 requests was lost
# on a socket (issue 18). A longer keep-alive makes that race rarer (not measured apart).
keepalive = int(os.environ.get("LLO_KEEPALIVE", "30"))

#: A body llo may refuse unread (413, llo.core.middleware): at least the JSON and form limit.
_UNREAD_ABOVE = int(os.environ.get("LLO_MAX_BODY_BYTES", str(10 * 1024 * 1024)))


def pre_request(worker: Any, req: Any) -> None:
    """Two things before llo sees a request:

    * a request whose body llo may answer without reading (413 from its Content-Length)
      ends its connection after the answer: on a kept-alive connection the unread body would
      be read as the next request (the sync workers closed every connection anyway);
    * how many requests wait behind this one (:func:`queued`), in the ``X-LLO-Queued``
      header llo's busy check reads (llo.core.busy); a client's own header of that name is
      dropped first."""
    for name, value in req.headers:
        if name == "CONTENT-LENGTH" and value.isdigit() and int(value) > _UNREAD_ABOVE:
            req.must_close = True
    req.headers = [(n, v) for n, v in req.headers if n != "X-LLO-QUEUED"]
    req.headers.append(("X-LLO-QUEUED", str(queued(worker))))


#: struct tcp_info (linux/tcp.h): eight one-byte fields, then 32-bit ones; for a listening
#: socket ``tcpi_unacked`` (the fifth of those) is its accept queue's length.
_TCPI_UNACKED = struct.Struct("=I")
_TCPI_UNACKED_AT = 8 + 4 * 4


def queued(worker: Any) -> int:
    """Connections accepted by the kernel and not yet by a worker, on every socket this
    server listens on (one ``getsockopt`` each), plus those a threaded worker holds and has
    not started; 0 where the system does not say (not Linux)."""
    waiting = 0
    for listener in getattr(worker, "sockets", ()):
        sock = getattr(listener, "sock", listener)
        try:
            info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
        except (AttributeError, OSError):
            continue
        if len(info) >= _TCPI_UNACKED_AT + 4:
            waiting += _TCPI_UNACKED.unpack_from(info, _TCPI_UNACKED_AT)[0]
    futures = getattr(worker, "futures", None)
    if futures is not None:  # gthread: connections handed to its pool, beyond its threads
        waiting += max(0, len(futures) - threads)
    return waiting


# --- Limits of one request (gunicorn's defaults, stated) ----------------------------------------
limit_request_line = int(os.environ.get("LLO_LIMIT_REQUEST_LINE", "4094"))
limit_request_fields = 100
limit_request_field_size = 8190
# A request that takes longer is ended (and its worker restarted): long work runs as a
# background job (`llo run_jobs`), never in a request.
timeout = int(os.environ.get("LLO_WORKER_TIMEOUT", "30"))
graceful_timeout = 30
# Restart a worker now and then, so memory one big request took is given back.
max_requests = 2000
max_requests_jitter = 200

PROBLEM_TYPE_BASE = "https://llo.example.nl/problems/"
_CODES = {
    400: ("bad-request", "The request could not be read."),
    403: ("forbidden", "This request is not allowed."),
    414: ("uri-too-long", "The address (with its query) is too long."),
    431: (
        "request-header-fields-too-large",
        "The request has too many or too large header fields.",
    ),
    500: ("internal-server-error", "Something went wrong on our side. Try again later."),
    501: ("not-implemented", "This transfer coding is not supported."),
}
_REASONS = {414: "URI Too Long"}


def problem_bytes(status: int, reason: str, message: str) -> bytes:
    """The raw HTTP answer gunicorn writes for a request it could not read."""
    if status == 400 and message.startswith("Request Line is too large"):
        status = 414  # RFC 9110 15.5.15: the target URI is longer than the server will read
    reason = _REASONS.get(status, reason)
    code, detail = _CODES.get(status, ("bad-request", "The request could not be read."))
    body = json.dumps(
        {
            "type": PROBLEM_TYPE_BASE + code,
            "title": reason,
            "status": status,
            "detail": detail,
            "code": code,
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/problem+json\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("latin-1")
    return head + body


def _write_problem(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    util.write_nonblock(sock, problem_bytes(int(status_int), reason, mesg))


# gunicorn's workers call util.write_error for these answers (workers/base.py handle_error);
# this module is loaded by the master before it forks, so every worker writes problems.
util.write_error = _write_problem
