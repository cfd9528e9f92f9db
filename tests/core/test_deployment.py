# SPDX-License-Identifier: EUPL-1.2
"""Issue 14, finding 3: a deployment without its keys, or with the demo login, does not start
and `llo check --deploy` fails with an error; `make demo` says what it needs explicitly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django.fixtures import Settings as SettingsWrapper

from llo.core.checks import deployment_errors

ROOT = Path(__file__).resolve().parents[2]

GOOD = {
    "SECRET_KEY": "k" * 30 + "0123456789abcdefghijKLMNOP",
    "LLO_BSN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "LLO_BSN_HASH_KEY": "h-0123456789abcdefghijklmnopqrstuvwxyz",
    "LLO_LOGIN_PLUGINS": ["oidc"],
    "DEBUG": False,
    "DEPLOYMENT": True,
}


def ids(settings: SettingsWrapper, **changes: object) -> set[str]:
    for name, value in {**GOOD, **changes}.items():
        setattr(settings, name, value)
    return {str(e.id) for e in deployment_errors()}


def test_a_well_configured_deployment_has_no_errors(settings: SettingsWrapper) -> None:
    assert ids(settings) == set()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"SECRET_KEY": ""}, "llo.E001"),
        ({"SECRET_KEY": "short"}, "llo.E001"),
        ({"SECRET_KEY": "dev-only-insecure-llo-secret-key-change-me-0123456789"}, "llo.E001"),
        ({"LLO_BSN_ENCRYPTION_KEY": ""}, "llo.E002"),
        ({"LLO_BSN_ENCRYPTION_KEY": "a passphrase, not a key"}, "llo.E002"),
        # The tests' own key (base64 of "test-only-..."): refused in a deployment.
        ({"LLO_BSN_ENCRYPTION_KEY": os.environ["LLO_BSN_ENCRYPTION_KEY"]}, "llo.E002"),
        ({"LLO_BSN_HASH_KEY": ""}, "llo.E003"),
        ({"LLO_BSN_HASH_KEY": "dev-only-llo-bsn-hash-key"}, "llo.E003"),
        ({"LLO_BSN_HASH_KEY": GOOD["SECRET_KEY"]}, "llo.E003"),
        ({"LLO_LOGIN_PLUGINS": ["demo", "oidc"]}, "llo.E004"),
        ({"DEBUG": True}, "llo.E005"),
        ({"ALLOWED_HOSTS": ["*"]}, "llo.E006"),
    ],
)
def test_each_unsafe_setting_is_an_error(
    settings: SettingsWrapper, changes: dict[str, object], expected: str
) -> None:
    assert ids(settings, **changes) == {expected}


def test_a_developer_machine_may_use_the_demo_login(settings: SettingsWrapper) -> None:
    # LLO_DEBUG on and LLO_HTTPS off: the only mode that is not a deployment.
    assert ids(settings, DEPLOYMENT=False, LLO_LOGIN_PLUGINS=["demo"], DEBUG=True) == set()


def test_check_deploy_fails_with_the_errors(settings: SettingsWrapper) -> None:
    ids(settings, SECRET_KEY="", LLO_LOGIN_PLUGINS=["demo", "oidc"])
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", deploy=True)
    assert "llo.E001" in str(failed.value)
    assert "llo.E004" in str(failed.value)


def _env(**values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST_", "LLO_")) and k != "DJANGO_SETTINGS_MODULE"
    }
    env["LLO_VAR_DIR"] = os.environ.get("LLO_VAR_DIR", str(ROOT / "var"))
    env.update(values)
    return env


GUNICORN = [sys.executable, "-m", "gunicorn", "--check-config", "-c", "python:llo.gunicorn_conf"]


def test_gunicorn_refuses_to_start_a_deployment_without_keys() -> None:
    result = subprocess.run(
        [*GUNICORN, "llo.wsgi:application"],
        cwd=ROOT,
        env=_env(),  # no keys, LLO_HTTPS on by default, DEBUG off by default
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "llo refuses to start" in output
    for check in ("llo.E001", "llo.E002", "llo.E003"):
        assert check in output


def test_gunicorn_refuses_the_demo_login_in_a_deployment() -> None:
    env = _env(
        LLO_SECRET_KEY=str(GOOD["SECRET_KEY"]),
        LLO_BSN_ENCRYPTION_KEY=str(GOOD["LLO_BSN_ENCRYPTION_KEY"]),
        LLO_BSN_HASH_KEY=str(GOOD["LLO_BSN_HASH_KEY"]),
        LLO_LOGIN_PLUGINS="demo,oidc",
        LLO_HTTPS="false",  # DEBUG off: still a deployment
    )
    result = subprocess.run(
        [*GUNICORN, "llo.wsgi:application"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "llo.E004" in output
    # The same with the demo login off starts.
    env["LLO_LOGIN_PLUGINS"] = "oidc"
    result = subprocess.run(
        [*GUNICORN, "llo.wsgi:application"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_make_demo_sets_the_development_mode_and_its_keys_explicitly() -> None:
    makefile = (ROOT / "Makefile").read_text()
    demo_env = next(line for line in makefile.splitlines() if line.startswith("DEMO_ENV :="))
    for setting in ("LLO_DEBUG=true", "LLO_HTTPS=false", "LLO_LOGIN_PLUGINS=demo", "DEV_KEYS"):
        assert setting in demo_env
    settings_py = (ROOT / "src" / "llo" / "settings.py").read_text()
    # No key is written in the settings any more.
    for name in ("LLO_SECRET_KEY", "LLO_BSN_ENCRYPTION_KEY", "LLO_BSN_HASH_KEY"):
        assert f'os.environ.get("{name}", "")' in settings_py


def test_dev_keys_are_made_once_and_are_deployment_grade(tmp_path: Path) -> None:
    script = ROOT / "scripts" / "dev-keys.sh"
    first = subprocess.run(
        [str(script), str(tmp_path), sys.executable], capture_output=True, text=True, check=True
    )
    path = Path(first.stdout.strip())
    content = path.read_text()
    again = subprocess.run(
        [str(script), str(tmp_path), sys.executable], capture_output=True, text=True, check=True
    )
    assert Path(again.stdout.strip()).read_text() == content
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    values = dict(line.split("=", 1) for line in content.splitlines())
    assert set(values) == {"LLO_SECRET_KEY", "LLO_BSN_ENCRYPTION_KEY", "LLO_BSN_HASH_KEY"}
    Fernet(values["LLO_BSN_ENCRYPTION_KEY"].encode())
