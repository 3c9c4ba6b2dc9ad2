from django.db import migrations, models

STATUS_CHOICES = [("menunggu", "Menunggu verifikasi"), ("terverifikasi", "Terverifikasi"), ("ditolak", "Ditolak")]


class Migration(migrations.Migration):
    """New products wait in the review queue (0009 marked the existing ones as reviewed).
    Only Django's default changes: no SQL runs on the table."""

    dependencies = [("ikm", "0009_product_review_and_log")]

    operations = [
        migrations.AlterField(
            model_name="product",
            name="review_status",
            field=models.CharField(
                choices=STATUS_CHOICES, default="menunggu", max_length=16, verbose_name="status tinjauan"
            ),
        ),
    ]
