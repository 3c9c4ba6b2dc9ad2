"""Server-side inline SVG charts (no JavaScript, no CDN)."""

from django.utils.formats import date_format

WIDTH, HEIGHT, PAD_X, PAD_TOP, PAD_BOTTOM = 320, 160, 8, 18, 26


def bar_chart(points):
    """points: [(date, value)] -> geometry for the template's <svg>: bars with labels."""
    if not points:
        return None
    top = max(value for _day, value in points) or 1
    slot = (WIDTH - 2 * PAD_X) / len(points)
    usable = HEIGHT - PAD_TOP - PAD_BOTTOM
    bars = []
    for index, (day, value) in enumerate(points):
        height = round(usable * value / top, 1)
        x = round(PAD_X + index * slot + slot * 0.15, 1)
        bars.append(
            {
                "x": x,
                "y": round(PAD_TOP + usable - height, 1),
                "width": round(slot * 0.7, 1),
                "height": height,
                "value": value,
                "label": date_format(day, "D"),
                "date": day,
                "cx": round(x + slot * 0.35, 1),
                "vy": round(PAD_TOP + usable - height - 4, 1),
            }
        )
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "label_y": HEIGHT - 8, "max": top}
