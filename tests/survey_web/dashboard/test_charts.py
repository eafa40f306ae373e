"""Server-side SVG charts: accessible, colour-blind safe, honest about small samples, no inline styles."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from survey_web.reporting.charts import (
    BLUE,
    GREY,
    VERMILLION,
    Bar,
    Grid,
    Point,
    Series,
    heat_map,
    interval_bars,
    line_chart,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_charts_are_labelled_images_without_style_attributes():
    """Each chart is role=img with a title and description referenced by aria-labelledby; CSP-safe markup."""
    charts = [
        line_chart("t", "趋势", "逐月满意度", ["9月", "10月"], [Series("全部", [Point(0.8, 0.7, 0.9), Point(0.85)])]),
        interval_bars("b", "科室", "由高到低", [Bar("心内科", Point(0.8, 0.7, 0.9))]),
        heat_map("h", "主题", "每百份", Grid(["心内科"], ["停车"], {(0, 0): (2.0, "2.0", "/x")})),
    ]
    for chart in charts:
        root = parse(chart)
        assert root.get("role") == "img"
        chart_id = root.get("id")
        assert root.get("aria-labelledby") == f"{chart_id}-t {chart_id}-d"
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
        assert "style=" not in str(chart) and "<script" not in str(chart)


def test_interval_bars_draw_whiskers_and_grey_small_samples():
    """A bar's whisker spans its interval; a small-n bar is hatched grey; labels are escaped."""
    svg = str(interval_bars("b", "科室", "d", [Bar("心内科", Point(0.8, 0.6, 0.9)),
                                              Bar("<骨科>", Point(1.0, 0.7, 1.0, small_n=True))]))
    assert 'fill="url(#b-hatch)"' in svg and f'stroke="{GREY}"' in svg and f'fill="{BLUE}"' in svg
    assert "&lt;骨科&gt;" in svg and "<骨科>" not in svg
    root = parse(svg)
    lines = [line for line in root.iter(f"{SVG}line") if line.get("stroke-width") == "1.5"]
    xs = sorted({float(line.get("x1")) for line in lines})
    assert len(xs) >= 4  # low and high of each bar


def test_series_differ_by_colour_dash_and_marker():
    """Two series are told apart in greyscale: dash pattern and marker shape as well as Okabe-Ito colour."""
    svg = str(line_chart("t", "趋势", "d", ["9月", "10月"], [Series("自填", [Point(0.7), Point(0.72)]),
                                                          Series("协助", [Point(0.8), Point(0.85, small_n=True)])]))
    assert BLUE in svg and VERMILLION in svg and "stroke-dasharray" in svg and "<rect" in svg
    assert re.search(r'<circle[^>]*fill="#FFFFFF"[^>]*stroke="' + GREY, svg) or \
        re.search(r'<rect[^>]*fill="#FFFFFF"[^>]*stroke="' + GREY, svg)


def test_heat_map_writes_the_numbers_in_its_cells():
    """Colour is never the only carrier: every non-empty cell shows its value and links to drill-down."""
    grid = Grid(["心内科", "骨科"], ["停车", "环境"], {(0, 0): (4.0, "4.0", "/d?a=1&b=2"), (1, 1): (1.0, "1.0", None)})
    svg = str(heat_map("h", "主题", "d", grid))
    assert ">4.0<" in svg and ">1.0<" in svg and 'href="/d?a=1&amp;b=2"' in svg
