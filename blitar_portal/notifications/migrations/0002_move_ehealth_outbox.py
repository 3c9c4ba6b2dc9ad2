"""Move the rows of the old e-mail outbox (ehealth.NotificationOutbox) into the one outbox.

Pending e-mails stay pending (the sweep sends them); sent ones keep their history until the
retention rules remove them. The old table is dropped by the next ehealth migration.
"""

from django.db import migrations
from django.utils.crypto import salted_hmac


def move(apps, schema_editor):
    Old = apps.get_model("ehealth", "NotificationOutbox")
    Notification = apps.get_model("notifications", "Notification")
    rows = []
    for old in Old.objects.all().iterator(chunk_size=1000):
        rows.append(
            Notification(
                event="ehealth_request_status",
                template="ehealth_request_status",
                channel="email",
                to=old.to_email,
                recipient_key=salted_hmac("notifications.recipient", old.to_email.lower()).hexdigest(),
                subject=old.subject,
                text=old.body,
                urgent=True,
                state="sent" if old.sent_at else ("failed" if old.attempts >= 10 else "pending"),
                attempts=old.attempts,
                last_error=old.last_error,
                sent_at=old.sent_at,
                created_at=old.created_at,
                next_attempt_at=old.created_at,
                dedupe_key=f"ehealth-outbox:{old.pk}",
                source_model="ehealth.servicerequest",
                source_id=str(old.service_request_id),
            )
        )
    Notification.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("ehealth", "0005_encrypt_existing_personal_data"),
    ]
    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
