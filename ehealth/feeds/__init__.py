"""Hospital bed feeds (contract: docs/feeds/FORMATS.md; samples in tests/ehealth/samples/).

One module per format; each exposes `parse(body, *, url=None, fetch=None)` that
returns a list of `FeedRow` or raises `FeedError` naming the row and field.
`load_feed()` fetches, parses and sums rows into canonical classes.
"""

import importlib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .fetch import FeedError, fetch_feed

# Canonical bed classes (code -> label shown). Order = display order.
CANONICAL_CLASSES = {
    "VVIP": "VVIP",
    "VIP": "VIP",
    "KELAS_1": "Kelas 1",
    "KELAS_2": "Kelas 2",
    "KELAS_3": "Kelas 3",
    "KRIS": "KRIS JKN",
    "ICU": "ICU",
    "HCU": "HCU",
    "ICCU": "ICCU",
    "NICU": "NICU",
    "PICU": "PICU",
    "ISOLASI": "Isolasi",
    "PERINATOLOGI": "Perinatologi",
}
LAINNYA = "LAINNYA"
CLASS_LABELS = {**CANONICAL_CLASSES, LAINNYA: _("Lainnya")}
FORMATS = ("fhir", "aplicares", "sirs", "csv")
ACCEPT = {
    "fhir": "application/fhir+json",
    "aplicares": "application/json",
    "sirs": "application/json",
    "csv": "text/csv",
}


@dataclass(frozen=True)
class FeedRow:
    """One row of a feed, already mapped to a canonical class.

    room is the room's own name; it is part of the class key only for LAINNYA
    (unknown classes are kept under their room name, never guessed).
    source_code is the hospital's own class code (logged for LAINNYA).
    """

    code: str
    room: str
    capacity: int
    available: int
    source_code: str = ""
    label: str = ""


@dataclass
class FeedResult:
    classes: dict  # (code, room) -> (capacity, available)
    rows: int
    unknown_codes: list


def count(value, *, row, field):
    """A non-negative integer count, or FeedError naming row and field."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int):
        raise FeedError(
            _("Baris %(row)s, kolom %(field)s: jumlah harus bilangan bulat (nilai: %(value)r).")
            % {"row": row, "field": field, "value": value}
        )
    if value < 0:
        raise FeedError(
            _("Baris %(row)s, kolom %(field)s: jumlah tidak boleh negatif (%(value)s).")
            % {"row": row, "field": field, "value": value}
        )
    return value


def check_available(capacity, available, *, row, field):
    if available > capacity:
        raise FeedError(
            _("Baris %(row)s, kolom %(field)s: tersedia (%(available)s) melebihi kapasitas (%(capacity)s).")
            % {"row": row, "field": field, "available": available, "capacity": capacity}
        )


def class_key(code, room):
    return (code, room if code == LAINNYA else "")


def sum_rows(rows):
    """Rows of the same class (several wards) are summed; LAINNYA stays per room."""
    if not rows:
        raise FeedError(_("Feed tidak berisi baris tempat tidur yang dapat dipakai."))
    classes = {}
    unknown = []
    for row in rows:
        key = class_key(row.code, row.room)
        capacity, available = classes.get(key, (0, 0))
        classes[key] = (capacity + row.capacity, available + row.available)
        if row.code == LAINNYA and row.source_code and row.source_code not in unknown:
            unknown.append(row.source_code)
    return FeedResult(classes=classes, rows=len(rows), unknown_codes=unknown)


def parser_for(feed_format):
    if feed_format not in FORMATS:
        raise FeedError(_("Format feed tidak dikenal: %(format)s.") % {"format": feed_format})
    return importlib.import_module(f"ehealth.feeds.{feed_format}")


def parse_feed(feed_format, body, *, url=None, fetch=None):
    """Parse a body already fetched; FHIR follows next pages through `fetch`."""
    return sum_rows(parser_for(feed_format).parse(body, url=url, fetch=fetch))


def load_feed(*, url, feed_format, token="", timeout=None, max_bytes=None):
    """Fetch and parse a hospital's feed; FeedError on any problem (nothing half-read)."""
    parser_for(feed_format)

    def fetch(page_url):
        return fetch_feed(page_url, token=token, accept=ACCEPT[feed_format], timeout=timeout, max_bytes=max_bytes)

    return parse_feed(feed_format, fetch(url), url=url, fetch=fetch)


def json_body(body):
    import json

    try:
        text = body.decode("utf-8-sig")
        return json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedError(_("Feed bukan JSON yang sah: %(error)s") % {"error": str(exc)[:200]}) from None
