# Backfill the latest check date and move next_check_on to the re-check schedule of
# tanam/schedule.py (3, 6, 12 months, then yearly), in batches of ids: plantings is the big table
# (~1 M rows), each batch is its own short transaction.

from django.db import migrations

from tanam.schedule import next_check_sql

BATCH = 20_000

UPDATE_SQL = """
    WITH latest AS (
        SELECT planting_id, max(observed_on) AS last_on FROM tanam_observation
        WHERE planting_id BETWEEN %(low)s AND %(high)s GROUP BY planting_id
    )
    UPDATE tanam_planting p SET last_observed_on = latest.last_on,
           next_check_on = {next_check}
    FROM tanam_planting q LEFT JOIN latest ON latest.planting_id = q.id
    WHERE p.id = q.id AND p.id BETWEEN %(low)s AND %(high)s
""".format(next_check=next_check_sql("p.planted_on", "latest.last_on", "p.dead_since IS NOT NULL"))


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(min(id), 0), coalesce(max(id), -1) FROM tanam_planting")
        low, high = cursor.fetchone()
        for start in range(low, high + 1, BATCH):
            cursor.execute(UPDATE_SQL, {"low": start, "high": start + BATCH - 1})


class Migration(migrations.Migration):
    atomic = False  # one short transaction per batch

    dependencies = [
        ("tanam", "0011_community_membership_last_check"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop, atomic=False),
    ]
