"""Every setting the project code reads is defined in blitar_portal/settings.py (from the environment)
or is one of Django's own defaults: no `getattr(settings, NAME, default)` hides a knob nobody can set."""

import ast
import os
import subprocess
import sys
from pathlib import Path

from django.conf import global_settings

from blitar_portal import settings as project_settings

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ["blitar_portal", "ehealth", "ikm", "tanam"]


def _project_modules():
    for folder in APP_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts and path != ROOT / "blitar_portal" / "settings.py":
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def _imports_django_settings(tree):
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "django.conf"
        and any(alias.name == "settings" and alias.asname is None for alias in node.names)
        for node in ast.walk(tree)
    )


def _settings_read(tree):
    """Names read as `settings.NAME` or `getattr(settings, "NAME", ...)` in a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "settings":
            if node.attr.isupper():
                yield node.attr
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == "settings"
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
        ):
            yield node.args[1].value


def test_every_setting_read_by_the_code_is_defined():
    read = {
        (str(path.relative_to(ROOT)), name)
        for path, tree in _project_modules()
        if _imports_django_settings(tree)
        for name in _settings_read(tree)
    }
    assert len(read) > 30  # the scan does find the project's settings
    undefined = sorted(
        (path, name)
        for path, name in read
        if not hasattr(project_settings, name) and not hasattr(global_settings, name)
    )
    assert undefined == []


def test_no_setting_is_read_with_a_hidden_default():
    offenders = [
        str(path.relative_to(ROOT))
        for path, tree in _project_modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "getattr"
        and len(node.args) == 3
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == "settings"
    ]
    assert offenders == []


def test_the_feed_limits_and_demo_feeds_come_from_the_environment():
    code = (
        "from blitar_portal import settings as s; print(s.EHEALTH_FEED_TIMEOUT, s.EHEALTH_FEED_MAX_BYTES, s.DEMO_FEEDS)"
    )
    environ = {**os.environ, "EHEALTH_FEED_TIMEOUT": "3.5", "EHEALTH_FEED_MAX_BYTES": "1000", "DEMO_FEEDS": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environ, cwd=ROOT, timeout=60
    )
    assert result.stdout.split() == ["3.5", "1000", "True"], result.stderr
