import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STATUS_CHOICES = [("menunggu", "Menunggu verifikasi"), ("terverifikasi", "Terverifikasi"), ("ditolak", "Ditolak")]


class Migration(migrations.Migration):
    dependencies = [
        ("ikm", "0008_private_photos_published"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Products that exist were shown with their verified shop: they count as reviewed (one constant
        # default, no table rewrite); new products then wait in the review queue (0010 sets the model's default).
        migrations.AddField(
            model_name="product",
            name="review_status",
            field=models.CharField(
                choices=STATUS_CHOICES, default="terverifikasi", max_length=16, verbose_name="status tinjauan"
            ),
        ),
        migrations.AddField(
            model_name="product",
            name="review_reason",
            field=models.CharField(blank=True, default="", max_length=600, verbose_name="alasan tinjauan"),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="ReviewLog",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("diajukan", "Diajukan"),
                            ("diverifikasi", "Diverifikasi"),
                            ("ditolak", "Ditolak"),
                            ("ditangguhkan", "Ditangguhkan"),
                            ("dipulihkan", "Dipulihkan"),
                        ],
                        max_length=16,
                        verbose_name="tindakan",
                    ),
                ),
                ("reason", models.CharField(blank=True, max_length=600, verbose_name="alasan")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="waktu")),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="review_log",
                        to="ikm.product",
                    ),
                ),
                (
                    "shop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="review_log", to="ikm.shop"
                    ),
                ),
                (
                    "user",
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
                "verbose_name": "riwayat tinjauan",
                "verbose_name_plural": "riwayat tinjauan",
                "ordering": ["-created_at", "-id"],
            },
        ),
    ]
