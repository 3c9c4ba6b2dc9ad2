"""E-Health aggregates for the dashboard (see sources/__init__.py): every query is an ehealth selector."""

from . import selector

BOR_DAYS = 400  # bed-days summed per month this far back…
BOR_DAILY_DAYS = 183  # …and kept per day for the daily and weekly views (the longest weekly period)


def collect(*, since, now):
    rows, snapshots = [], {}
    home_summary = selector("ehealth", "home_summary")
    if home_summary:
        snapshots["ehealth.summary"] = home_summary()
    hospital_status = selector("ehealth", "dashboard_hospital_status")
    if hospital_status:
        snapshots["ehealth.hospitals"] = hospital_status(days=7, now=now)
    bed_days = selector("ehealth", "dashboard_bed_days")
    if bed_days:
        rows += _bed_rows(bed_days(days=min(BOR_DAYS, (now.date() - since).days + 1), now=now), now=now)
    per_day = selector("ehealth", "dashboard_requests_per_day_by_area")
    if per_day:
        data = per_day(since=since)
        rows += [(r["day"], "ehealth.requests", r["kecamatan_id"], r["status"], r["n"]) for r in data["by_status"]]
        rows += [
            (r["day"], "ehealth.requests_hospital", r["kecamatan_id"], r["hospital"], r["n"])
            for r in data["by_hospital"]
        ]
    outcomes = selector("ehealth", "dashboard_outcomes_per_day")
    if outcomes:
        rows += [(r["day"], "ehealth.outcome", r["kecamatan_id"], r["status"], r["n"]) for r in outcomes(since=since)]
    medians = selector("ehealth", "dashboard_median_hours")
    if medians:
        for r in medians(since=since):
            for key in ("to_accepted", "to_completed"):
                if r[key] is not None:
                    rows.append((r["month"], f"ehealth.median_{key}", None, "", r[key]))
    return rows, snapshots


def _bed_rows(points, *, now):
    """Bed-days per day (recent days) and summed per month (all days): sums of bed-days stay exact BOR."""
    import datetime

    rows, months = [], {}
    first_daily = now.date() - datetime.timedelta(days=BOR_DAILY_DAYS - 1)
    for day, kecamatan_id, code, capacity, occupied in points:
        if day >= first_daily:
            rows.append((day, "ehealth.bed_capacity", kecamatan_id, code, capacity))
            rows.append((day, "ehealth.bed_occupied", kecamatan_id, code, occupied))
        key = (day.replace(day=1), kecamatan_id, code)
        cap, occ = months.get(key, (0, 0))
        months[key] = (cap + capacity, occ + occupied)
    for (month, kecamatan_id, code), (capacity, occupied) in months.items():
        rows.append((month, "ehealth.bed_capacity_month", kecamatan_id, code, capacity))
        rows.append((month, "ehealth.bed_occupied_month", kecamatan_id, code, occupied))
    return rows
