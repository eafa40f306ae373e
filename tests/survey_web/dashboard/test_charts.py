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


def test_charts_are_labelled_images_without_links_and_with_a_data_table():
    """Each chart is a role=img SVG with title and description, holds no link, and its figures and
    drill-down links sit in a table under a toggle (links inside role=img are unreachable: axe)."""
    charts = [
        line_chart("t", "趋势", "逐月满意度", ["9月", "10月"],
                   [Series("全部", [Point(0.8, 0.7, 0.9, href="/d?m=9"), Point(0.85, href="/d?m=10")])]),
        interval_bars("b", "科室", "由高到低", [Bar("心内科", Point(0.8, 0.7, 0.9, href="/d?dep=1"), "n=40")]),
    ]
    for chart in charts:
        figure = parse(chart)
        assert figure.tag == "figure"
        root = figure.find(f"{SVG}svg")
        assert root.get("role") == "img"
        chart_id = root.get("id")
        assert root.get("aria-labelledby") == f"{chart_id}-t {chart_id}-d"
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
        assert not list(root.iter(f"{SVG}a")) and not list(root.iter("a"))
        table = figure.find("details/table")
        assert table.find("caption").text and table.find("thead/tr/th").get("scope") == "col"
        assert [a.get("href") for a in table.iter("a")] and "style=" not in str(chart) and "<script" not in str(chart)
    months = parse(charts[0]).find("details/table/tbody")
    assert [row.find("th").text for row in months] == ["9月", "10月"]
    assert months[0].find("td/a").text == "80.0%" and "70.0%–90.0%" in "".join(months[0].find("td").itertext())


def test_interval_bars_draw_whiskers_and_grey_small_samples():
    """A bar's whisker spans its interval; a small-n bar is hatched grey; labels are escaped."""
    svg = str(interval_bars("b", "科室", "d", [Bar("心内科", Point(0.8, 0.6, 0.9)),
                                              Bar("<骨科>", Point(1.0, 0.7, 1.0, small_n=True))]))
    assert 'fill="url(#b-hatch)"' in svg and f'stroke="{GREY}"' in svg and f'fill="{BLUE}"' in svg
    assert "&lt;骨科&gt;" in svg and "<骨科>" not in svg
    root = parse(svg).find(f"{SVG}svg")
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


def test_heat_map_is_a_table_with_numbers_and_links_in_its_cells():
    """Colour is never the only carrier: a real table, every non-empty cell shows its value and links."""
    grid = Grid(["心内科", "骨科"], ["停车", "环境"], {(0, 0): (4.0, "4.0", "/d?a=1&b=2"), (1, 1): (1.0, "1.0", None)},
                row_links=["/d?dep=1", None])
    html = str(heat_map("h", "主题", "d", grid))
    table = parse(html).find("table")
    assert table.get("aria-describedby") == "h-d" and table.find("caption").text == "主题"
    assert [th.get("scope") for th in table.find("thead/tr").findall("th")] == ["col", "col"]
    cells = table.find("tbody").findall("tr")[0].findall("td")
    assert cells[0].find("a").get("href") == "/d?a=1&b=2" and cells[0].find("a").text == "4.0"
    assert cells[0].get("class") == "heat-6" and cells[1].get("class") == "heat-0"
    assert table.find("tbody/tr/th/a").text == "心内科" and ">1.0<" in html and "style=" not in html


def test_heat_shades_keep_the_numbers_readable():
    """Every shade the heat map uses gives its written number at least 4.5:1 contrast (dashboard.css)."""
    from pathlib import Path

    css = (Path(__file__).resolve().parents[3] / "survey_web" / "static" / "dashboard.css").read_text()

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for step in range(7):
        rule = re.search(r"\.heat-" + str(step) + r"\{([^}]*)\}", css).group(1)
        background = re.search(r"background:#(\w{6})", rule).group(1)
        ink = re.search(r"color:#(\w{3,6})", rule)
        ink = (ink.group(1) * 2 if ink and len(ink.group(1)) == 3 else ink.group(1)) if ink else "1a1a1a"
        light, dark = sorted([luminance(background), luminance(ink)], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (step, background, ink)
