# SPDX-License-Identifier: EUPL-1.2
"""The OIDC login plugin, end to end against a real OpenID Provider on 127.0.0.1.

The provider (``tests/oidc_provider``: django-oauth-toolkit in OIDC mode, RS256, PKCE
required) runs as a subprocess, once per module. llo runs in pytest-django's live server.
A ``requests.Session`` plays the browser: llo's ``/oidc/authenticate/`` -> the provider's
authorize endpoint -> its login form -> back to llo's callback with a code -> llo redeems the
code with its PKCE verifier -> a llo session.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from llo.core import audit
from llo.core.identifiers import Level
from llo.core.models import AuditEntry
from llo.core.roles import Role
from llo.demo.personas import ORGANISATIONS, PERSONS
from llo.people.models import LabourPosition, Organisation, Person, User
from llo.people.services import register_organisation, register_person
from llo.web.login import oidc
from llo.web.login.registry import registry

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "llo-test-client"
CLIENT_SECRET = "llo-test-secret-not-for-production"
FAILURE_PATH = "/inloggen/mislukt"  # settings.LOGIN_REDIRECT_URL_FAILURE

FATIMA = next(p for p in PERSONS if p.key == "fatima")
SANNE = next(p for p in PERSONS if p.key == "sanne")  # a valid BSN nobody registers here
KORENAAR = next(o for o in ORGANISATIONS if o.key == "korenaar")  # employer
OO_TECHNIEK = next(o for o in ORGANISATIONS if o.key == "ootechniek")  # sector fund


# The users the provider knows, with the claims a broker would release for them.
PROVIDER_USERS: dict[str, dict[str, str]] = {
    "fatima": {"bsn": FATIMA.bsn, "acr": "substantial"},
    "korenaar": {
        "kvk": KORENAAR.kvk,
        "llo_role": "werkgever",
        "acr": "urn:etoegang:core:assurance-class:loa3",  # eHerkenning EH3
    },
    "fatima-low": {"bsn": FATIMA.bsn, "acr": "low"},
    "fatima-midden": {"bsn": FATIMA.bsn, "acr": "midden"},  # DigiD Midden is eIDAS low
    "fatima-no-acr": {"bsn": FATIMA.bsn},
    "bad-bsn": {"bsn": "999990010", "acr": "substantial"},  # fails the 11-proef
    "unknown-bsn": {"bsn": SANNE.bsn, "acr": "substantial"},
    "fund-as-employer": {"kvk": OO_TECHNIEK.kvk, "llo_role": "werkgever", "acr": "substantial"},
}


def password_of(username: str) -> str:
    return f"pw-{username}"


@dataclass(frozen=True)
class Provider:
    url: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    @property
    def authorization_endpoint(self) -> str:
        return f"{self.issuer}/authorize/"


def _wait_until_ready(proc: subprocess.Popen[bytes], port_file: Path, log: Path) -> str:
    deadline = time.monotonic() + 30
    with requests.Session() as probe:
        probe.trust_env = False
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the OIDC provider stopped ({proc.returncode}):\n{log.read_text()}")
            if port_file.exists():
                url = f"http://127.0.0.1:{port_file.read_text().strip()}"
                try:
                    answer = probe.get(f"{url}/o/.well-known/openid-configuration", timeout=2)
                except requests.ConnectionError:
                    pass
                else:
                    if answer.status_code == 200:
                        return url
            time.sleep(0.05)
    pytest.fail(f"the OIDC provider did not answer within 30 s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def provider(
    live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Provider]:
    state = tmp_path_factory.mktemp("oidc-provider")
    port_file = state / "port"
    log = state / "provider.log"
    users = [
        {"username": name, "password": password_of(name), "claims": claims}
        for name, claims in PROVIDER_USERS.items()
    ]
    command = [
        sys.executable,
        "-m",
        "tests.oidc_provider.serve",
        "--port",
        "0",
        "--port-file",
        str(port_file),
        "--state-dir",
        str(state),
        "--redirect-uri",
        f"{live_server.url}/oidc/callback/",
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        CLIENT_SECRET,
        "--users",
        json.dumps(users),
    ]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield Provider(_wait_until_ready(proc, port_file, log))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def oidc_settings(settings: SettingsWrapper, provider: Provider) -> Provider:
    settings.LLO_LOGIN_PLUGINS = ["demo", "oidc"]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_OP_ISSUER = provider.issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider.authorization_endpoint
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.issuer}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.issuer}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.issuer}/.well-known/jwks.json"
    settings.LLO_OIDC_MIN_LOA = "substantial"
    # LLO_HTTPS is decided when settings.py is imported; the loopback test runs plain http.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    assert settings.LOGIN_REDIRECT_URL_FAILURE == FAILURE_PATH
    return provider


Known = dict[str, Person | Organisation]


@pytest.fixture
def known(oidc_settings: Provider) -> Known:
    """Fatima, an employer and a sector fund: what llo knows before anyone logs in."""
    actor = audit.Actor.system("test")
    fatima = register_person(
        actor=actor,
        bsn=FATIMA.bsn,
        display_name=FATIMA.name,
        birth_date=FATIMA.birth_date,
        highest_level=Level(FATIMA.level),
        labour_position=LabourPosition(FATIMA.position),
        gemeente_code="GM0599",
    )
    orgs = {
        o.key: register_organisation(
            actor=actor, kvk=o.kvk, name=o.name, kind=o.kind, sector=o.sector
        )
        for o in (KORENAAR, OO_TECHNIEK)
    }
    return {"fatima": fatima, **orgs}


@pytest.fixture
def browser() -> Iterator[requests.Session]:
    session = requests.Session()
    session.trust_env = False  # never a proxy: loopback only
    yield session
    session.close()


@dataclass(frozen=True)
class Flow:
    authorize_params: dict[str, list[str]]
    landing: str  # where llo's callback sent the browser


def log_in(browser: requests.Session, llo: str, provider: Provider, username: str) -> Flow:
    """Walk the authorization-code flow as a browser would, checking each hop."""
    answer = browser.get(f"{llo}/oidc/authenticate/", allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    authorize = answer.headers["Location"]
    assert authorize.startswith(provider.authorization_endpoint + "?")
    params = parse_qs(urlsplit(authorize).query)

    answer = browser.get(authorize, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    login_url = urljoin(authorize, answer.headers["Location"])
    assert urlsplit(login_url).path == "/accounts/login/"

    form = browser.get(login_url, timeout=10)
    assert form.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert token is not None
    answer = browser.post(
        login_url,
        data={
            "username": username,
            "password": password_of(username),
            "csrfmiddlewaretoken": token.group(1),
            "next": parse_qs(urlsplit(login_url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, "the provider did not accept the test user"

    # No consent page: the application has skip_authorization.
    answer = browser.get(urljoin(login_url, answer.headers["Location"]), allow_redirects=False)
    assert answer.status_code == 302, answer.text
    callback = answer.headers["Location"]
    assert callback.startswith(f"{llo}/oidc/callback/?")
    returned = parse_qs(urlsplit(callback).query)
    assert returned["state"] == params["state"]
    assert returned["code"]

    answer = browser.get(callback, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text
    return Flow(params, answer.headers["Location"])


def in_dutch(message: str | Promise) -> str:
    """The text as llo shows it: Dutch (LANGUAGE_CODE) and HTML-escaped."""
    with translation.override("nl"):
        return str(escape(translation.gettext(str(message))))


def assert_not_logged_in(browser: requests.Session, llo: str) -> None:
    answer = browser.get(f"{llo}/home", allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    assert urlsplit(answer.headers["Location"]).path == "/inloggen"


# --- happy paths ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_citizen_logs_in_with_bsn_and_substantial(
    live_server: LiveServer, oidc_settings: Provider, known: Known, browser: requests.Session
) -> None:
    flow = log_in(browser, live_server.url, oidc_settings, "fatima")

    # Authorization code with PKCE S256 (RFC 7636 4.3), state and nonce, the broker scopes.
    params = flow.authorize_params
    assert params["response_type"] == ["code"]
    assert params["client_id"] == [CLIENT_ID]
    assert params["code_challenge_method"] == ["S256"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", params["code_challenge"][0])
    assert params["state"][0]
    assert params["nonce"][0]
    assert params["scope"][0].split() == ["openid", "bsn", "kvk"]
    assert params["redirect_uri"] == [f"{live_server.url}/oidc/callback/"]

    assert flow.landing == "/home"
    home = browser.get(f"{live_server.url}/home", allow_redirects=False, timeout=10)
    assert home.status_code == 200
    assert escape(FATIMA.name) in home.text
    assert in_dutch(Role.BURGER.label) in home.text

    user = User.objects.get()
    assert user.role == Role.BURGER
    assert user.person == known["fatima"]
    assert user.login_plugin == "oidc"
    assert user.assurance_level == "substantial"
    assert FATIMA.bsn not in user.username
    entry = AuditEntry.objects.get(action="user.logged_in")
    assert entry.subject_id == str(user.pk)
    assert entry.after == {"plugin": "oidc", "assurance_level": "substantial"}


@pytest.mark.django_db(transaction=True)
def test_employer_logs_in_with_kvk_and_role(
    live_server: LiveServer, oidc_settings: Provider, known: Known, browser: requests.Session
) -> None:
    flow = log_in(browser, live_server.url, oidc_settings, "korenaar")

    assert flow.landing == "/home"
    home = browser.get(f"{live_server.url}/home", allow_redirects=False, timeout=10)
    assert home.status_code == 200
    assert escape(KORENAAR.name) in home.text
    assert in_dutch(Role.WERKGEVER.label) in home.text

    user = User.objects.get()
    assert user.role == Role.WERKGEVER
    assert user.organisation == known["korenaar"]
    assert user.login_plugin == "oidc"
    assert user.assurance_level == "urn:etoegang:core:assurance-class:loa3"
    assert AuditEntry.objects.filter(action="user.logged_in").count() == 1


# --- refused logins ---------------------------------------------------------------------------

LOA_TOO_LOW = (
    "This way of logging in is not safe enough for llo. Log in with DigiD Substantieel or Hoog "
    "(the DigiD app with ID check), or with eHerkenning level EH3 or higher."
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("username", "reason", "message"),
    [
        pytest.param("fatima-low", "assurance level 'low'", LOA_TOO_LOW, id="acr-low"),
        pytest.param("fatima-midden", "assurance level 'midden'", LOA_TOO_LOW, id="acr-midden"),
        pytest.param("fatima-no-acr", "assurance level ''", LOA_TOO_LOW, id="acr-missing"),
        pytest.param(
            "bad-bsn",
            "BSN or KvK number in the claims is not valid",
            "The login service sent a number that is not valid. Please try again later.",
            id="bsn-fails-11-proef",
        ),
        pytest.param(
            "unknown-bsn",
            "identity rules: bsn",
            "We do not know anyone with this BSN in llo.",
            id="bsn-unknown",
        ),
        pytest.param(
            "fund-as-employer",
            "identity rules: role",
            "%(org)s cannot log in as %(role)s.",
            id="kvk-kind-does-not-fit-role",
        ),
    ],
)
def test_refused_login_leaves_no_session_and_writes_nothing(
    live_server: LiveServer,
    oidc_settings: Provider,
    known: Known,
    browser: requests.Session,
    caplog: pytest.LogCaptureFixture,
    username: str,
    reason: str,
    message: str,
) -> None:
    with caplog.at_level(logging.WARNING, logger="llo.web.login.oidc"):
        flow = log_in(browser, live_server.url, oidc_settings, username)

    assert flow.landing == FAILURE_PATH
    refused = [r.getMessage() for r in caplog.records if r.name == "llo.web.login.oidc"]
    assert any(reason in line for line in refused), refused
    assert not any(FATIMA.bsn in line or SANNE.bsn in line for line in refused)

    page = browser.get(f"{live_server.url}{FAILURE_PATH}", timeout=10)
    assert page.status_code == 403
    with translation.override("nl"):
        expected = translation.gettext(message) % {
            "org": OO_TECHNIEK.name,
            "role": Role.WERKGEVER.label,
        }
    assert str(escape(expected)) in page.text
    # The message is shown once; reloading shows the general one.
    again = browser.get(f"{live_server.url}{FAILURE_PATH}", timeout=10)
    assert str(escape(expected)) not in again.text

    assert_not_logged_in(browser, live_server.url)
    assert not User.objects.exists()
    assert not AuditEntry.objects.filter(action="user.logged_in").exists()


@pytest.mark.django_db(transaction=True)
def test_id_token_from_another_issuer_is_refused(
    live_server: LiveServer,
    oidc_settings: Provider,
    settings: SettingsWrapper,
    known: Known,
    browser: requests.Session,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9/another-broker"

    with caplog.at_level(logging.WARNING, logger="llo.web.login.oidc"):
        flow = log_in(browser, live_server.url, oidc_settings, "fatima")

    assert flow.landing == FAILURE_PATH
    assert "issuer does not match" in caplog.text
    assert_not_logged_in(browser, live_server.url)
    assert not User.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_broker_that_does_not_answer_gives_a_message(
    live_server: LiveServer,
    oidc_settings: Provider,
    settings: SettingsWrapper,
    known: Known,
    browser: requests.Session,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as closed:  # a port on 127.0.0.1 that nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{port}/o/token/"

    with caplog.at_level(logging.WARNING, logger="llo.web.login.oidc"):
        flow = log_in(browser, live_server.url, oidc_settings, "fatima")

    assert flow.landing == FAILURE_PATH
    assert "did not answer as expected" in caplog.text
    page = browser.get(f"{live_server.url}{FAILURE_PATH}", timeout=10)
    assert in_dutch("The login service did not answer. Please try again later.") in page.text
    assert_not_logged_in(browser, live_server.url)
    assert not User.objects.exists()


@pytest.mark.django_db
def test_cancelled_at_the_broker_shows_the_general_message(
    client: Client, settings: SettingsWrapper
) -> None:
    assert settings.LOGIN_REDIRECT_URL_FAILURE == FAILURE_PATH

    # OIDC Core 3.1.2.6: the broker sends the person back with an error instead of a code.
    answer = client.get("/oidc/callback/", {"error": "access_denied", "state": "any"})
    assert answer.status_code == 302
    assert answer["Location"] == FAILURE_PATH

    page = client.get(FAILURE_PATH)
    assert page.status_code == 403
    assert in_dutch("Logging in did not work. Please try again.") in page.content.decode()


# --- switched off -----------------------------------------------------------------------------


def test_plugin_is_off_until_configured(settings: SettingsWrapper) -> None:
    settings.LLO_LOGIN_PLUGINS = ["demo", "oidc"]
    settings.OIDC_RP_CLIENT_ID = ""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = ""
    settings.OIDC_OP_TOKEN_ENDPOINT = ""
    assert "oidc" not in [p.identifier for p in registry.enabled()]

    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://127.0.0.1:9/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/o/token/"
    assert "oidc" in [p.identifier for p in registry.enabled()]


@pytest.mark.disable_socket
def test_backend_does_nothing_when_the_plugin_is_left_out(settings: SettingsWrapper) -> None:
    """Configured but not listed in LLO_LOGIN_PLUGINS: no token request, no user."""
    settings.LLO_LOGIN_PLUGINS = ["demo"]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://127.0.0.1:9/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/o/token/"
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/o/.well-known/jwks.json"
    request = RequestFactory().get("/oidc/callback/", {"code": "a-code", "state": "a-state"})

    backend = oidc.LloOIDCBackend()
    assert backend.authenticate(request, nonce="n", code_verifier="v" * 43) is None
    assert "oidc" not in [p.identifier for p in registry.enabled()]


# --- the rules on their own -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loa", "minimum", "passes"),
    [
        ("substantial", "substantial", True),
        ("high", "substantial", True),
        ("urn:etoegang:core:assurance-class:loa3", "substantial", True),
        ("urn:etoegang:core:assurance-class:loa2plus", "substantial", False),
        ("midden", "substantial", False),
        ("basis", "low", True),
        ("", "low", False),
        ("unheard-of", "substantial", False),
        # A misspelt minimum fails closed: nothing passes without a known level.
        ("", "substantiaal", False),
        ("low", "substantiaal", True),
    ],
)
def test_assurance_level_minimum(loa: str, minimum: str, passes: bool) -> None:
    assert oidc.meets_minimum(loa, minimum) is passes


def _payload(**changes: object) -> dict[str, object]:
    now = int(time.time())
    return {"iss": "https://broker", "aud": CLIENT_ID, "exp": now + 300, "iat": now, **changes}


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(_payload(iss="https://elsewhere"), id="other-issuer"),
        pytest.param(_payload(aud="another-client"), id="other-audience"),
        pytest.param(_payload(aud=[CLIENT_ID, "another-client"]), id="several-audiences-no-azp"),
        pytest.param(_payload(exp=int(time.time()) - 3600), id="expired"),
        pytest.param(_payload(exp=None), id="no-expiry"),
        pytest.param(_payload(iat=int(time.time()) + 3600), id="issued-in-the-future"),
    ],
)
def test_id_token_checks_refuse(payload: dict[str, object]) -> None:
    with pytest.raises(SuspiciousOperation):
        oidc.check_id_token(payload, client_id=CLIENT_ID, issuer="https://broker", now=time.time())


def test_id_token_checks_pass() -> None:
    oidc.check_id_token(_payload(), client_id=CLIENT_ID, issuer="https://broker", now=time.time())
    oidc.check_id_token(
        _payload(aud=[CLIENT_ID, "other"], azp=CLIENT_ID, iss="any"),
        client_id=CLIENT_ID,
        issuer="",
        now=time.time(),
    )
