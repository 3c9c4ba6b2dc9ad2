"""What a valid slot is: the one rule for "may a citizen book this service on this day, now?".

Pure functions (no queries): `services.service_request_validate` applies it to a booking
(and `services._service_request_insert` re-checks the quota under the day's lock);
`selectors.service_open_days` applies it to every day of the booking window, so the form
and the API offer exactly the days a booking would accept.

A slot (service, day) is open when:
1. the service and its hospital are active;
2. the day is today or later, and within the hospital's booking window;
3. the service has a doctor session (`ServiceSchedule`) on that weekday;
4. if the day is today, the last session of the day has not ended yet;
5. fewer than `daily_quota` requests of that day are still active or done
   (cancelled, rejected and no-show requests give their place back).
"""

import datetime

from django.utils.translation import gettext as _

from .models import ServiceSchedule


def day_window(sessions):
    """(first start, last end) of a day's sessions, or None when the service is closed that day."""
    if not sessions:
        return None
    return min(s.starts_at for s in sessions), max(s.ends_at for s in sessions)


def slot_problem(*, service, day, now_local, sessions, booked):
    """None when the slot is open, else (field, message) saying why not (Bahasa via gettext).

    `now_local` is the current local datetime (naive or aware, in the portal's time zone);
    `sessions` the service's ServiceSchedule rows for `day`'s weekday; `booked` the number of
    requests of that day that hold a place.
    """
    today = now_local.date()
    if not service.is_active or not service.hospital.is_active:
        return "service", _("Layanan ini sedang tidak menerima permohonan.")
    if day < today:
        return "visit_date", _("Tanggal kunjungan tidak boleh di masa lalu.")
    window = service.hospital.booking_window_days
    last = today + datetime.timedelta(days=window)
    if day > last:
        return "visit_date", _("Tanggal kunjungan paling lambat %(date)s (jendela pendaftaran %(days)s hari).") % {
            "date": last.strftime("%d-%m-%Y"),
            "days": window,
        }
    hours = day_window(sessions)
    if hours is None:
        return "visit_date", _("%(service)s tidak buka pada hari %(day)s. Pilih hari lain.") % {
            "service": service.name,
            "day": ServiceSchedule.Weekday(day.weekday()).label,
        }
    if day == today and now_local.time() >= hours[1]:
        return "visit_date", _(
            "Pendaftaran hari ini sudah tutup (layanan sampai %(time)s WIB). Pilih hari berikutnya."
        ) % {"time": hours[1].strftime("%H:%M")}
    if booked >= service.daily_quota:
        return "visit_date", quota_full_message()
    return None


def quota_full_message():
    return _("Kuota layanan ini pada tanggal tersebut sudah habis. Pilih tanggal lain.")


def booking_estimate(*, sessions, number, avg_minutes, now_local, day):
    """The time promised at booking: the day's first session plus the patients before this number,
    never earlier than now on a same-day booking (a ticket never promises a time already past)."""
    start, _end = day_window(sessions)
    estimate = datetime.datetime.combine(day, start) + datetime.timedelta(minutes=avg_minutes * (number - 1))
    if day == now_local.date():
        current = datetime.datetime.combine(day, now_local.time().replace(second=0, microsecond=0))
        estimate = max(estimate, current + datetime.timedelta(minutes=1))
    if estimate.date() != day:  # past midnight: the last minute of the day is the honest answer
        return datetime.time(23, 59)
    return estimate.time()
