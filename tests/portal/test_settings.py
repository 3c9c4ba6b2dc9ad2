"""Production configuration: refuses the default secret; `check --deploy` is clean."""

import os
import subprocess
import sys

from django.conf import settings

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


def run_manage(*args, **env):
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environ.update(env)
    return subprocess.run([*MANAGE, *args], capture_output=True, text=True, env=environ, timeout=120)


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
        DEBUG="0",
        ALLOWED_HOSTS="portal.blitarkab.go.id",
        SECRET_KEY="x9!Lq2#vR7@mT4$wZ8^kP1&nB6*cF3(hJ5)dG0_sA-yE=uN+oI;tC:rV<eX>bM?",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
