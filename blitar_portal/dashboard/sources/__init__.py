"""Read-only aggregations feeding the dashboard's stored summaries, one module per app.

Each module has `collect(*, since, now)` -> (metric_rows, snapshots):
metric_rows are (date, metric, kecamatan_id|None, dimension, value) tuples and
snapshots a {key: JSON-able data} dict. They call the app's selectors.py where
the app has the figure; queries marked "CANDIDATE for <app>/selectors.py" are
the aggregations the app does not offer yet (they read only that app's models).
"""

import importlib

from django.db.models import Aggregate, DurationField


def app_selectors(app_label):
    try:
        return importlib.import_module(f"{app_label}.selectors")
    except ImportError:
        return None


def selector(app_label, name):
    """The app's selector function `name`, or None while the app does not have it."""
    module = app_selectors(app_label)
    return getattr(module, name, None) if module else None


class MedianDuration(Aggregate):
    """PostgreSQL percentile_cont(0.5) over an interval expression."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()
