"""One CSV guard for the whole project: no cell typed by a person runs as a spreadsheet formula."""

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from blitar_portal.lib.csvsafe import csv_cell, csv_writer

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+62 812", "'+62 812"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Komunitas Hijau", "Komunitas Hijau"),
        ("a=b", "a=b"),
        ("-8.123456", "-8.123456"),  # a plain number stays a number
        (-5, -5),
        (2.5, 2.5),
        (Decimal("-1.5"), Decimal("-1.5")),
        (None, ""),
        (datetime.date(2026, 1, 2), "2026-01-02"),
    ],
)
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


def test_writer_guards_every_cell_of_every_row():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["nama", "angka"])
    writer.writerows([["=1+1", -3], ["biasa", 4]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["nama", "angka"], ["'=1+1", "-3"], ["biasa", "4"]]


def test_every_csv_writer_of_the_project_is_the_guarded_one():
    """No module writes CSV with the standard library directly: every export goes through the guard."""
    pattern = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("blitar_portal", "ehealth", "ikm", "tanam", "bench", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8")) and path.name != "csvsafe.py"
    ]
    assert offenders == []
