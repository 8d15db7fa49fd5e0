"""The report's SVG charts: accessible, linkable, escaped, and free of inline style."""

import re
import xml.etree.ElementTree as ET

from reports.charts import Bar, Series, bar_chart, line_chart, pareto_chart

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bars_scale_to_the_largest_value_and_link_to_their_tickets():
    svg = _parse(bar_chart(
        [Bar("Reliability", 10, href="/r?x=1&y=2"), Bar("Empathy", 5), Bar("Tangibles", 0)],
        title="Volume", desc="New tickets by dimension", chart_id="volume",
    ))
    rects = [r for r in svg.findall(f".//{SVG}rect") if r.get("class") == "chart-bar"]
    widths = [float(r.get("width")) for r in rects]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    links = svg.findall(f"{SVG}a")
    assert [a.get("href") for a in links] == ["/r?x=1&y=2"]
    assert links[0].get("aria-label") == "Reliability: 10"
    assert links[0].find(f"{SVG}text") is None, "its name is its label, not text inside it"
    assert svg.get("role") == "group", "an image may hold no link"
    assert svg.find(f"{SVG}title").text == "Volume"


def test_a_chart_without_links_is_an_image():
    svg = _parse(bar_chart([Bar("Empathy", 5)], title="t", desc="d", chart_id="c"))
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c-title c-desc"


def test_an_empty_or_all_zero_chart_draws_without_dividing_by_zero():
    for bars in ([], [Bar("A", 0), Bar("B", 0)]):
        svg = _parse(bar_chart(bars, title="t", desc="d", chart_id="c"))
        assert all(float(r.get("width")) == 0 for r in svg.findall(f".//{SVG}rect"))
    _parse(line_chart(["W1", "W2"], [Series("a", "x", [None, None])], title="t", desc="d",
                      chart_id="l"))
    _parse(pareto_chart([], [], title="t", desc="d", chart_id="p"))


def test_labels_are_escaped():
    markup = str(bar_chart([Bar("<script>alert(1)</script>", 1)], title="a&b", desc="<d>",
                           chart_id="c"))
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    _parse(markup)


def test_no_inline_style_or_script_in_any_chart():
    charts = [
        bar_chart([Bar("A", 3, css="chart-bar dim-empathy")], title="t", desc="d", chart_id="a"),
        line_chart(["W1", "W2", "W3"], [Series("s", "dim-empathy", [1, None, 3])], title="t",
                   desc="d", chart_id="b"),
        pareto_chart([Bar("process", 3), Bar("people", 1)], [75.0, 100.0], title="t",
                     desc="d", chart_id="c"),
    ]
    for chart in charts:
        assert not re.search(r"\sstyle=|<script|\son\w+=", str(chart))


def test_line_chart_plots_each_point_and_skips_gaps():
    svg = _parse(line_chart(["W1", "W2", "W3"], [Series("new", "s", [2, None, 4])],
                            title="t", desc="d", chart_id="l", unit="tickets"))
    circles = svg.findall(f"{SVG}circle")
    assert len(circles) == 2
    assert float(circles[0].get("cy")) > float(circles[1].get("cy"))


def test_pareto_cumulative_line_ends_at_the_top():
    svg = _parse(pareto_chart([Bar("process", 3), Bar("people", 1)], [75.0, 100.0],
                              title="t", desc="d", chart_id="p"))
    line = svg.find(f"{SVG}polyline")
    last_y = float(line.get("points").split()[-1].split(",")[1])
    assert last_y == 36.0
