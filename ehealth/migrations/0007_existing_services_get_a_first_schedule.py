"""Services created before doctor schedules existed keep taking bookings: Monday-Saturday from their
opening time until 14:00 (or six hours after opening when it opens later), doctor "Dokter poli"
until a clerk enters the real schedule. A service is open only on the days of its schedule."""

import datetime

from django.db import migrations


def _six_hours_after(opens):
    later = datetime.datetime.combine(datetime.date(2000, 1, 1), opens) + datetime.timedelta(hours=6)
    return later.time() if later.date() == datetime.date(2000, 1, 1) else datetime.time(23, 59)


def first_schedules(apps, schema_editor):
    Service = apps.get_model("ehealth", "Service")
    ServiceSchedule = apps.get_model("ehealth", "ServiceSchedule")
    rows = []
    for service in Service.objects.filter(schedules__isnull=True):
        opens = service.opens_at
        ends = max(datetime.time(14, 0), _six_hours_after(opens))
        if ends <= opens:
            continue  # opens at 23:59: nothing sensible to guess; the clerk enters the schedule
        rows += [
            ServiceSchedule(service=service, weekday=day, starts_at=opens, ends_at=ends, doctor_name="Dokter poli")
            for day in range(6)
        ]
    ServiceSchedule.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("ehealth", "0006_service_schedule_day_queue")]

    operations = [migrations.RunPython(first_schedules, migrations.RunPython.noop)]
