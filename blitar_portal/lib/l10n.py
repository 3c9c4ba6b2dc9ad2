"""The one way numbers, percentages, dates and period labels are shown to a visitor.

Django's localization (no Babel): the active language's DECIMAL_SEPARATOR and THOUSAND_SEPARATOR
(Bahasa "1.234,5", English "1,234.5"), month names from the catalogue. Charts (server-side SVG
text), tables and cards all call these, so one page never mixes "0.07%" and "0,075 %".
Exports (CSV, XLSX) keep raw values (ISO dates, dot decimals) for spreadsheets.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

DECIMALS = 2  # at most two decimals are shown; trailing zeros are dropped (0,5 not 0,50)
EMPTY = "–"


def number(value: Any, *, decimals: int | None = None) -> str:
    """1234.5 -> "1.234,5" (Bahasa) / "1,234.5" (English); None -> "–"."""
    if value is None or value == "":
        return EMPTY
    amount = Decimal(str(value))
    if decimals is None:
        amount = amount.quantize(Decimal(1).scaleb(-DECIMALS), rounding=ROUND_HALF_UP).normalize()
        places = max(0, -amount.as_tuple().exponent)  # type: ignore[operator]
    else:
        amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        places = decimals
    if amount == 0:
        amount = abs(amount)  # never "-0"
    return formats.number_format(amount, places, use_l10n=True, force_grouping=True)


def percent(value: Any, *, decimals: int | None = None) -> str:
    """0.075 (already a percentage) -> "0,08 %" (Bahasa, SI spacing) / "0.08%" (English)."""
    if value is None or value == "":
        return EMPTY
    text = number(value, decimals=decimals)
    return f"{text}%" if (get_language() or "id").startswith("en") else f"{text}\u00a0%"


def date(value: datetime.date | datetime.datetime | None, *, with_time: bool = False) -> str:
    """ "30 Nov 2026" (both languages; month names translated), optionally " 14:05"."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "j M Y H:i" if with_time else "j M Y")


class PeriodLabel(str):
    """A bucket of a chart's x axis: equal to its ISO text ("2026-11-28", "2026-W48", "2026-11",
    "2026") for CSV, XLSX and comparisons, shown localized by `shown()` ("28 Nov 2026", "Minggu 48,
    2026", "Nov 2026", "2026")."""

    day: datetime.date
    granularity: str

    def __new__(cls, day: datetime.date, granularity: str) -> "PeriodLabel":
        if granularity == "week":
            year, week, _weekday = day.isocalendar()
            text = f"{year}-W{week:02d}"
        elif granularity == "month":
            text = day.strftime("%Y-%m")
        elif granularity == "year":
            text = str(day.year)
        else:
            text = day.isoformat()
        label = super().__new__(cls, text)
        label.day, label.granularity = day, granularity
        return label

    def localized(self) -> str:
        if self.granularity == "week":
            year, week, _weekday = self.day.isocalendar()
            return _("Minggu %(week)s, %(year)s") % {"week": week, "year": year}
        if self.granularity == "month":
            return formats.date_format(self.day, "M Y")
        if self.granularity == "year":
            return str(self.day.year)
        return date(self.day)


def shown(value: Any) -> str:
    """Any table or chart value as the visitor reads it."""
    if isinstance(value, PeriodLabel):
        return value.localized()
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return number(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return date(value)
    return str(value)
