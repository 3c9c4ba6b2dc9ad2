# Community memberships the citizen joins and leaves (with their listing consent), and the date of a
# planting's latest check (surviving trees: last check alive within 12 months). A new table and a
# nullable column: no rewrite of plantings. The members of the older many-to-many are copied as
# unlisted members (they never agreed to be shown).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_members(apps, schema_editor):
    Community = apps.get_model("tanam", "Community")
    Membership = apps.get_model("tanam", "Membership")
    for community in Community.objects.all():
        Membership.objects.bulk_create(
            [Membership(community=community, user=user, listed=False) for user in community.members.all()],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("tanam", "0010_planting_client_key"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Membership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("listed", models.BooleanField(default=False, verbose_name="tampilkan nama saya di halaman komunitas")),
                ("joined_at", models.DateTimeField(auto_now_add=True, verbose_name="bergabung pada")),
                ("listed_changed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "community",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="tanam.community"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tanam_memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "keanggotaan komunitas",
                "verbose_name_plural": "keanggotaan komunitas",
                "ordering": ["joined_at"],
                "constraints": [models.UniqueConstraint(fields=("community", "user"), name="tanam_membership_unique")],
            },
        ),
        migrations.AddField(
            model_name="planting",
            name="last_observed_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(copy_members, migrations.RunPython.noop),
    ]
