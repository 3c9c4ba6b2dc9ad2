"""Demo data of the dashboard: no rows of its own, but the summaries are computed once.

seed_demo runs this last (dashboard is the last app in INSTALLED_APPS), so `make run`
opens /dasbor/ with figures at once instead of waiting for the first beat tick.
"""


def seed(*, scale, stdout):
    from .services import summaries_refresh

    run = summaries_refresh(trigger="seed")
    if run is not None:
        stdout.write(f"  dashboard summaries computed in {run.duration_ms} ms ({run.metric_rows} metric rows)\n")
