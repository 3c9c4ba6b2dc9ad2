"""Gerakan Bangga Menanam aggregates for the dashboard (see sources/__init__.py): every query is a tanam selector."""

from . import selector


def collect(*, since, now):
    rows, snapshots = [], {}
    for key, name in [
        ("tanam.summary", "home_summary"),
        ("tanam.backlog", "dashboard_verification_backlog"),
        ("tanam.canopy", "dashboard_canopy_per_kecamatan"),
    ]:
        function = selector("tanam", name)
        if function:
            snapshots[key] = function()
    survival = selector("tanam", "dashboard_survival")
    if survival:
        snapshots["tanam.survival"] = {"percent": survival()}
    per_year = selector("tanam", "dashboard_survival_per_planting_year")
    if per_year:
        snapshots["tanam.survival_years"] = per_year()
    if "tanam.canopy" in snapshots:
        snapshots["tanam.canopy"] = _with_codes(snapshots["tanam.canopy"])
    backlog = selector("tanam", "dashboard_backlog_per_kecamatan")
    if backlog:
        snapshots["tanam.backlog_kecamatan"] = {str(k): v for k, v in backlog(now=now).items()}
    per_day = selector("tanam", "dashboard_plantings_per_day")
    if per_day:
        for r in per_day(since=since):
            rows.append((r["day"], "tanam.plantings", r["kecamatan_id"], "", r["plantings"]))
            rows.append((r["day"], "tanam.trees", r["kecamatan_id"], "", r["trees"]))
    per_month = selector("tanam", "dashboard_trees_per_month")
    if per_month:
        for by in ("species", "community"):
            rows += [
                (r["month"], f"tanam.{by}", r["kecamatan_id"], r["label"], r["trees"])
                for r in per_month(since=since, by=by)
            ]
    return rows, snapshots


def _with_codes(rows):
    from blitar_portal.regions.models import Kecamatan

    codes = dict(Kecamatan.objects.values_list("name", "code"))
    return [{**{str(k): v for k, v in r.items()}, "code": codes.get(r["kecamatan"], "")} for r in rows]
