"""The typed public surface (issue 12, point 6): every services.py, selectors.py and dashboard.py
of the apps and the feed parsers are in mypy's file list, checked with disallow_untyped_defs,
and `make test` runs mypy after ruff. (mypy itself runs in `make test`, not here: it takes a
minute of CPU.)"""

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ["blitar_portal", "ehealth", "ikm", "tanam"]
# services.py, selectors.py, dashboard.py and their parts split off by topic (e.g. ikm/services_programmes.py).
TYPED_NAMES = re.compile(r"^((services|selectors|dashboard)|(services|selectors)_[a-z]+)\.py$")


def _mypy_config():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]


def _typed_modules():
    found = {
        str(path.relative_to(ROOT))
        for folder in APP_DIRS
        for path in (ROOT / folder).rglob("*.py")
        if TYPED_NAMES.match(path.name) and "migrations" not in path.parts
    }
    return found | {"ehealth/feeds"}


def test_mypy_checks_exactly_the_public_modules_strictly():
    config = _mypy_config()
    assert set(config["files"]) == _typed_modules()
    assert config["disallow_untyped_defs"] is True
    assert config["disallow_incomplete_defs"] is True
    assert "mypy_django_plugin.main" in config["plugins"]


def test_every_function_of_the_typed_modules_is_annotated():
    """What disallow_untyped_defs enforces, readable without running mypy: a new unannotated
    function in these modules fails here first."""
    paths = [p for m in _typed_modules() for p in ((ROOT / m).rglob("*.py") if (ROOT / m).is_dir() else [ROOT / m])]
    untyped = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            missing = [a.arg for a in args if a.annotation is None and a.arg not in ("self", "cls")]
            if missing or (node.returns is None and node.name != "__init__"):
                untyped.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert untyped == []


def test_make_test_runs_mypy_after_ruff():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert recipe.index("ruff check") < recipe.index("mypy") < recipe.index("pytest")
    dev = (ROOT / "requirements-dev.txt").read_text().splitlines()
    assert any(line.startswith("mypy==") for line in dev)
    assert any(line.startswith("django-stubs==") for line in dev)
