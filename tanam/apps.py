from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TanamConfig(AppConfig):
    name = "tanam"
    verbose_name = _("Gerakan Bangga Menanam")

    def ready(self):
        from celery.schedules import crontab

        from blitar_portal.core.beat import register_periodic_task

        # Crowns grow every day: once a night the current year's cover is recomputed for every
        # desa (this also creates the new year's figures on 1 January). Changes are refreshed
        # on commit by services.
        register_periodic_task(
            "tanam-cover-current-year", task="tanam.cover_refresh_current_year", schedule=crontab(hour=1, minute=30)
        )
        # The open-data files are rebuilt (debounced) after every change of verified plantings;
        # this hourly build is the safety net for a lost task and for renamed species/desa/communities.
        register_periodic_task("tanam-open-data", task="tanam.open_data_build", schedule=crontab(minute=20))
        # Safety nets of the tasks queued on commit (blitar_portal.lib.queue), for a broker outage:
        # photos still without renditions, and a nightly full rebuild of cluster cells and cover.
        register_periodic_task("tanam-render-pending-plantings", task="tanam.render_pending_plantings", schedule=120.0)
        # Re-check reminders (tanam/schedule.py): each due check is told once (the outbox's key), so
        # an hourly run only catches up after an outage; quiet hours are the outbox's business.
        register_periodic_task("tanam-recheck-reminders", task="tanam.recheck_reminders", schedule=crontab(minute=35))
        register_periodic_task(
            "tanam-aggregates-nightly", task="tanam.aggregates_rebuild", schedule=crontab(hour=2, minute=15)
        )
