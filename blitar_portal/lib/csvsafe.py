"""The one CSV writer of the project: no cell can run as a spreadsheet formula.

Names typed by citizens (a community called `=HYPERLINK(...)`, a shop, a hospital room) end
up in CSV files that Diskominfo opens in a spreadsheet program. A text cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with an apostrophe (OWASP "CSV
injection"), so the program shows it as text. Numbers (int, float, Decimal, and text that is
a plain number such as "-8.123456") are left alone: they cannot run and must stay numbers.

Every CSV of the portal is written through `csv_writer()` (or `csv_cell()` for one value).
"""

import csv
import re
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def csv_cell(value):
    """One cell value, safe to open in a spreadsheet program."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeCsvWriter:
    """csv.writer with every cell passed through csv_cell()."""

    def __init__(self, fileobj, **fmtparams):
        self._writer = csv.writer(fileobj, **fmtparams)

    def writerow(self, row):
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(fileobj, **fmtparams):
    """The project's CSV writer (same arguments as csv.writer)."""
    return SafeCsvWriter(fileobj, **fmtparams)
