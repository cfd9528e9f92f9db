# SPDX-License-Identifier: EUPL-1.2
"""Settings of the test suite: llo's settings with keys made for tests and the demo login on.

llo has no default keys (issue 14, finding 3), so the tests bring their own. They say
"test-only" (the Fernet key in its base64), so `llo check --deploy` refuses them
(llo.core.checks). Subprocesses started by tests inherit them through the environment.
"""

from __future__ import annotations

import os

TEST_ENV = {
    "LLO_SECRET_KEY": "test-only-llo-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    # base64 of "test-only-llo-bsn-encryption-key" (32 bytes): a valid Fernet key.
    "LLO_BSN_ENCRYPTION_KEY": "dGVzdC1vbmx5LWxsby1ic24tZW5jcnlwdGlvbi1rZXk=",
    "LLO_BSN_HASH_KEY": "test-only-llo-bsn-hash-key-0123456789",
    "LLO_LOGIN_PLUGINS": "demo,oidc",
}
for _name, _value in TEST_ENV.items():
    os.environ.setdefault(_name, _value)

from llo.settings import *  # noqa: E402, F403

# The abuse limits count per client address, and every test client is 127.0.0.1: the suite
# would meet them. tests/core/test_ratelimit.py switches them on (the defaults, and small ones).
LLO_RATE_LIMITS: tuple[object, ...] = ()
