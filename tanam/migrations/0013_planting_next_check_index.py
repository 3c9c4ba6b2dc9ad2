# The re-check reminders read the verified plantings falling due in a window of days: a partial
# index, built concurrently (plantings is the big table).

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("tanam", "0012_backfill_last_check_and_schedule"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="planting",
            index=models.Index(
                condition=models.Q(("status", "verified")), fields=["next_check_on"], name="tanam_pl_ver_next_check"
            ),
        ),
    ]
