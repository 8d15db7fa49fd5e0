"""QR codes of a link, drawn by segno: black on white, error correction M, a quiet zone of
two modules. Drawn here, as SVG: no script, no remote image service."""

import io

import segno
from markupsafe import Markup

ERROR, BORDER, DARK, LIGHT = "m", 2, "#000", "#fff"


def _code(link: str) -> segno.QRCode:
    return segno.make(link, error=ERROR)


def inline_svg(link: str, *, svgclass: str, lineclass: str | None = None,
               title: str | None = None, scale: int = 1) -> Markup:
    """`link` as inline SVG markup for a page, sized by the stylesheet (a viewBox, no width
    or height). segno escapes the title; the link is only encoded."""
    svg = _code(link).svg_inline(scale=scale, border=BORDER, dark=DARK, light=LIGHT,
                                 title=title, svgclass=svgclass, lineclass=lineclass,
                                 omitsize=True)
    return Markup(svg)  # nosec B704  # segno escapes the title; nothing else is text


def svg_document(link: str, scale: int = 5) -> bytes:
    """`link` as a standalone SVG file (an `image/svg+xml` response), `scale` px a module."""
    out = io.BytesIO()
    _code(link).save(out, kind="svg", scale=scale, border=BORDER, dark=DARK, light=LIGHT)
    return out.getvalue()
