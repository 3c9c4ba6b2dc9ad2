"""Production configuration: refuses the default secret, a missing encryption key and e-mail backends that
log or lose mail; `check --deploy` is clean."""

import subprocess
import sys

import pytest
from django.conf import settings

from .production import PRODUCTION, subprocess_env

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


def run_manage(*args, **env):
    return subprocess.run([*MANAGE, *args], capture_output=True, text=True, env=subprocess_env(**env), timeout=120)


def test_debug_off_with_default_secret_refuses_to_start():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="portal.blitarkab.go.id", SECRET_KEY="")
    assert result.returncode != 0
    assert "DEBUG=0 needs a real SECRET_KEY" in result.stderr


def test_check_deploy_has_no_warning_with_real_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_encryption_keys_refuses_to_start():
    result = run_manage("check", **{**PRODUCTION, "FIELD_ENCRYPTION_KEYS": ""})
    assert result.returncode != 0
    assert "DEBUG=0 needs FIELD_ENCRYPTION_KEYS" in result.stderr


def test_debug_off_refuses_the_public_development_key():
    from django.conf import settings

    result = run_manage("check", **{**PRODUCTION, "FIELD_ENCRYPTION_KEYS": settings.DEV_FIELD_ENCRYPTION_KEY})
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in result.stderr


@pytest.mark.parametrize("email_url", ["console://", "locmem://", ""])
def test_debug_off_refuses_email_backends_that_log_or_lose_mail(email_url):
    result = run_manage("check", **{**PRODUCTION, "EMAIL_URL": email_url})
    assert result.returncode != 0
    assert "EMAIL_URL" in result.stderr and "smtp://" in result.stderr


def test_debug_on_keeps_the_console_backend_for_make_run():
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "console.EmailBackend" in result.stdout
