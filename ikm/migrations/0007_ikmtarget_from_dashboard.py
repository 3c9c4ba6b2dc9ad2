"""The IKM target moves from the dashboard app to ikm, its owner, with its row.

The table is adopted as it is (state only), then renamed to ikm's name:
the row Diskominfo saved is kept.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ikm", "0006_ready_photo_order"),
        ("dashboard", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IkmTarget",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("target", models.PositiveIntegerField(default=1000, verbose_name="target IKM online")),
                        ("target_date", models.DateField(verbose_name="tanggal target")),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "target IKM",
                        "verbose_name_plural": "target IKM",
                        "db_table": "dashboard_ikmtarget",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="ikmtarget", table=None),
    ]
