"""The portal's one chart module: server-side SVG, no JavaScript, no CDN.

The dashboards' line, bar and choropleth functions take plain numbers and return a SafeString
holding one <svg> with role="img", a <title> and a <desc>. The hospital page's trend uses
`line_chart_geometry`, which returns the geometry for its template (markers, dash patterns,
a tooltip per point). Both share the palette (`PALETTE`, `colour`), the grouping rule
(`group_series`: at most 12 series, the rest summed as "lainnya") and the axis top (`nice_max`).
Every number and date drawn goes through `blitar_portal.lib.l10n` (the visitor's locale).

Charts scale to their card (viewBox, width 100%); style is in presentation attributes, so the
same markup is valid inline, as a downloaded .svg file and as the source of the PNG (`to_png`).
Category labels are never cut: horizontal bars put each label, wrapped on words, above its bar.
The same numbers are always shown as a table next to the chart (the accessible view).
"""

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from blitar_portal.lib.l10n import number as _fmt
from blitar_portal.lib.l10n import shown

# Okabe–Ito (colour-blind safe) then Paul Tol's muted/bright scheme: 12 colours told apart with
# every common colour-vision deficiency, each readable on white. "lainnya" is always grey.
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#332288",  # indigo (Tol)
    "#999933",  # olive (Tol)
    "#882255",  # wine (Tol)
    "#44AA99",  # teal (Tol)
    "#000000",  # black
    "#DDCC77",  # sand (Tol)
]
OTHER_COLOUR = "#9E9E9E"
MAX_SERIES = len(PALETTE)  # a legend shows at most 12 series; more are grouped (group_series)
MAP_SCALE = ["#eef6f2", "#c6e3d4", "#8fc7ab", "#4f9f7c", "#1f7556", "#0b4d3a"]
WIDTH, HEIGHT = 400, 220  # small enough that 13 px text stays legible on a 360 px phone
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 52, 12, 12, 40
MAX_TOOLTIPS = 40
FONT_SIZE = 13
CHAR_WIDTH = 7.8  # average advance of a 13 px sans-serif character (DejaVu Sans; wrapping and legend layout)
TEXT_COLOUR, GRID_COLOUR = "#4a5568", "#d9dee3"


def other_label():
    return _("lainnya")


def colour(index, name=None):
    """The colour of the index-th series ("lainnya" is grey)."""
    if name is not None and str(name) == other_label():
        return OTHER_COLOUR
    return PALETTE[index % len(PALETTE)]


def group_series(series, *, limit=MAX_SERIES):
    """[(name, [values])] with at most `limit` series: the `limit - 1` largest (by total) keep their
    order, the rest are summed into one "lainnya" series. The tables and CSV keep every series."""
    if len(series) <= limit:
        return list(series)
    totals = [sum(v or 0 for v in points) for _name, points in series]
    keep = set(sorted(range(len(series)), key=lambda i: -totals[i])[: limit - 1])
    length = max((len(points) for _n, points in series), default=0)
    rest = [0] * length
    for i, (_name, points) in enumerate(series):
        if i not in keep:
            rest = [a + (b or 0) for a, b in zip(rest, points, strict=True)]
    return [s for i, s in enumerate(series) if i in keep] + [(other_label(), rest)]


def wrap(text, width_chars):
    """Lines of at most `width_chars` characters, broken between words (a word longer than a line
    is broken inside it); nothing is dropped: " ".join(lines) == the text with spaces collapsed."""
    lines, line = [], ""
    for word in str(text).split():
        while len(word) > width_chars:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:width_chars])
            word = word[width_chars:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width_chars:
            line += " " + word
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _svg(title, body, *, width=WIDTH, height=HEIGHT, desc=""):
    return mark_safe(  # noqa: S308 - every text inside is escaped here
        f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" width="100%" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{body}</svg>"
    )


def _grid_line(x1, x2, y1, y2):
    return f'<line x1="{x1:.1f}" x2="{x2:.1f}" y1="{y1:.1f}" y2="{y2:.1f}" class="grid" stroke="{GRID_COLOUR}"/>'


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
            _grid_line(PAD_LEFT, WIDTH - PAD_RIGHT, y, y)
            + f'<text x="{PAD_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_fmt(top * fraction)}</text>'
        )
    return "".join(parts)


def _x_labels(labels, x_of):
    """Category labels under the plot, as many as fit without overlapping (never cut, never outside)."""
    if not labels:
        return ""
    texts = [shown(label) for label in labels]
    room = (WIDTH - PAD_LEFT - PAD_RIGHT) / max(len(labels), 1)
    widest = max(len(t) for t in texts) * CHAR_WIDTH + 8
    step = max(1, -(-int(widest) // max(int(room), 1)))
    parts, right_end = [], -1.0
    for i, text in enumerate(texts):
        if i % step:
            continue
        x, half = x_of(i), len(text) * CHAR_WIDTH / 2
        anchor, left, right = "middle", x - half, x + half
        if left < 2:
            anchor, x, left, right = "start", 2, 2, 2 + 2 * half
        elif right > WIDTH - 2:
            anchor, x, left, right = "end", WIDTH - 2, WIDTH - 2 - 2 * half, WIDTH - 2
        if left < right_end + 6:
            continue  # would touch the previous label: the table has every period
        right_end = right
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" text-anchor="{anchor}" class="tick">'
            f"{escape(text)}</text>"
        )
    return "".join(parts)


def _legend(names, *, top=HEIGHT - 14, left=PAD_LEFT, width=WIDTH):
    """Colour keys under the plot, wrapped onto as many rows as needed: (markup, extra height)."""
    if len(names) < 2:
        return "", 0
    parts, x, y = [], left, top
    for i, name in enumerate(names):
        text = str(name)
        item = 24 + CHAR_WIDTH * len(text)
        if x + item > width and x > left:
            x, y = left, y + 18
        parts.append(
            f'<rect x="{x:.0f}" y="{y}" width="11" height="11" fill="{colour(i, text)}" class="key"/>'
            f'<text x="{x + 15:.0f}" y="{y + 10}" class="tick">{escape(text)}</text>'
        )
        x += item
    return "".join(parts), y - top


def line_chart(title, labels, series):
    """labels: x categories; series: [(name, [value|None per label])].

    Lines are never summed into "lainnya" (they are often rates): past 12 series a line keeps a
    palette colour and gets a dash pattern, so every line stays distinct and in the legend."""
    values = [v for _name, points in series for v in points if v is not None]
    top = nice_max(max(values, default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    n = max(len(labels), 1)

    def x_of(i):
        return PAD_LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y_of(v):
        return PAD_TOP + plot_h * (1 - v / top)

    body = [_axes(top), _x_labels(labels, x_of)]
    tips = len(labels) * len(series) <= MAX_TOOLTIPS
    for index, (name, points) in enumerate(series):
        coords = [(x_of(i), y_of(v), i, v) for i, v in enumerate(points) if v is not None]
        if not coords:
            continue
        stroke = colour(index, name)
        dash = DASHES[(index // len(PALETTE)) % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _i, _v in coords)
        body.append(
            f'<polyline class="series" data-series="{escape(str(name))}" points="{path}" stroke="{stroke}" '
            f'fill="none" stroke-width="2"{dash_attr}/>'
        )
        if len(coords) == 1 or tips:
            for x, y, i, v in coords:
                tip = f"<title>{escape(shown(labels[i]))} · {escape(str(name))}: {_fmt(v)}</title>" if tips else ""
                body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{stroke}">{tip}</circle>')
    legend, extra = _legend([name for name, _points in series])
    body.append(legend)
    return _svg(title, "".join(body), height=HEIGHT + extra, desc=f"{len(series)} seri, {len(labels)} titik")


def bar_chart(title, labels, series, *, stacked=False):
    """Vertical bars per label (periods along the x axis); several series side by side (or stacked).
    More than 12 series: the smallest are summed as "lainnya" (`group_series`)."""
    series = group_series(series)
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
            tip = f"<title>{escape(shown(label))} · {escape(str(name))}: {_fmt(value)}</title>" if tips else ""
            body.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(width, 1):.1f}" height="{h:.1f}" '
                f'fill="{colour(index, name)}">{tip}</rect>'
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
        fill = MAP_SCALE[map_class(value, top)]
        css = "area selected" if code == highlight else "area"
        outline = 'stroke="#F0B400" stroke-width="3"' if code == highlight else 'stroke="#fff" stroke-width=".8"'
        body.append(
            f'<path class="{css}" data-code="{escape(code)}" d="{d}" fill="{fill}" {outline}>'
            f"<title>{escape(name)}: {_fmt(value)}</title></path>"
        )
    legend_y = height - 16
    for i, fill in enumerate(MAP_SCALE):
        body.append(f'<rect x="{8 + i * 26}" y="{legend_y}" width="26" height="10" fill="{fill}"/>')
    body.append(f'<text x="8" y="{legend_y - 4}" class="tick">0</text>')
    body.append(
        f'<text x="{8 + len(MAP_SCALE) * 26}" y="{legend_y - 4}" text-anchor="end" class="tick">{_fmt(top)}</text>'
    )
    return _svg(title, "".join(body), width=width, height=height, desc=f"{len(shapes)} kecamatan")


HBAR_WIDTH = 320  # narrower than the other charts: its labels stay large on a phone
HBAR_LINE = 17  # height of one label line
HBAR_BAR = 12  # height of one series' bar


def hbar_chart(title, labels, series):
    """Horizontal bars for named categories (hospitals, species, sectors).

    Each label is written whole above its bars, wrapped between words onto as many lines as it
    needs (never cut); the value is written at the end of each bar."""
    series = group_series(series)
    top = nice_max(max((v or 0 for _n, points in series for v in points), default=0))
    left, value_room = 6, 64
    plot_w = HBAR_WIDTH - left - value_room
    per_line = int((HBAR_WIDTH - 2 * left) / CHAR_WIDTH)
    tips = len(labels) * len(series) <= MAX_TOOLTIPS
    body, y = [], PAD_TOP
    for i, label in enumerate(labels):
        lines = wrap(shown(label), per_line)
        spans = "".join(
            f'<tspan x="{left}" dy="{0 if n == 0 else HBAR_LINE}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        body.append(f'<text x="{left}" y="{y + 12}" class="label" fill="#1a202c">{spans}</text>')
        y += HBAR_LINE * len(lines)
        for index, (name, points) in enumerate(series):
            value = points[i]
            bar_w = plot_w * (value or 0) / top
            if value:
                tip = f"<title>{escape(shown(label))} · {escape(str(name))}: {_fmt(value)}</title>" if tips else ""
                body.append(
                    f'<rect class="bar" x="{left}" y="{y:.0f}" width="{bar_w:.1f}" height="{HBAR_BAR - 2}" '
                    f'fill="{colour(index, name)}">{tip}</rect>'
                )
            body.append(
                f'<text x="{left + bar_w + 4:.1f}" y="{y + HBAR_BAR - 3:.0f}" class="tick value" font-size="11">'
                f"{_fmt(value)}</text>"
            )
            y += HBAR_BAR
        y += 8
    axis_y = y + 2
    for fraction in (0, 0.5, 1):
        x = left + plot_w * fraction
        anchor = "start" if fraction == 0 else "middle"
        body.append(
            _grid_line(x, x, PAD_TOP, axis_y)
            + f'<text x="{x:.1f}" y="{axis_y + 14}" text-anchor="{anchor}" class="tick">{_fmt(top * fraction)}</text>'
        )
    height = axis_y + 22
    if len(series) > 1:
        markup, extra = _legend([name for name, _points in series], top=height, left=left, width=HBAR_WIDTH)
        body.append(markup)
        height += extra + 20
    return _svg(title, "".join(body), width=HBAR_WIDTH, height=height, desc=f"{len(labels)} batang")


def standalone(markup):
    """A chart as a file of its own (download): XML declaration, fixed pixel size from its viewBox."""
    text = str(markup)
    _x, _y, width, height = text.split('viewBox="', 1)[1].split('"', 1)[0].split()
    text = text.replace('width="100%"', f'width="{width}" height="{height}"', 1)
    text = text.replace("<svg ", '<svg version="1.1" ', 1)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text.replace(
        "<desc>", '<rect width="100%" height="100%" fill="#ffffff"/><desc>', 1
    )


def to_png(markup, *, scale=2):
    """The chart drawn as PNG bytes (server-side, CairoSVG), `scale` × its viewBox size."""
    import cairosvg

    return cairosvg.svg2png(bytestring=standalone(markup).encode(), scale=scale)


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
