"""999 IKM Online aggregates for the dashboard (see sources/__init__.py): every query is an ikm selector."""

from . import selector


def collect(*, since, now):
    return _daily_rows(since=since), _snapshots()


def _snapshots():
    snapshots = {}
    home_summary = selector("ikm", "home_summary")
    if home_summary:
        snapshots["ikm.summary"] = home_summary()
    per_kecamatan = selector("ikm", "shops_per_kecamatan")
    if per_kecamatan:
        snapshots["ikm.per_kecamatan"] = [{"code": r["code"], "name": r["name"], "n": r["n"]} for r in per_kecamatan()]
    sectors = selector("ikm", "dashboard_online_per_sector_and_kecamatan")
    if sectors:
        snapshots["ikm.sectors"] = sectors()
    growth = selector("ikm", "growth_report_totals")
    if growth:
        snapshots["ikm.growth"] = growth()
    expiring = selector("ikm", "certifications_expiring")
    if expiring:
        snapshots["ikm.certs_expiring"] = [
            {
                "shop": c.shop.name,
                "kecamatan": c.shop.kecamatan_id,
                "kind": c.get_kind_display(),
                "number": c.number,
                "expires_on": c.expires_on,
            }
            for c in expiring().select_related("shop")
        ]
    return snapshots


def _daily_rows(*, since):
    """ikm.verified (per day and kecamatan), ikm.verified_sector (… and sector) and the buyer activity."""
    rows = []
    verified = selector("ikm", "dashboard_verified_per_day")
    if verified:
        for r in verified():
            rows.append((r["day"], "ikm.verified", r["kecamatan_id"], "", r["n"]))
            rows.append((r["day"], "ikm.verified_sector", r["kecamatan_id"], r["sector"], r["n"]))
    activity = selector("ikm", "daily_activity")
    if activity:
        data = activity(since=since)
        for name in ("products", "inquiries", "wa_clicks", "views"):
            rows += [(r["day"], f"ikm.{name}", r["kecamatan_id"], "", r["n"]) for r in data[name]]
    return rows
