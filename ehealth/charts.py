"""Server-side inline SVG charts (no JavaScript, no CDN).

Functions return plain geometry for the template's <svg>; the template also shows the
same numbers as a table, which is the accessible view of every chart.
"""

from django.utils.formats import date_format

WIDTH, HEIGHT = 360, 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 30, 12, 12, 26
# Colour and dash pattern together tell the lines apart (also in greyscale and for colour-blind readers).
PALETTE = ["#0b5d4b", "#d08c00", "#2b6cb0", "#a4161a", "#6b46c1", "#2f855a", "#718096", "#b83280"]
DASHES = ["", "6 3", "2 3"]
MARKERS = ["circle", "square", "diamond"]


def nice_max(value):
    """The smallest 1/2/5 × 10^n at or above value (axis top); 1 for empty data."""
    if not value or value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def series_style(index):
    return {
        "colour": PALETTE[index % len(PALETTE)],
        "dash": DASHES[(index // len(PALETTE) + index) % len(DASHES)],
        "marker": MARKERS[index % len(MARKERS)],
    }


def marker_path(shape, x, y, r=3.5):
    """SVG path data of a point marker centred on (x, y)."""
    if shape == "square":
        return f"M{x - r:.1f},{y - r:.1f}h{2 * r:.1f}v{2 * r:.1f}h{-2 * r:.1f}z"
    if shape == "diamond":
        d = r * 1.3
        return f"M{x:.1f},{y - d:.1f}l{d:.1f},{d:.1f}l{-d:.1f},{d:.1f}l{-d:.1f},{-d:.1f}z"
    return f"M{x - r:.1f},{y:.1f}a{r},{r} 0 1,0 {2 * r:.1f},0a{r},{r} 0 1,0 {-2 * r:.1f},0"


def line_chart(days, series):
    """days: [date]; series: [{"label", "values": [int per day]}] -> geometry of a multi-line chart.

    Returns None when there is nothing to draw. Each line gets a colour, a dash pattern and
    a marker shape; each point carries its own tooltip text.
    """
    if not days or not series:
        return None
    top = nice_max(max((v for s in series for v in s["values"]), default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    step = plot_w / (len(days) - 1) if len(days) > 1 else 0

    def x_of(i):
        return round(PAD_LEFT + (i * step if len(days) > 1 else plot_w / 2), 1)

    def y_of(v):
        return round(PAD_TOP + plot_h * (1 - v / top), 1)

    lines = []
    for index, item in enumerate(series):
        style = series_style(index)
        points = [
            {
                "x": x_of(i),
                "y": y_of(v),
                "value": v,
                "date": days[i],
                "marker": marker_path(style["marker"], x_of(i), y_of(v)),
            }
            for i, v in enumerate(item["values"])
        ]
        lines.append(
            {
                **style,
                "label": item["label"],
                "legend_marker": marker_path(style["marker"], 15, 6),
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    fractions = (0, 0.5, 1) if top % 2 == 0 else (0, 1)
    ticks = [{"value": int(top * f), "y": y_of(top * f)} for f in fractions]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": PAD_LEFT,
        "right": WIDTH - PAD_RIGHT,
        "label_y": HEIGHT - 8,
        "ticks": ticks,
        "days": [{"x": x_of(i), "label": date_format(day, "D"), "date": day} for i, day in enumerate(days)],
        "lines": lines,
        "max": top,
    }
