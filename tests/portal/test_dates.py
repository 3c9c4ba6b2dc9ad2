"""blitar_portal/lib/dates.py: the one local-midnight helper."""

import datetime
import zoneinfo

from blitar_portal.lib.dates import local_midnight


def test_local_midnight_is_the_start_of_the_day_in_blitar():
    moment = local_midnight(datetime.date(2026, 1, 2))
    assert moment.tzinfo is not None
    assert moment == datetime.datetime(2026, 1, 2, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))
    assert moment == datetime.datetime(2026, 1, 1, 17, tzinfo=datetime.UTC)
