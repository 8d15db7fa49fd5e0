"""Server-rendered SVG charts for the weekly report: no script, no inline style (the
Content-Security-Policy allows neither); colours come from CSS classes in app.css.

Each chart is titled and described for screen readers: an image (`role="img"`), or a
group when its bars or points link to the ticket list behind them (the link's name is the
label and value it shows).
"""

from dataclasses import dataclass, field

from markupsafe import Markup, escape

WIDTH = 640
BAR_HEIGHT = 26
BAR_GAP = 10
LABEL_WIDTH = 170
VALUE_WIDTH = 70
PLOT_HEIGHT = 220
MARGIN = 36


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, the text shown beside it, an optional link and CSS class."""

    label: str
    value: float
    text: str = ""
    href: str | None = None
    css: str = "chart-bar"


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a name, a CSS class and one value per x label."""

    name: str
    css: str
    values: list[float | None] = field(default_factory=list)


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _link(inner: str, href: str | None, label: str) -> str:
    if not href:
        return inner
    return f'<a href="{escape(href)}" aria-label="{escape(label)}">{inner}</a>'


def _frame(body: str, *, height: float, title: str, desc: str, chart_id: str) -> Markup:
    """The chart's <svg>: an image, or a group when its bars or points are links (an image's
    content is not reachable by keyboard or screen reader, so it must hold no link)."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    title_id, desc_id = escape(title_id), escape(desc_id)
    role = "group" if "<a " in body else "img"
    # Every interpolated text is escape()d; the rest are formatted numbers and constants.
    return Markup(  # nosec B704  # see above: nothing unescaped reaches the markup
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {_fmt(height)}" '
        f'role="{role}" aria-labelledby="{title_id} {desc_id}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(desc)}</desc>{body}</svg>'
    )


def bar_chart(bars: list[Bar], *, title: str, desc: str, chart_id: str,
              maximum: float | None = None) -> Markup:
    """Horizontal bars, one row each, scaled to `maximum` (default: the largest value).
    The whole row (label, bar, value) opens the link, so an empty bar can still be opened."""
    top = maximum if maximum is not None else max((b.value for b in bars), default=0)
    scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / top if top > 0 else 0
    rows = []
    for index, bar in enumerate(bars):
        y = index * (BAR_HEIGHT + BAR_GAP)
        length = max(bar.value * scale, 0)
        middle = y + BAR_HEIGHT / 2
        rect = (
            f'<rect class="{escape(bar.css)}" x="{LABEL_WIDTH}" y="{y}" '
            f'width="{_fmt(length)}" height="{BAR_HEIGHT}"><title>{escape(bar.label)}: '
            f"{escape(bar.text or _fmt(bar.value))}</title></rect>"
        )
        texts = (
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{_fmt(middle)}" '
            f'text-anchor="end" dominant-baseline="middle">{escape(bar.label)}</text>'
            f'<text class="chart-value" x="{_fmt(LABEL_WIDTH + length + 6)}" '
            f'y="{_fmt(middle)}" dominant-baseline="middle">'
            f"{escape(bar.text or _fmt(bar.value))}</text>"
        )
        # The link holds no text of its own (its name is its label, as the row reads), and a
        # transparent target the size of the row, so even an empty bar can be clicked.
        target = (f'<rect class="chart-target" x="0" y="{y}" width="{WIDTH}" '
                  f'height="{BAR_HEIGHT}"/>' if bar.href else "")
        rows.append(texts + _link(rect + target, bar.href,
                                  f"{bar.label}: {bar.text or _fmt(bar.value)}"))
    height = max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP)
    return _frame("".join(rows), height=height, title=title, desc=desc, chart_id=chart_id)


def _x_positions(count: int) -> list[float]:
    usable = WIDTH - 2 * MARGIN
    if count <= 1:
        return [MARGIN + usable / 2]
    return [MARGIN + usable * i / (count - 1) for i in range(count)]


def _y(value: float, top: float) -> float:
    return MARGIN + PLOT_HEIGHT - (value / top * PLOT_HEIGHT if top else 0)


def _axis(x_labels: list[str], top: float, unit: str) -> str:
    xs = _x_positions(len(x_labels))
    baseline = MARGIN + PLOT_HEIGHT
    parts = [
        f'<line class="chart-axis" x1="{MARGIN}" y1="{baseline}" x2="{WIDTH - MARGIN}" '
        f'y2="{baseline}"/>',
        f'<text class="chart-label" x="{MARGIN}" y="{MARGIN - 12}">'
        f"{escape(_fmt(top))} {escape(unit)}</text>",
    ]
    for x, label in zip(xs, x_labels, strict=True):
        parts.append(
            f'<text class="chart-label" x="{_fmt(x)}" y="{baseline + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    return "".join(parts)


def _polyline(series: Series, xs: list[float], top: float, x_labels: list[str]) -> str:
    points, dots = [], []
    for x, value, label in zip(xs, series.values, x_labels, strict=True):
        if value is None:
            continue
        y = _y(value, top)
        points.append(f"{_fmt(x)},{_fmt(y)}")
        dots.append(
            f'<circle class="{escape(series.css)}" cx="{_fmt(x)}" cy="{_fmt(y)}" r="4">'
            f"<title>{escape(series.name)}, {escape(label)}: {escape(_fmt(value))}</title></circle>"
        )
    line = f'<polyline class="{escape(series.css)} chart-line" points="{" ".join(points)}"/>'
    return (line if len(points) > 1 else "") + "".join(dots)


def line_chart(x_labels: list[str], series: list[Series], *, title: str, desc: str,
               chart_id: str, unit: str = "") -> Markup:
    """One line per series over the x labels (weeks); missing values leave a gap."""
    values = [v for s in series for v in s.values if v is not None]
    top = max(values, default=0) or 1
    xs = _x_positions(len(x_labels))
    body = _axis(x_labels, top, unit) + "".join(
        _polyline(s, xs, top, x_labels) for s in series
    )
    height = MARGIN * 2 + PLOT_HEIGHT
    return _frame(body, height=height, title=title, desc=desc, chart_id=chart_id)


def pareto_chart(bars: list[Bar], cumulative: list[float], *, title: str, desc: str,
                 chart_id: str) -> Markup:
    """Bars largest first with the cumulative share (0–100 %) as a line over them."""
    count = max(len(bars), 1)
    slot = (WIDTH - 2 * MARGIN) / count
    top = max((b.value for b in bars), default=0) or 1
    baseline = MARGIN + PLOT_HEIGHT
    parts = [f'<line class="chart-axis" x1="{MARGIN}" y1="{baseline}" '
             f'x2="{WIDTH - MARGIN}" y2="{baseline}"/>']
    points = []
    for index, bar in enumerate(bars):
        x = MARGIN + index * slot
        y = _y(bar.value, top)
        rect = (f'<rect class="{escape(bar.css)}" x="{_fmt(x + slot * 0.15)}" y="{_fmt(y)}" '
                f'width="{_fmt(slot * 0.7)}" height="{_fmt(baseline - y)}">'
                f"<title>{escape(bar.label)}: {escape(bar.text or _fmt(bar.value))}</title></rect>")
        parts.append(_link(rect, bar.href, f"{bar.label}: {bar.text or _fmt(bar.value)}"))
        parts.append(f'<text class="chart-label" x="{_fmt(x + slot / 2)}" y="{baseline + 18}" '
                     f'text-anchor="middle">{escape(bar.label)}</text>')
        share_y = MARGIN + PLOT_HEIGHT - cumulative[index] / 100 * PLOT_HEIGHT
        points.append(f"{_fmt(x + slot / 2)},{_fmt(share_y)}")
    if len(points) > 1:
        parts.append(f'<polyline class="chart-cumulative chart-line" points="{" ".join(points)}"/>')
    height = MARGIN * 2 + PLOT_HEIGHT
    return _frame("".join(parts), height=height, title=title, desc=desc, chart_id=chart_id)
