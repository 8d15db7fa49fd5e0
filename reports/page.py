"""Turning a week's figures into what the report page shows: the charts and the emptiness.

`Drill` builds the link to the ticket list behind a figure for the page's week and site.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from core.formatting import money
from core.vocabulary import CLOCK_LABELS, Dimension, values
from reports.charts import Bar, Series, bar_chart, line_chart, pareto_chart
from tickets.labels import (
    DIMENSION_LABELS,
    REMEDY_LABELS,
    ROOT_CAUSE_LABELS,
    field_label,
    value_label,
)

Drill = Callable[..., str]
SLA_CLOCKS_CHARTED = ("first_response", "resolution")


def is_empty(figures: dict) -> bool:
    """Nothing happened and nothing was due: the page says so instead of showing zeros."""
    nothing_new = not any(figures["volume"].values())
    nothing_due = all(figures["sla"][clock]["due"] == 0 for clock in figures["sla"])
    return nothing_new and nothing_due and figures["csat"]["responses"] == 0


def _trend(figures: dict) -> Markup:
    trend = figures.get("trend") or {"weeks": [], "series": {}}
    series = [
        Series(str(DIMENSION_LABELS[d]), f"dim-{d}", trend["series"].get(d, []))
        for d in values(Dimension)
    ]
    return line_chart(
        [week[-3:] for week in trend["weeks"]], series, chart_id="chart-trend",
        title=_("New tickets per week, last %(n)s weeks", n=len(trend["weeks"])),
        desc=_("One line per SERVQUAL dimension."), unit=_("tickets"),
    )


def _volume(figures: dict, drill: Drill) -> Markup:
    bars = [
        Bar(str(DIMENSION_LABELS[d]), figures["by_dimension"][d]["new"],
            href=drill("new", dimension=d), css=f"chart-bar dim-{d}")
        for d in values(Dimension)
    ]
    return bar_chart(bars, chart_id="chart-volume", title=_("New tickets by dimension"),
                     desc=_("Which kind of service failed this week."))


def _sla(figures: dict, drill: Drill, clock: str) -> Markup:
    bars = []
    for d in values(Dimension):
        value = figures["sla_by_dimension"][d][clock]
        text = _("nothing was due") if value is None else f"{value:.1f} %"
        bars.append(Bar(str(DIMENSION_LABELS[d]), value or 0, text=text,
                        href=drill(f"sla_{clock}_due", dimension=d),
                        css=f"chart-bar dim-{d}"))
    label = CLOCK_LABELS[clock]
    return bar_chart(bars, maximum=100, chart_id=f"chart-sla-{clock}",
                     title=_("%(clock)s on time, by dimension", clock=label),
                     desc=_("Share of the deadlines due this week that were met."))


def _pareto(figures: dict, drill: Drill) -> Markup:
    causes = figures["root_causes"]
    bars = [
        Bar(str(ROOT_CAUSE_LABELS.get(c["cause"], c["cause"])), c["count"],
            href=drill("root_cause", cause=c["cause"]), css="chart-bar chart-cause")
        for c in causes
    ]
    cumulative = [c["cumulative"] for c in causes]
    return pareto_chart(bars, cumulative, chart_id="chart-pareto",
                        title=_("Root causes of the tickets resolved this week"),
                        desc=_("Largest first; the line is the cumulative share."))


def _amount_or_count(entry: dict) -> float:
    """The bar's length: the amount, or the number of offers when sites use several
    currencies (amounts in different currencies are never added)."""
    return float(entry["total"]) if entry["total"] is not None else float(entry["count"])


def _money_text(entry: dict, currency: str) -> str:
    if entry["total"] is None:
        return _("%(n)s offers", n=entry["count"])
    return f"{money(entry['total'], currency)} ({entry['count']})"


def _compensation(figures: dict, drill: Drill) -> Markup:
    currency = figures.get("currency") or ""
    bars = [
        Bar(str(REMEDY_LABELS.get(remedy, remedy)), _amount_or_count(entry),
            text=_money_text(entry, currency), href=drill("compensation", remedy=remedy),
            css="chart-bar chart-money")
        for remedy, entry in figures["compensation_by_remedy"].items()
    ]
    return bar_chart(bars, chart_id="chart-compensation",
                     title=_("Compensation by remedy type"),
                     desc=_("Total of the final fix offers of the tickets resolved this week."))


@dataclass(frozen=True)
class Charts:
    trend: Markup
    volume: Markup
    sla: dict[str, Markup]
    pareto: Markup
    compensation: Markup


def charts(figures: dict, drill: Drill) -> Charts:
    return Charts(
        trend=_trend(figures),
        volume=_volume(figures, drill),
        sla={clock: _sla(figures, drill, clock) for clock in SLA_CLOCKS_CHARTED},
        pareto=_pareto(figures, drill),
        compensation=_compensation(figures, drill),
    )


GROUP_FIELDS = {"cause": "root_cause", "remedy": "fix"}
GROUP_VALUE_LABELS = {"remedy": REMEDY_LABELS}  # the others by their field's labels


def group_labels(group: dict[str, str], category_names: dict[str, str],
                 owner_names: dict[str, str]) -> list[str]:
    """The drill-down's filters as people read them ("Category: 噪音"), never the codes,
    English category names or usernames the link carries."""
    shown = []
    for name, value in group.items():
        if name == "unclassified":
            shown.append(_("Unclassified"))
            continue
        if name == "category":
            label = category_names.get(value, value)
        elif name == "owner":
            label = owner_names.get(value, value)
        elif name in GROUP_VALUE_LABELS:
            label = GROUP_VALUE_LABELS[name].get(value, value)
        else:
            label = value_label(GROUP_FIELDS.get(name, name), value)
        shown.append(f"{field_label(GROUP_FIELDS.get(name, name))}: {label}")
    return shown
