# SPDX-License-Identifier: EUPL-1.2
"""Start the test OpenID Provider on 127.0.0.1.

    python -m tests.oidc_provider.serve --port 0 --port-file /tmp/op.port \\
        --redirect-uri http://localhost:8081/oidc/callback/ \\
        --client-id llo --client-secret s3cret \\
        --users '[{"username": "fatima", "password": "pw", "claims": {"bsn": "999990019"}}]'

It binds first (``--port 0`` lets the kernel pick a free port, written to ``--port-file``
once the provider answers), creates its tables in a throw-away SQLite file, registers one
confidential client (authorization-code grant, RS256 ID tokens, PKCE required, no consent
page) and the users with their broker claims, then serves until SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socketserver
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # Loopback only, many short connections from one test: no need to wait on TIME_WAIT.
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        if os.environ.get("OP_LOG_REQUESTS"):
            super().log_message(format, *args)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", type=Path, help="write the port here when ready")
    parser.add_argument("--redirect-uri", required=True, help="llo's OIDC callback URL")
    parser.add_argument("--client-id", default="llo")
    parser.add_argument("--client-secret", default="llo-test-secret")
    parser.add_argument(
        "--users",
        default="[]",
        help='JSON list of {"username", "password", "claims": {bsn, kvk, llo_role, acr}}',
    )
    parser.add_argument("--state-dir", type=Path, help="for the SQLite file (default: a tmp dir)")
    return parser.parse_args(argv)


def setup_provider(args: argparse.Namespace) -> None:
    """Create the tables, the client and the users. Django must be set up."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import get_application_model

    from tests.oidc_provider.models import Profile

    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    application_model = get_application_model()
    app = application_model(
        name="llo",
        client_id=args.client_id,
        client_secret=args.client_secret,
        client_type=application_model.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
        redirect_uris=args.redirect_uri,
        algorithm=application_model.RS256_ALGORITHM,
        skip_authorization=True,
    )
    app.full_clean()  # the same checks as DOT's admin: redirect URI scheme, RSA key present
    app.save()

    user_model = get_user_model()
    for entry in json.loads(args.users):
        user = user_model.objects.create_user(
            username=entry["username"], password=entry["password"]
        )
        Profile.objects.create(user=user, claims=entry.get("claims", {}))


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    own_state_dir = args.state_dir is None
    state_dir = Path(tempfile.mkdtemp(prefix="llo-op-")) if own_state_dir else args.state_dir
    signal.signal(signal.SIGTERM, _stop)

    server = make_server(
        "127.0.0.1",
        args.port,
        lambda environ, start_response: [],  # replaced once Django is ready
        server_class=ThreadingWSGIServer,
        handler_class=QuietHandler,
    )
    port = server.server_address[1]
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    os.environ["OP_DB_PATH"] = str(state_dir / "op.sqlite3")
    os.environ["OP_ISSUER"] = f"http://127.0.0.1:{port}/o"
    try:
        import django
        from django.core.wsgi import get_wsgi_application

        django.setup()
        setup_provider(args)
        server.set_app(get_wsgi_application())
        if args.port_file is not None:
            partial = args.port_file.with_suffix(".partial")
            partial.write_text(str(port))
            partial.replace(args.port_file)
        print(f"OIDC provider at {os.environ['OP_ISSUER']}", flush=True)
        server.serve_forever(poll_interval=0.1)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
        if own_state_dir:
            shutil.rmtree(state_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
