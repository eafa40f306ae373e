"""QR codes for survey points: PNG and SVG per point, and a printable A4 sheet per point."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import qrcode
import qrcode.image.svg
from flask import render_template
from markupsafe import Markup

# Level M survives a crease or a smudge on a ward wall and keeps the code small enough to scan at 1 m.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M


@dataclass(frozen=True)
class PrintedPoint:
    code: str
    hospital: str
    department: str
    name: str
    url: str


def _qr(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, box_size=12, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def png_bytes(url: str) -> bytes:
    buffer = io.BytesIO()
    _qr(url).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def svg_text(url: str) -> str:
    buffer = io.BytesIO()
    _qr(url).make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue().decode("utf-8")


def inline_svg(url: str) -> Markup:
    """The QR code of URL as SVG markup to embed in a page (we generate it from a URL we built: safe)."""
    return Markup(svg_text(url).split("?>", 1)[-1])


def sheet_html(points: list[PrintedPoint], *, template: str = "qr/sheet.html", **context) -> str:
    """The print-ready A4 page (one sheet per point) as HTML, with the codes inline."""
    return render_template(template, sheets=[(point, inline_svg(point.url)) for point in points], **context)


def write_all(points: list[PrintedPoint], out: Path, *, template: str = "qr/sheet.html", **context) -> list[Path]:
    """Write <code>.png and <code>.svg for every point and one print-ready sheet (TEMPLATE); returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for point in points:
        png, svg = out / f"{point.code}.png", out / f"{point.code}.svg"
        png.write_bytes(png_bytes(point.url))
        svg.write_text(svg_text(point.url), encoding="utf-8")
        written += [png, svg]
    sheet = out / "print-a4.html"
    sheet.write_text(sheet_html(points, template=template, **context), encoding="utf-8")
    written.append(sheet)
    return written
