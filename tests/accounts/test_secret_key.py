"""The public demo SECRET_KEY (accounts/checks.py, docs/adr/0005-the-demo-secret-key.md): the web
application refuses to start on it with DEBUG off unless AFTERSALES_DEMO=1 says it is the demo,
and ``check --deploy`` always reports it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks

ROOT = Path(__file__).resolve().parents[2]
START_WEB_APP = "import aftersales.wsgi"  # what gunicorn and runserver do first


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "AFTERSALES_DEMO"}}
    clean.update(PYTHONPATH=str(ROOT / "src"), DJANGO_SETTINGS_MODULE="aftersales.settings", **env)
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.slow
def test_the_web_application_refuses_the_demo_key_with_debug_off_and_says_why():
    result = _run("-c", START_WEB_APP, DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is the public demo key" in result.stderr
    assert "AFTERSALES_DEMO=1" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "env",
    [
        {"DEBUG": "0", "AFTERSALES_DEMO": "1"},  # make run / make test
        {"DEBUG": "1"},  # a developer's runserver
        {"DEBUG": "0", "SECRET_KEY": "a-real-key-" + "k7Qz" * 12},  # production
    ],
)
def test_the_web_application_starts_on_the_demo_key_only_as_the_demo_or_in_debug(env):
    result = _run("-c", START_WEB_APP, **env)
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
def test_check_deploy_fails_on_the_demo_key_even_for_the_demo():
    result = _run("manage.py", "check", "--deploy", DEBUG="0", AFTERSALES_DEMO="1")
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr
    assert "SECRET_KEY is the public demo key" in result.stderr


@pytest.mark.slow
def test_check_deploy_has_no_demo_key_error_with_a_real_key():
    result = _run("manage.py", "check", "--deploy", DEBUG="0", SECRET_KEY="a-real-key-" + "k7Qz" * 12)
    assert "accounts.E001" not in result.stdout + result.stderr


def test_the_deploy_check_is_registered_as_a_security_check():
    assert settings.SECRET_KEY == settings.DEMO_SECRET_KEY  # the test run is the demo
    found = [m for m in run_checks(tags=["security"], include_deployment_checks=True) if m.id == "accounts.E001"]
    assert len(found) == 1
    assert found[0].is_serious()
    assert not [m for m in run_checks(tags=["security"]) if m.id == "accounts.E001"]  # deploy only
