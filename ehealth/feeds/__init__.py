"""Hospital bed feeds (contract: docs/feeds/FORMATS.md; samples in tests/ehealth/samples/).

One module per format; each exposes `parse(body, *, url=None, fetch=None)` that
returns a list of `FeedRow` or raises `FeedError` naming the row and field.
A hospital's format is data (a setting), so `PARSERS` maps it to the modules,
imported explicitly at the end of this file (they use the helpers above).
`load_feed()` fetches, parses and sums rows into canonical classes.
"""

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.utils.translation import gettext_lazy as _

from .fetch import FeedError, Fetch

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
# Emergency room (IGD) beds: not a bed class, read into the hospital's IGD status.
IGD = "IGD"
CLASS_LABELS = {**CANONICAL_CLASSES, LAINNYA: _("Lainnya")}
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
    # Available beds for men, for women, for either (Aplicares tersediapria/-wanita/-priawanita); None: not given.
    male: int | None = None
    female: int | None = None
    either: int | None = None
    waiting: int | None = None  # IGD rows: patients waiting (CSV column menunggu)


@dataclass
class FeedResult:
    classes: dict  # (code, room) -> (capacity, available)
    rows: int
    unknown_codes: list
    genders: dict = field(default_factory=dict)  # (code, room) -> (male, female, either), where the feed gives them
    igd: dict | None = None  # {"capacity", "available", "waiting"} where the feed carries the IGD


def count(value: Any, *, row: str, field: str) -> int:
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


def check_available(capacity: int, available: int, *, row: str, field: str) -> None:
    if available > capacity:
        raise FeedError(
            _("Baris %(row)s, kolom %(field)s: tersedia (%(available)s) melebihi kapasitas (%(capacity)s).")
            % {"row": row, "field": field, "available": available, "capacity": capacity}
        )


def class_key(code: str, room: str) -> tuple[str, str]:
    return (code, room if code == LAINNYA else "")


def sum_rows(rows: list[FeedRow]) -> FeedResult:
    """Rows of the same class (several wards) are summed; LAINNYA stays per room."""
    if not rows:
        raise FeedError(_("Feed tidak berisi baris tempat tidur yang dapat dipakai."))
    classes: dict[tuple[str, str], tuple[int, int]] = {}
    genders: dict[tuple[str, str], tuple[int, ...]] = {}
    unknown: list[str] = []
    igd: dict[str, Any] | None = None
    for row in rows:
        if row.code == IGD:
            igd = igd or {"capacity": 0, "available": 0, "waiting": None}
            igd["capacity"] += row.capacity
            igd["available"] += row.available
            if row.waiting is not None:
                igd["waiting"] = (igd["waiting"] or 0) + row.waiting
            continue
        key = class_key(row.code, row.room)
        capacity, available = classes.get(key, (0, 0))
        classes[key] = (capacity + row.capacity, available + row.available)
        if row.male is not None or row.female is not None or row.either is not None:
            old = genders.get(key, (0, 0, 0))
            genders[key] = tuple(o + (n or 0) for o, n in zip(old, (row.male, row.female, row.either), strict=True))
        if row.code == LAINNYA and row.source_code and row.source_code not in unknown:
            unknown.append(row.source_code)
    if not classes and igd is None:
        raise FeedError(_("Feed tidak berisi baris tempat tidur yang dapat dipakai."))
    return FeedResult(classes=classes, rows=len(rows), unknown_codes=unknown, genders=genders, igd=igd)


def parser_for(feed_format: str) -> ModuleType:
    if feed_format not in PARSERS:
        raise FeedError(_("Format feed tidak dikenal: %(format)s.") % {"format": feed_format})
    return PARSERS[feed_format]


def parse_feed(feed_format: str, body: bytes, *, url: str | None = None, fetch: Fetch | None = None) -> FeedResult:
    """Parse a body already fetched; FHIR follows next pages through `fetch`."""
    return sum_rows(parser_for(feed_format).parse(body, url=url, fetch=fetch))


def load_feed(
    *,
    url: str,
    feed_format: str,
    token: str = "",
    auth: Any = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> FeedResult:
    """Fetch and parse a hospital's feed; FeedError on any problem (nothing half-read).

    `auth` (auth.FeedAuth) says how requests authenticate (docs/feeds/AUTH.md); a bare
    `token` is the bearer scheme. Aplicares read through BPJS pages through every page.
    """
    from .auth import FeedAuth

    parser_for(feed_format)
    auth = auth or FeedAuth(scheme="bearer" if token else "none", token=token)

    def fetch(page_url: str) -> bytes:
        return auth.fetch(page_url, accept=ACCEPT[feed_format], timeout=timeout, max_bytes=max_bytes)

    if feed_format == "aplicares" and auth.scheme == "bpjs":
        return parse_feed(feed_format, aplicares.read_pages(url, fetch), url=url)
    return parse_feed(feed_format, fetch(url), url=url, fetch=fetch)


def json_body(body: bytes) -> Any:
    import json

    try:
        text = body.decode("utf-8-sig")
        return json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedError(_("Feed bukan JSON yang sah: %(error)s") % {"error": str(exc)[:200]}) from None


# The format modules import the helpers above, so they come last.
from . import aplicares, csv, fhir, sirs  # noqa: E402

PARSERS = {"fhir": fhir, "aplicares": aplicares, "sirs": sirs, "csv": csv}
