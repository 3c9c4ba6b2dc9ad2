"""CSV: header kelas,ruang,kapasitas,terisi; kelas is a canonical code; a BOM is tolerated.

A row of kelas `IGD` is the emergency room (its optional column `menunggu`: patients waiting).
"""

import csv as csvlib
import io
from typing import Any

from django.utils.translation import gettext_lazy as _

from . import CANONICAL_CLASSES, IGD, LAINNYA, FeedError, FeedRow, count
from .fetch import Fetch

REQUIRED = ("kelas", "kapasitas", "terisi")


def parse(body: bytes, *, url: str | None = None, fetch: Fetch | None = None) -> list:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedError(_("Feed CSV harus berenkode UTF-8.")) from None
    reader = csvlib.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise FeedError(_("Header CSV kurang kolom: %(cols)s.") % {"cols": ", ".join(missing)})
    reader.fieldnames = header
    rows = []
    try:
        for line, item in enumerate(reader, start=2):
            if not any((value or "").strip() for value in item.values() if isinstance(value, str)):
                continue
            rows.append(_row(item, line))
    except csvlib.Error as exc:
        raise FeedError(_("CSV tidak dapat dibaca: %(error)s") % {"error": exc}) from None
    return rows


def _row(item: Any, line: int) -> FeedRow:
    source = (item.get("kelas") or "").strip().upper()
    room = (item.get("ruang") or "").strip() or source
    label = f"{line} ({room})"
    capacity = count(item.get("kapasitas"), row=label, field="kapasitas")
    occupied = count(item.get("terisi"), row=label, field="terisi")
    if occupied > capacity:
        raise FeedError(
            _("Baris %(row)s, kolom terisi: terisi (%(occupied)s) melebihi kapasitas (%(capacity)s).")
            % {"row": label, "occupied": occupied, "capacity": capacity}
        )
    code = source if source in CANONICAL_CLASSES or source == IGD else LAINNYA
    waiting = None
    if code == IGD and (item.get("menunggu") or "").strip():
        waiting = count(item.get("menunggu"), row=label, field="menunggu")
    return FeedRow(
        code=code,
        room=room,
        capacity=capacity,
        available=capacity - occupied,
        source_code=source,
        label=label,
        waiting=waiting,
    )
