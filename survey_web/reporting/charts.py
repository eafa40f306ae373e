"""Server-side SVG charts: no JavaScript and no CDN (hospital intranets are offline), printable.

Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies; every series also
differs by dash pattern and marker shape, so a greyscale print still tells them apart. Each chart is an
`<svg role="img">` with a title and a description for screen readers, and numbers are written on the
chart, not only encoded in colour or length. Figures resting on fewer than 30 answers are grey and
hatched. Only presentation attributes are used (the Content-Security-Policy forbids style attributes).

An image may hold no links (a screen reader cannot reach them inside role=img), so each chart comes in a
<figure> with its figures as a table under a <details> toggle, and the drill-down links live in that table.
The heat map is itself a table: an HTML table with coloured cells, links in the cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup, escape

BLACK, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILLION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
GREY, LIGHT, INK = "#9AA5AE", "#E4E9ED", "#1A1A1A"
# (colour, dash pattern, marker) per series.
STYLES = [(BLUE, "", "circle"), (VERMILLION, "7 4", "square"), (GREEN, "2 3", "triangle"),
          (PURPLE, "9 3 2 3", "diamond"), (ORANGE, "4 2", "circle")]
# Light to dark vermillion: a one-hue ramp reads the same with any colour vision and in greyscale.
HEAT = ["#FFFFFF", "#FBE3D3", "#F6C3A3", "#EE9B6C", "#E06F35", "#B84A0E", "#7F3200"]


@dataclass(frozen=True)
class Point:
    value: float | None
    low: float | None = None
    high: float | None = None
    small_n: bool = False
    href: str | None = None
    note: str = ""


@dataclass
class Series:
    name: str
    points: list[Point]
    band: bool = False


@dataclass(frozen=True)
class Bar:
    label: str
    point: Point
    sublabel: str = ""


@dataclass
class Grid:
    """A heat map: rows x columns of (value, shown text, link)."""

    rows: list[str]
    columns: list[str]
    cells: dict[tuple[int, int], tuple[float, str, str | None]] = field(default_factory=dict)
    row_links: list[str | None] = field(default_factory=list)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def _frame(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    head = (f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" xmlns="http://www.w3.org/2000/svg" '
            f'font-size="13" fill="{INK}">'
            f'<title id="{escape(chart_id)}-t">{escape(title)}</title>'
            f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>'
            f'<defs><pattern id="{escape(chart_id)}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{LIGHT}"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{GREY}" stroke-width="3"/></pattern></defs>')
    return Markup(head + "".join(body) + "</svg>")


def _link(href: str | None, text: str) -> str:
    return f'<a href="{escape(href)}">{escape(text)}</a>' if href else str(escape(text))


def _table(chart_id: str, title: str, headers: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]]) -> str:
    """An HTML table: HEADERS over the columns, each row (heading cell, already escaped data cells)."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(f'<tr><th scope="row">{row}</th>{"".join(f"<td>{cell}</td>" for cell in cells)}</tr>'
                   for row, cells in rows)
    return (f'<table class="data" id="{escape(chart_id)}-table"><caption>{escape(title)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _figure(svg: Markup, table: str) -> Markup:
    """The image, then its figures (and the drill-down links) as a table one tap away."""
    return Markup(f'<figure class="chart-fig">{svg}<details class="chart-data"><summary>'
                  f'{escape(_("Figures and links as a table"))}</summary>{table}</details></figure>')


def _marker(shape: str, x: float, y: float, colour: str, hollow: bool) -> str:
    fill = "#FFFFFF" if hollow else colour
    common = f'fill="{fill}" stroke="{colour}" stroke-width="2"'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" {common}/>'
    if shape == "triangle":
        return f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}" {common}/>'
    if shape == "diamond":
        return f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}" {common}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" {common}/>'


def _y_range(series: Sequence[Series]) -> tuple[float, float]:
    values = [v for s in series for p in s.points for v in (p.value, p.low if s.band else None,
                                                          p.high if s.band else None) if v is not None]
    if not values:
        return 0.0, 1.0
    low = max(0.0, int(min(values) * 10 - 0.5) / 10)
    high = min(1.0, int(max(values) * 10 + 1.5) / 10)
    return (low, high) if high > low else (0.0, 1.0)


def line_chart(chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Shares (0-1) over LABELS (e.g. months), one line per series; a band shows the first series' interval."""
    width, height, left, right, top, bottom = 720, 280, 48, 16, 16, 64
    lo, hi = _y_range(series)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(labels) - 1)

    def x(i: int) -> float:
        return left + i * step if len(labels) > 1 else left + plot_w / 2

    def y(v: float) -> float:
        return top + (hi - v) / (hi - lo) * plot_h

    body = []
    ticks = round((hi - lo) * 10)
    for t in range(ticks + 1):
        v = lo + t * (hi - lo) / max(1, ticks)
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{LIGHT}"/>'
                    f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v * 100:.0f}%</text>')
    for i, label in enumerate(labels):
        body.append(f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="11">'
                    f'{escape(label)}</text>')
    for number, s in enumerate(series):
        colour, dash, shape = STYLES[number % len(STYLES)]
        if s.band:
            upper = [(x(i), y(p.high)) for i, p in enumerate(s.points) if p.high is not None]
            lower = [(x(i), y(p.low)) for i, p in enumerate(s.points) if p.low is not None]
            if upper:
                path = " ".join(f"{a:.1f},{b:.1f}" for a, b in upper + lower[::-1])
                body.append(f'<polygon points="{path}" fill="{colour}" fill-opacity="0.15" stroke="none"/>')
        runs, run = [], []
        for i, p in enumerate(s.points):
            if p.value is None:
                runs, run = runs + [run], []
            else:
                run.append((x(i), y(p.value)))
        for part in runs + [run]:
            if len(part) > 1:
                path = " ".join(f"{a:.1f},{b:.1f}" for a, b in part)
                dashes = f' stroke-dasharray="{dash}"' if dash else ""
                body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashes}/>')
        for i, p in enumerate(s.points):
            if p.value is not None:
                label = f"{s.name} {labels[i]}: {_pct(p.value)}" + (f" {p.note}" if p.note else "")
                mark = _marker(shape, x(i), y(p.value), GREY if p.small_n else colour, p.small_n)
                body.append(f"<g><title>{escape(label)}</title>{mark}</g>")
        legend_x = left + number * 180
        body.append(f'<g transform="translate({legend_x},{height - 22})">'
                    f'<line x1="0" x2="26" y1="0" y2="0" stroke="{colour}" stroke-width="2.5"'
                    f'{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>'
                    f'{_marker(shape, 13, 0, colour, False)}'
                    f'<text x="32" y="4">{escape(s.name)}</text></g>')
    rows = [(escape(label), [_cell(s.points[i]) for s in series]) for i, label in enumerate(labels)]
    return _figure(_frame(chart_id, title, desc, width, height, body),
                   _table(chart_id, title, ["", *[s.name for s in series]], rows))


def _cell(p: Point) -> str:
    """A figure as the table shows it: the share (linked), its interval, and a small-sample note."""
    if p.value is None:
        return "–"
    text = _link(p.href, _pct(p.value))
    if p.low is not None and p.high is not None:
        text += f" ({_pct(p.low)}–{_pct(p.high)})"
    return text + (f" {escape(p.note)}" if p.note else "")


def interval_bars(chart_id: str, title: str, desc: str, bars: Sequence[Bar], *,
                  reference: float | None = None, reference_label: str = "") -> Markup:
    """Horizontal bars of shares (0-100%) with 95% interval whiskers; small-n bars grey and hatched."""
    row, left, right, top = 30, 190, 120, 24
    width = 720
    height = top + row * max(1, len(bars)) + 26
    plot_w = width - left - right

    def x(v: float) -> float:
        return left + v * plot_w

    body = []
    for t in range(0, 11, 2):
        body.append(f'<line x1="{x(t / 10):.1f}" x2="{x(t / 10):.1f}" y1="{top - 6}" y2="{height - 22}" '
                    f'stroke="{LIGHT}"/><text x="{x(t / 10):.1f}" y="{height - 8}" text-anchor="middle" '
                    f'font-size="11">{t * 10}%</text>')
    for i, bar in enumerate(bars):
        p = bar.point
        cy = top + i * row + row / 2
        name = escape(bar.label if len(bar.label) <= 14 else bar.label[:13] + "…")
        body.append(f'<text x="{left - 8}" y="{cy + 4:.1f}" text-anchor="end">{name}</text>')
        if p.value is None:
            continue
        fill = f"url(#{escape(chart_id)}-hatch)" if p.small_n else BLUE
        shape = (f'<rect x="{left}" y="{cy - 9:.1f}" width="{max(1.0, x(p.value) - left):.1f}" height="18" '
                 f'fill="{fill}" stroke="{GREY if p.small_n else BLUE}"/>')
        if p.low is not None and p.high is not None:
            ink = GREY if p.small_n else BLACK
            shape += (f'<line x1="{x(p.low):.1f}" x2="{x(p.high):.1f}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="{ink}" '
                      f'stroke-width="1.5"/><line x1="{x(p.low):.1f}" x2="{x(p.low):.1f}" y1="{cy - 6:.1f}" '
                      f'y2="{cy + 6:.1f}" stroke="{ink}" stroke-width="1.5"/><line x1="{x(p.high):.1f}" '
                      f'x2="{x(p.high):.1f}" y1="{cy - 6:.1f}" y2="{cy + 6:.1f}" stroke="{ink}" stroke-width="1.5"/>')
        text = f"{_pct(p.value)}" + (f" {bar.sublabel}" if bar.sublabel else "")
        shape += (f'<text x="{width - right + 8}" y="{cy + 4:.1f}" fill="{GREY if p.small_n else INK}">'
                  f'{escape(text)}</text>')
        label = f"{bar.label}: {_pct(p.value)} ({_pct(p.low)}–{_pct(p.high)}) {p.note}".strip()
        body.append(f"<g><title>{escape(label)}</title>{shape}</g>")
    if reference is not None:
        body.append(f'<line x1="{x(reference):.1f}" x2="{x(reference):.1f}" y1="{top - 10}" y2="{height - 22}" '
                    f'stroke="{ORANGE}" stroke-width="2" stroke-dasharray="5 3"/>'
                    f'<text x="{x(reference):.1f}" y="{top - 12}" text-anchor="middle" font-size="11">'
                    f'{escape(reference_label)} {_pct(reference)}</text>')
    rows = [(escape(bar.label), [_cell(bar.point), escape(bar.sublabel)]) for bar in bars]
    return _figure(_frame(chart_id, title, desc, width, height, body),
                   _table(chart_id, title, ["", _("Satisfied, with its interval"), ""], rows))


def _heat_step(value: float, top: float) -> int:
    """The shade (0-6) of a heat-map cell: 0 for none, then steps of the largest value."""
    if value <= 0 or top <= 0:
        return 0
    return min(len(HEAT) - 1, 1 + int(value / top * (len(HEAT) - 2) + 0.5))


def heat_map(chart_id: str, title: str, desc: str, grid: Grid) -> Markup:
    """A table of shaded cells with their numbers written in; row names and cells link to the drill-down.

    The shade is a class (heat-0 ... heat-6 in dashboard.css: the CSP forbids style attributes), chosen so
    that the number keeps 4.5:1 contrast on it; the table is the accessible form, so nothing else is needed.
    """
    peak = max((v for v, _t, _h in grid.cells.values()), default=0.0)
    head = "".join(f'<th scope="col"><span>{escape(column)}</span></th>' for column in grid.columns)
    rows = []
    for i, name in enumerate(grid.rows):
        link = grid.row_links[i] if i < len(grid.row_links) else None
        cells = []
        for j, _column in enumerate(grid.columns):
            value, shown, href = grid.cells.get((i, j), (0.0, "", None))
            cells.append(f'<td class="heat-{_heat_step(value, peak)}">{_link(href if shown else None, shown)}</td>')
        rows.append(f'<tr><th scope="row">{_link(link, name)}</th>{"".join(cells)}</tr>')
    return Markup(f'<div class="heat-wrap"><table class="heat" id="{escape(chart_id)}" aria-describedby="'
                  f'{escape(chart_id)}-d"><caption>{escape(title)}</caption><thead><tr><td></td>{head}</tr>'
                  f'</thead><tbody>{"".join(rows)}</tbody></table><p class="note" id="{escape(chart_id)}-d">'
                  f"{escape(desc)}</p></div>")
