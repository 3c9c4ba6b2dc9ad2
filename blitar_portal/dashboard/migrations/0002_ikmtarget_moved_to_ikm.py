"""IkmTarget now belongs to ikm (ikm 0007 adopted and renamed its table): forget it here, keep the data."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("ikm", "0007_ikmtarget_from_dashboard"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IkmTarget")],
            database_operations=[],
        ),
    ]
