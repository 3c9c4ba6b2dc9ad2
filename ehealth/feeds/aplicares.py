"""BPJS Aplicares-style JSON: response.list[] with kodekelas, kapasitas, tersedia (and by sex).

Read through BPJS (docs/feeds/AUTH.md) the feed URL is `<base>/rest/bed/read/<kode PPK>`;
`read_pages` appends `/<start>/<limit>` and reads every page before anything is applied.
"""

import json
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


PAGE_SIZE = 100
MAX_PAGES = 50
OK_CODES = {"1", "200"}  # Aplicares says 1, the newer BPJS services 200


def _items(data: Any) -> tuple[list, dict]:
    if not isinstance(data, dict):
        raise FeedError(_("Feed Aplicares harus berupa objek JSON."))
    metadata = data.get("metadata") or data.get("metaData") or {}
    if str(metadata.get("code", "1")) not in OK_CODES:
        raise FeedError(
            _("Server RS melaporkan galat (metadata.code %(code)s): %(message)s")
            % {"code": metadata.get("code"), "message": str(metadata.get("message", ""))[:200]}
        )
    response = data.get("response")
    items = response.get("list") if isinstance(response, dict) else None
    if not isinstance(items, list):
        raise FeedError(_("Feed Aplicares tidak memiliki response.list."))
    return items, metadata


def parse(body: bytes, *, url: str | None = None, fetch: Fetch | None = None) -> list[FeedRow]:
    items, _metadata = _items(json_body(body))
    return [_row(item, index) for index, item in enumerate(items, start=1)]


def read_pages(url: str, fetch: Fetch) -> bytes:
    """Every page of `<url>/<start>/<limit>` (start counts from 1) as one Aplicares body.

    Stops when metadata.totalitems rooms were read (or a page comes short/empty);
    FeedError past MAX_PAGES, so a hospital is never applied half-read.
    """
    base = url.rstrip("/")
    items: list = []
    start = 1
    for _page in range(MAX_PAGES):
        page, metadata = _items(json_body(fetch(f"{base}/{start}/{PAGE_SIZE}")))
        items.extend(page)
        total = metadata.get("totalitems")
        total = count(total, row="metadata", field="totalitems") if total not in (None, "") else None
        done = not page or (len(items) >= total if total is not None else len(page) < PAGE_SIZE)
        if done:
            return json.dumps({"metadata": {"code": 1, "totalitems": len(items)}, "response": {"list": items}}).encode()
        start += len(page)
    raise FeedError(_("Feed Aplicares lebih dari %(n)s halaman.") % {"n": MAX_PAGES})


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
    by_sex = {}
    for field, name in (("tersediapria", "male"), ("tersediawanita", "female"), ("tersediapriawanita", "either")):
        value = item.get(field)
        by_sex[name] = None if value in (None, "") else count(value, row=label, field=field)
    given = [v for v in by_sex.values() if v is not None]
    if given and sum(given) > available:
        raise FeedError(
            _("Baris %(row)s: tersediapria + tersediawanita + tersediapriawanita (%(sum)s) melebihi tersedia (%(n)s).")
            % {"row": label, "sum": sum(given), "n": available}
        )
    return FeedRow(
        code=code, room=room, capacity=capacity, available=available, source_code=source, label=label, **by_sex
    )
