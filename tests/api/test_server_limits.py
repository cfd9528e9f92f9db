# SPDX-License-Identifier: EUPL-1.2
"""The server's own limits answer problem+json too (issue 14, finding 8: gunicorn answered an
oversized request line with an HTML 400). gunicorn runs here as in a deployment, with llo's
config (llo.gunicorn_conf), on a free port of 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = _free_port()
    var = tmp_path_factory.mktemp("var")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "LLO_"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        LLO_VAR_DIR=str(var),
        LLO_SECRET_KEY="s" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
        LLO_BSN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        LLO_BSN_HASH_KEY="h" * 10 + "0123456789abcdefghijklmnopqrstuvwxyz",
        LLO_LOGIN_PLUGINS="oidc",
    )
    log = var / "gunicorn.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:llo.gunicorn_conf",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "llo.wsgi:application"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise AssertionError(log.read_text())
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def raw(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    if "content-length" in headers:
        body = body[: int(headers["content-length"])]
    elif headers.get("transfer-encoding") == "chunked":
        chunks, rest = [], body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line, 16)
            if size == 0:
                break
            chunks.append(rest[:size])
            rest = rest[size + 2 :]
        body = b"".join(chunks)
    return status, headers, body


def test_an_oversized_request_line_is_a_414_problem(server: int) -> None:
    status, headers, body = raw(
        server, b"GET /api/v1/offers?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    assert status == 414
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == 414
    assert problem["code"] == "uri-too-long"


def test_too_many_header_fields_is_a_431_problem(server: int) -> None:
    fields = b"".join(b"X-F%d: 1\r\n" % i for i in range(150))
    status, headers, body = raw(server, b"GET / HTTP/1.1\r\nHost: x\r\n" + fields + b"\r\n")
    assert status == 431
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["status"] == 431


def test_a_body_over_the_limit_is_a_413_problem_before_it_is_read(server: int) -> None:
    # Content-Length says 2 GB; llo answers from the header, without reading a byte of it.
    status, headers, body = raw(
        server,
        b"POST /api/v1/persons HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2000000000\r\n\r\n{",
    )
    assert status == 413
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["code"] == "too-large"
