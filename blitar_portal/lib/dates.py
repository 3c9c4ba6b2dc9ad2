"""Local calendar days as aware moments (the portal's time zone, Asia/Jakarta)."""

import datetime

from django.utils import timezone


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The aware moment `day` starts in the current time zone: the lower bound of "on or after this day"."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
