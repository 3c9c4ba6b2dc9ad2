"""Kemenkes SIRS "RS Online" JSON: fasyankes[] with id_tt, ruang, jumlah, terpakai."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from . import LAINNYA, FeedError, FeedRow, check_available, count, json_body
from .fetch import Fetch

CODES = {
    "1": "VVIP",
    "2": "VIP",
    "3": "KELAS_1",
    "4": "KELAS_2",
    "5": "KELAS_3",
    "52": "KRIS",
    "6": "ICU",
    "7": "HCU",
    "8": "ICCU",
    "10": "NICU",
    "11": "PICU",
    "12": "ISOLASI",
    "14": "PERINATOLOGI",
}


def parse(body: bytes, *, url: str | None = None, fetch: Fetch | None = None) -> list:
    data = json_body(body)
    items = data.get("fasyankes") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise FeedError(_("Feed SIRS tidak memiliki daftar fasyankes."))
    return [_row(item, index) for index, item in enumerate(items, start=1)]


def _row(item: Any, index: int) -> FeedRow:
    if not isinstance(item, dict):
        raise FeedError(_("Baris %(row)s: bukan objek.") % {"row": index})
    source = str(item.get("id_tt") if item.get("id_tt") is not None else "").strip()
    room = str(item.get("ruang") or item.get("tt") or source).strip()
    label = f"{index} ({room})"
    capacity = count(item.get("jumlah"), row=label, field="jumlah")
    used = count(item.get("terpakai"), row=label, field="terpakai")
    if used > capacity:
        raise FeedError(
            _("Baris %(row)s, kolom terpakai: terpakai (%(used)s) melebihi jumlah (%(capacity)s).")
            % {"row": label, "used": used, "capacity": capacity}
        )
    available = capacity - used
    check_available(capacity, available, row=label, field="terpakai")
    code = CODES.get(source, LAINNYA)
    return FeedRow(code=code, room=room, capacity=capacity, available=available, source_code=source, label=label)
