"""Read-only aggregations feeding the dashboard's stored summaries, one module per app.

Each module has `collect(*, since, now)` -> (metric_rows, snapshots):
metric_rows are (date, metric, kecamatan_id|None, dimension, value) tuples and
snapshots a {key: JSON-able data} dict. Every query is a selector of the app
(`<app>/selectors.py`, the `dashboard_*` functions); these modules only reshape
the selectors' rows into metrics, so the dashboard owns no business rule.
"""

import importlib


def app_selectors(app_label):
    try:
        return importlib.import_module(f"{app_label}.selectors")
    except ImportError:
        return None


def selector(app_label, name):
    """The app's selector function `name`, or None while the app does not have it."""
    module = app_selectors(app_label)
    return getattr(module, name, None) if module else None
