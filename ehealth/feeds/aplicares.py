"""BPJS Aplicares-style JSON: response.list[] with kodekelas, kapasitas, tersedia."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from . import LAINNYA, FeedError, FeedRow, check_available, count, json_body
from .fetch import Fetch

CODES = {
    "VVP": "VVIP",
    "VIP": "VIP",
    "KL1": "KELAS_1",
    "KL2": "KELAS_2",
    "KL3": "KELAS_3",
    "ICU": "ICU",
    "HCU": "HCU",
    "ICC": "ICCU",
    "NIC": "NICU",
    "PIC": "PICU",
    "ISO": "ISOLASI",
}


def parse(body: bytes, *, url: str | None = None, fetch: Fetch | None = None) -> list:
    data = json_body(body)
    if not isinstance(data, dict):
        raise FeedError(_("Feed Aplicares harus berupa objek JSON."))
    metadata = data.get("metadata") or {}
    if str(metadata.get("code", "1")) != "1":
        raise FeedError(
            _("Server RS melaporkan galat (metadata.code %(code)s): %(message)s")
            % {"code": metadata.get("code"), "message": str(metadata.get("message", ""))[:200]}
        )
    items = (data.get("response") or {}).get("list")
    if not isinstance(items, list):
        raise FeedError(_("Feed Aplicares tidak memiliki response.list."))
    return [_row(item, index) for index, item in enumerate(items, start=1)]


def _row(item: Any, index: int) -> FeedRow:
    if not isinstance(item, dict):
        raise FeedError(_("Baris %(row)s: bukan objek.") % {"row": index})
    source = str(item.get("kodekelas") or "").strip().upper()
    room = str(item.get("namaruang") or item.get("koderuang") or source).strip()
    label = f"{index} ({room})"
    capacity = count(item.get("kapasitas"), row=label, field="kapasitas")
    available = count(item.get("tersedia"), row=label, field="tersedia")
    check_available(capacity, available, row=label, field="tersedia")
    code = CODES.get(source, LAINNYA)
    return FeedRow(code=code, room=room, capacity=capacity, available=available, source_code=source, label=label)
