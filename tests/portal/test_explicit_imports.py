"""App code is wired by explicit imports: no importlib lookup (a renamed module or function fails at import)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ["blitar_portal", "ehealth", "ikm", "tanam"]


def test_no_importlib_lookup_of_app_code():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in APP_DIRS
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and "importlib" in path.read_text()
    ]
    assert offenders == []


def test_every_dashboard_tab_and_source_is_an_app_module():
    from blitar_portal.dashboard import pages, services
    from blitar_portal.notifications import dashboard as notifications_dashboard
    from ehealth import dashboard as ehealth_dashboard
    from ikm import dashboard as ikm_dashboard
    from tanam import dashboard as tanam_dashboard

    apps = {
        "ehealth": ehealth_dashboard,
        "ikm": ikm_dashboard,
        "tanam": tanam_dashboard,
        "notifications": notifications_dashboard,
    }
    assert services.SOURCES == {label: module.collect for label, module in apps.items()}
    assert [module for module, _label in pages.SECTIONS.values()][1:] == list(apps.values())
    for label, module in apps.items():  # stored rows are replaced per app by their name prefix
        assert all(name.startswith(f"{label}.") for name in module.METRICS + module.SNAPSHOTS), label
