"""The portal's one chart module: server-side SVG, no JavaScript, no CDN.

The dashboards' line, bar and choropleth functions take plain numbers and return a SafeString
holding one <svg> with role="img", a <title> and a <desc>. The hospital page's trend uses
`line_chart_geometry`, which returns the geometry for its template (markers, dash patterns,
a tooltip per point). Both share the palette and the axis top (`nice_max`). The same numbers
are always shown as a table next to the chart, so the SVG is decoration for sighted users and
the table is the accessible view.
"""

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

PALETTE = ["#0b5d4b", "#d08c00", "#2b6cb0", "#a4161a", "#6b46c1", "#2f855a", "#718096", "#b83280"]
MAP_SCALE = ["#eef6f2", "#c6e3d4", "#8fc7ab", "#4f9f7c", "#1f7556", "#0b4d3a"]
WIDTH, HEIGHT = 480, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 12, 12, 40
MAX_TOOLTIPS = 40


def _fmt(value):
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _svg(title, body, *, width=WIDTH, height=HEIGHT, desc=""):
    return mark_safe(  # noqa: S308 - every text inside is escaped here
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{body}</svg>"
    )


def nice_max(value):
    """The smallest 1/2/2.5/5 × 10^n at or above value (axis top); 1 for empty data."""
    if not value or value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _axes(top):
    """Horizontal grid lines with labels at 0, ½ and the top value."""
    parts = []
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    for fraction in (0, 0.5, 1):
        y = PAD_TOP + plot_h * (1 - fraction)
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{PAD_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_fmt(top * fraction)}</text>'
        )
    return "".join(parts)


def _x_labels(labels, x_of):
    """At most ~5 category labels under the plot so they never overlap."""
    if not labels:
        return ""
    step = max(1, -(-len(labels) // 5))
    return "".join(
        f'<text x="{x_of(i):.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="middle" class="tick">'
        f"{escape(str(label))}</text>"
        for i, label in enumerate(labels)
        if i % step == 0
    )


def _legend(names, *, top=HEIGHT - 14, left=PAD_LEFT):
    """Colour keys under the plot, wrapped onto as many rows as needed: (markup, extra height)."""
    if len(names) < 2:
        return "", 0
    parts, x, y = [], left, top
    for i, name in enumerate(names):
        width = 24 + 8 * len(str(name))
        if x + width > WIDTH and x > left:
            x, y = left, y + 16
        parts.append(
            f'<rect x="{x}" y="{y}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="{y + 9}" class="tick">{escape(str(name))}</text>'
        )
        x += width
    return "".join(parts), y - top


def line_chart(title, labels, series):
    """labels: x categories; series: [(name, [value|None per label])]."""
    values = [v for _name, points in series for v in points if v is not None]
    top = nice_max(max(values, default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    n = max(len(labels), 1)

    def x_of(i):
        return PAD_LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y_of(v):
        return PAD_TOP + plot_h * (1 - v / top)

    body = [_axes(top), _x_labels(labels, x_of)]
    for index, (name, points) in enumerate(series):
        coords = [(x_of(i), y_of(v)) for i, v in enumerate(points) if v is not None]
        if not coords:
            continue
        colour = PALETTE[index % len(PALETTE)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        body.append(f'<polyline class="series" data-series="{escape(str(name))}" points="{path}" stroke="{colour}"/>')
        if len(coords) == 1:
            body.append(f'<circle cx="{coords[0][0]:.1f}" cy="{coords[0][1]:.1f}" r="3" fill="{colour}"/>')
    legend, extra = _legend([name for name, _points in series])
    body.append(legend)
    return _svg(title, "".join(body), height=HEIGHT + extra, desc=f"{len(series)} seri, {len(labels)} titik")


def bar_chart(title, labels, series, *, stacked=False):
    """Vertical bars per label; several series side by side (or stacked)."""
    if stacked:
        totals = [sum(points[i] or 0 for _n, points in series) for i in range(len(labels))]
        top = nice_max(max(totals, default=0))
    else:
        top = nice_max(max((v or 0 for _n, points in series for v in points), default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    n = max(len(labels), 1)
    slot = plot_w / n
    width = slot * 0.8 / (1 if stacked else max(len(series), 1))

    def x_of(i):
        return PAD_LEFT + slot * (i + 0.5)

    body = [_axes(top), _x_labels(labels, x_of)]
    # Tooltips only on small charts: the table below has every number, and pages stay under 100 KB.
    tips = len(labels) * len(series) <= MAX_TOOLTIPS
    for i, label in enumerate(labels):
        base = 0.0
        for index, (name, points) in enumerate(series):
            value = points[i] or 0
            if not value:
                continue  # a zero bar draws nothing; the table shows the 0
            h = plot_h * value / top
            x = PAD_LEFT + slot * i + slot * 0.1 + (0 if stacked else index * width)
            y = PAD_TOP + plot_h - h - (plot_h * base / top if stacked else 0)
            tip = f"<title>{escape(str(label))} · {escape(str(name))}: {_fmt(value)}</title>" if tips else ""
            body.append(
                f'<rect class="bar" x="{x:.0f}" y="{y:.0f}" width="{max(width, 1):.0f}" height="{h:.0f}" '
                f'fill="{PALETTE[index % len(PALETTE)]}">{tip}</rect>'
            )
            base += value if stacked else 0
    legend, extra = _legend([name for name, _points in series])
    body.append(legend)
    return _svg(title, "".join(body), height=HEIGHT + extra, desc=f"{len(labels)} batang")


def map_class(value, top):
    """Colour class 0..5 of a value on a 0..top linear scale (0 = no data or zero)."""
    if not value or not top:
        return 0
    return min(len(MAP_SCALE) - 1, 1 + int((len(MAP_SCALE) - 1) * value / top * 0.9999))


def choropleth(title, shapes, values, *, width, height, highlight=""):
    """shapes: {code: (name, svg_path_d)}; values: {code: number}. One <path> per kecamatan.

    `highlight`: the code of the kecamatan chosen in the filter, outlined (drawn last, on top).
    """
    numbers = [v for v in values.values() if v]
    top = max(numbers, default=0)
    body = []
    for code, (name, d) in sorted(shapes.items(), key=lambda item: item[0] == highlight):
        value = values.get(code) or 0
        colour = MAP_SCALE[map_class(value, top)]
        css = "area selected" if code == highlight else "area"
        body.append(
            f'<path class="{css}" data-code="{escape(code)}" d="{d}" fill="{colour}">'
            f"<title>{escape(name)}: {_fmt(value)}</title></path>"
        )
    legend_y = height - 16
    for i, colour in enumerate(MAP_SCALE):
        body.append(f'<rect x="{8 + i * 26}" y="{legend_y}" width="26" height="10" fill="{colour}"/>')
    body.append(f'<text x="8" y="{legend_y - 4}" class="tick">0</text>')
    body.append(
        f'<text x="{8 + len(MAP_SCALE) * 26}" y="{legend_y - 4}" text-anchor="end" class="tick">{_fmt(top)}</text>'
    )
    return _svg(title, "".join(body), width=width, height=height, desc=f"{len(shapes)} kecamatan")


def hbar_chart(title, labels, series, *, label_width=150):
    """Horizontal bars for named categories (hospitals, species, sectors): long labels stay readable."""
    top = nice_max(max((v or 0 for _n, points in series for v in points), default=0))
    per_row = 8 + 12 * max(len(series), 1)
    legend = 22 if len(series) > 1 else 0
    height = PAD_TOP + per_row * max(len(labels), 1) + 20 + legend
    plot_w = WIDTH - label_width - PAD_RIGHT - 40
    tips = len(labels) * len(series) <= MAX_TOOLTIPS
    body = []
    for fraction in (0, 0.5, 1):
        x = label_width + plot_w * fraction
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{PAD_TOP}" y2="{height - 20 - legend}" class="grid"/>'
            f'<text x="{x:.1f}" y="{height - 6 - legend}" text-anchor="middle" class="tick">'
            f"{_fmt(top * fraction)}</text>"
        )
    for i, label in enumerate(labels):
        y0 = PAD_TOP + per_row * i + 4
        text = str(label) if len(str(label)) <= 20 else str(label)[:19] + "…"
        body.append(
            f'<text x="{label_width - 6}" y="{y0 + per_row / 2 + 2:.1f}" text-anchor="end" class="tick">'
            f"{escape(text)}</text>"
        )
        for index, (name, points) in enumerate(series):
            value = points[i] or 0
            if not value:
                continue
            tip = f"<title>{escape(str(label))} · {escape(str(name))}: {_fmt(value)}</title>" if tips else ""
            body.append(
                f'<rect class="bar" x="{label_width}" y="{y0 + index * 12:.0f}" width="{plot_w * value / top:.1f}" '
                f'height="10" fill="{PALETTE[index % len(PALETTE)]}">{tip}</rect>'
            )
    if legend:
        markup, extra = _legend([name for name, _points in series], top=height - 14, left=label_width)
        body.append(markup)
        height += extra
    return _svg(title, "".join(body), height=height, desc=f"{len(labels)} batang")


# --- The hospital page's trend: geometry for ehealth/hospital_detail.html ---------------------

TREND_WIDTH, TREND_HEIGHT = 360, 200
TREND_PAD_LEFT, TREND_PAD_RIGHT, TREND_PAD_TOP, TREND_PAD_BOTTOM = 30, 12, 12, 26
# Colour and dash pattern together tell the lines apart (also in greyscale and for colour-blind readers).
DASHES = ["", "6 3", "2 3"]
MARKERS = ["circle", "square", "diamond"]


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


def line_chart_geometry(days, series):
    """days: [date]; series: [{"label", "values": [int per day]}] -> geometry of a multi-line chart.

    Returns None when there is nothing to draw. Each line gets a colour, a dash pattern and
    a marker shape; each point carries its own tooltip text.
    """
    if not days or not series:
        return None
    top = nice_max(max((v for s in series for v in s["values"]), default=0))
    plot_w = TREND_WIDTH - TREND_PAD_LEFT - TREND_PAD_RIGHT
    plot_h = TREND_HEIGHT - TREND_PAD_TOP - TREND_PAD_BOTTOM
    step = plot_w / (len(days) - 1) if len(days) > 1 else 0

    def x_of(i):
        return round(TREND_PAD_LEFT + (i * step if len(days) > 1 else plot_w / 2), 1)

    def y_of(v):
        return round(TREND_PAD_TOP + plot_h * (1 - v / top), 1)

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
    # A middle grid line only where its label is a whole number (top 10 -> 5; top 25 -> none).
    fractions = (0, 0.5, 1) if top % 2 == 0 else (0, 1)
    ticks = [{"value": int(top * f), "y": y_of(top * f)} for f in fractions]
    return {
        "width": TREND_WIDTH,
        "height": TREND_HEIGHT,
        "left": TREND_PAD_LEFT,
        "right": TREND_WIDTH - TREND_PAD_RIGHT,
        "label_y": TREND_HEIGHT - 8,
        "ticks": ticks,
        "days": [{"x": x_of(i), "label": date_format(day, "D"), "date": day} for i, day in enumerate(days)],
        "lines": lines,
        "max": top,
    }
