"""Cluster cells gain (year, other filter) rows: rebuild the derived table once from the plantings.

ClusterCell is derived data (tanam/clusters.py); rebuilding it is idempotent. With 1,000,000
plantings this takes about a minute.
"""

from django.db import migrations


def rebuild(apps, schema_editor):
    from tanam import clusters

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("TRUNCATE tanam_clustercell")
        for band in clusters.bands_fine_to_coarse():
            cursor.execute(clusters.band_insert_sql(band, one_cell=False), clusters.cell_params(band, 0, 0))


class Migration(migrations.Migration):
    dependencies = [("tanam", "0005_tree_count_per_point")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
