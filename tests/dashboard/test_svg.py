"""The server-side SVG chart module: well-formed SVG, one mark per value, scale and projection maths."""

import xml.etree.ElementTree as ET

from blitar_portal.dashboard import shapes, svg

NS = {"s": "http://www.w3.org/2000/svg"}


def parse(markup):
    return ET.fromstring(str(markup))  # noqa: S314 - our own output


def test_nice_max_rounds_up_to_a_readable_axis_top():
    assert svg.nice_max(0) == 1
    assert svg.nice_max(7) == 10
    assert svg.nice_max(12) == 20
    assert svg.nice_max(230) == 250
    assert svg.nice_max(1000) == 1000
    assert svg.nice_max(0.4) == 1


def test_line_chart_has_one_polyline_per_series_with_a_point_per_label():
    root = parse(svg.line_chart("Uji", ["a", "b", "c"], [("x", [1, 2, 3]), ("y", [0, None, 5])]))
    assert root.find("s:title", NS).text == "Uji"
    lines = root.findall("s:polyline", NS)
    assert [line.get("data-series") for line in lines] == ["x", "y"]
    assert len(lines[0].get("points").split()) == 3
    assert len(lines[1].get("points").split()) == 2  # None is a gap, not a zero


def test_line_chart_top_value_sits_on_the_top_grid_line():
    root = parse(svg.line_chart("Uji", ["a", "b"], [("x", [0, 10])]))
    points = root.find("s:polyline", NS).get("points").split()
    y_top = float(points[1].split(",")[1])
    assert y_top == svg.PAD_TOP


def test_bar_chart_draws_one_rect_per_value_and_escapes_labels():
    root = parse(svg.bar_chart("Batang", ["<b>", "c"], [("n", [3, 0]), ("m", [1, 2])]))
    bars = root.findall("s:rect[@class='bar']", NS)
    assert len(bars) == 3  # the zero draws nothing (the table shows it)
    assert bars[0].find("s:title", NS).text == "<b> · n: 3"


def test_stacked_bars_share_the_axis_of_the_totals():
    root = parse(svg.bar_chart("Tumpuk", ["a"], [("n", [5]), ("m", [5])], stacked=True))
    first, second = root.findall("s:rect[@class='bar']", NS)
    assert float(first.get("height")) == float(second.get("height"))
    assert float(second.get("y")) < float(first.get("y"))


def test_empty_charts_are_still_valid_svg():
    assert parse(svg.line_chart("Kosong", [], [])).tag.endswith("svg")
    assert parse(svg.bar_chart("Kosong", [], [])).tag.endswith("svg")


def test_map_class_scales_linearly_and_zero_has_the_lightest_colour():
    assert svg.map_class(0, 10) == 0
    assert svg.map_class(None, 10) == 0
    assert svg.map_class(10, 10) == len(svg.MAP_SCALE) - 1
    assert 1 <= svg.map_class(1, 10) < svg.map_class(6, 10)


def test_choropleth_colours_each_area_by_its_value():
    areas = {"A": ("Satu", "M0 0L10 0L10 10Z"), "B": ("Dua", "M10 0L20 0L20 10Z")}
    root = parse(svg.choropleth("Peta", areas, {"A": 10, "B": 0}, width=100, height=60))
    paths = {p.get("data-code"): p for p in root.findall("s:path", NS)}
    assert paths["A"].get("fill") == svg.MAP_SCALE[-1]
    assert paths["B"].get("fill") == svg.MAP_SCALE[0]
    assert paths["A"].find("s:title", NS).text == "Satu: 10"


def test_projection_keeps_north_up_and_fits_the_width():
    rings = {"A": ("Kotak", [[(112.0, -8.0), (112.2, -8.0), (112.2, -8.2), (112.0, -8.2), (112.0, -8.0)]])}
    projected, width, height = shapes.project(rings, width=200, margin=0, legend=0)
    coords = [tuple(map(float, p.split())) for p in projected["A"][1].strip("MZ").split("L")]
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    assert min(xs) == 0 and max(xs) == 200
    assert ys[0] == 0  # latitude -8.0 (north) at the top
    assert height > 200  # a degree of longitude is shorter than one of latitude at -8°


def test_kecamatan_shapes_cover_every_kecamatan_and_are_cached(db, django_assert_num_queries):
    from blitar_portal.regions.models import Kecamatan

    data = shapes.kecamatan_shapes()
    assert set(data["shapes"]) == set(Kecamatan.objects.values_list("code", flat=True))
    assert len(str(data)) < 30_000  # simplified: small enough to inline in a page
    with django_assert_num_queries(0):
        shapes.kecamatan_shapes()


def test_named_categories_get_horizontal_bars_with_readable_labels():
    root = parse(svg.hbar_chart("Spesies", ["Trembesi", "x" * 40], [("Pohon", [10, 5])]))
    bars = root.findall("s:rect[@class='bar']", NS)
    assert [float(b.get("width")) for b in bars][0] == 2 * float(bars[1].get("width"))
    labels = [
        "".join(span.text for span in t.findall("s:tspan", NS)) for t in root.findall("s:text[@class='label']", NS)
    ]
    assert labels == ["Trembesi", "x" * 40]  # whole, never cut with "…" (a long word wraps inside)


def test_choropleth_outlines_the_chosen_kecamatan_on_top():
    areas = {"A": ("Satu", "M0 0L10 0L10 10Z"), "B": ("Dua", "M10 0L20 0L20 10Z")}
    root = parse(svg.choropleth("Peta", areas, {"A": 1, "B": 2}, width=100, height=60, highlight="A"))
    paths = root.findall("s:path", NS)
    assert paths[-1].get("data-code") == "A" and paths[-1].get("class") == "area selected"


def test_trend_geometry_shares_the_axis_top_and_gives_each_line_its_own_style():
    import datetime

    days = [datetime.date(2026, 3, 1) + datetime.timedelta(days=i) for i in range(3)]
    chart = svg.line_chart_geometry(
        days, [{"label": "VIP", "values": [1, 23, 4]}, {"label": "ICU", "values": [0, 0, 2]}]
    )
    assert chart["max"] == svg.nice_max(23) == 25  # the dashboards' axis top (1/2/2.5/5 × 10^n)
    assert [t["value"] for t in chart["ticks"]] == [0, 25]  # no half-way line labelled 12
    vip, icu = chart["lines"]
    assert (vip["colour"], vip["marker"]) != (icu["colour"], icu["marker"])
    assert vip["points"][1]["y"] < vip["points"][0]["y"]  # higher value, higher on the chart
    assert icu["points"][0]["y"] == svg.TREND_HEIGHT - svg.TREND_PAD_BOTTOM  # 0 on the baseline
    assert svg.line_chart_geometry([], []) is None
