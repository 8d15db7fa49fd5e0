"""The weekly report as rows (section, figure, this week, last week, change): one table that
both the CSV download and the terminal text are written from.

The CSV's text cells (site, section, figure: site, category and user names end up there)
are neutralised against formula injection: a cell a spreadsheet would read as a formula
(starting with = + - @, a tab or a carriage return) gets a leading apostrophe, as OWASP
advises. Number cells are written as numbers, a negative change included.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from core.vocabulary import Clock, Dimension, values
from reports.summary import (
    COUNT,
    MINUTES,
    MONEY,
    PERCENT,
    SCORE,
    change,
    lookup,
    show,
    show_change,
)

VOLUME_KINDS = ("new", "resolved", "declined", "reopened")
BREAKDOWNS = ("by_dimension", "by_category", "by_channel", "by_severity")
CLOCKS = values(Clock)
RATES = ("first_contact_resolution", "escalation", "reopen", "recovery", "survey_response")
OWNER_COLUMNS = (("new_owned", COUNT), ("resolved", COUNT), ("sla_resolution", PERCENT),
                 ("csat_average", SCORE), ("compensation", MONEY))


@dataclass(frozen=True)
class Row:
    section: str
    name: str
    path: tuple[str, ...]
    kind: str


def indexed(figures: dict | None) -> dict:
    """The figures with lists keyed by name and counted, so every figure has a path."""
    if not figures:
        return {}
    result = dict(figures)
    result["root_causes"] = {r["cause"]: r for r in figures.get("root_causes", [])}
    result["owners"] = {o["username"]: o for o in figures.get("owners", [])}
    result["lists"] = {
        "repeat_complainants": figures.get("repeat_complainants_count", 0),
        "open_overdue": figures.get("open_overdue_count", 0),
        "gestures": (figures.get("gestures") or {}).get("count", 0),
        "oldest_open_age_days": (figures.get("oldest_open") or {}).get("age_days"),
    }
    return result


def _keys(current: dict, previous: dict, section: str) -> list[str]:
    return sorted(set(current.get(section, {})) | set(previous.get(section, {})))


def _volume_rows(current: dict, previous: dict) -> Iterator[Row]:
    for kind in VOLUME_KINDS:
        yield Row("volume", kind, ("volume", kind), COUNT)
    for section in BREAKDOWNS:
        for key in _keys(current, previous, section):
            for kind in VOLUME_KINDS:
                yield Row(section, f"{key} {kind}", (section, key, kind), COUNT)
    for kind in VOLUME_KINDS:
        yield Row("unclassified", kind, ("unclassified", kind), COUNT)


def _sla_rows() -> Iterator[Row]:
    for clock in CLOCKS:
        yield Row("sla", f"{clock} due", ("sla", clock, "due"), COUNT)
        yield Row("sla", f"{clock} met", ("sla", clock, "met"), COUNT)
        yield Row("sla", f"{clock} compliance", ("sla", clock, "compliance"), PERCENT)
    for dimension in values(Dimension):
        for clock in CLOCKS:
            path = ("sla_by_dimension", dimension, clock)
            yield Row("sla_by_dimension", f"{dimension} {clock}", path, PERCENT)
    for clock in ("first_response", "resolution"):
        yield Row("times", f"{clock} count", ("times", clock, "count"), COUNT)
        for stat in ("median_minutes", "p90_minutes"):
            yield Row("times", f"{clock} {stat}", ("times", clock, stat), MINUTES)


def _outcome_rows() -> Iterator[Row]:
    for rate in RATES:
        yield Row("rates", f"{rate} count", (rate, "count"), COUNT)
        yield Row("rates", f"{rate} of", (rate, "of"), COUNT)
        yield Row("rates", f"{rate} rate", (rate, "rate"), PERCENT)
    for field, kind in (("count", COUNT), ("of", COUNT), ("rate", PERCENT)):
        path = ("acknowledged_in_writing", field)
        yield Row("customer_side", f"acknowledged_in_writing {field}", path, kind)
    yield Row("customer_side", "customer_accepted_fixes", ("customer_accepted_fixes",), COUNT)
    yield Row("csat", "responses", ("csat", "responses"), COUNT)
    yield Row("csat", "average", ("csat", "average"), SCORE)
    yield Row("compensation", "total", ("compensation_total",), MONEY)
    yield Row("compensation", "average", ("compensation_average",), MONEY)
    yield Row("compensation", "count", ("compensation_count",), COUNT)


def _keyed_rows(current: dict, previous: dict) -> Iterator[Row]:
    for currency in _keys(current, previous, "compensation_by_currency"):
        path = ("compensation_by_currency", currency)
        yield Row("compensation_by_currency", currency, path, MONEY)
    for remedy in _keys(current, previous, "compensation_by_remedy"):
        for field, kind in (("count", COUNT), ("total", MONEY)):
            path = ("compensation_by_remedy", remedy, field)
            yield Row("compensation_by_remedy", f"{remedy} {field}", path, kind)
    for cause in _keys(current, previous, "root_causes"):
        yield Row("root_causes", f"{cause} count", ("root_causes", cause, "count"), COUNT)
        yield Row("root_causes", f"{cause} share", ("root_causes", cause, "share"), PERCENT)
    for fault in _keys(current, previous, "fault_split"):
        yield Row("fault_split", fault, ("fault_split", fault), COUNT)
    yield Row("prevention", "open", ("prevention", "open"), COUNT)
    yield Row("prevention", "overdue", ("prevention", "overdue"), COUNT)
    for name in ("repeat_complainants", "gestures", "open_overdue"):
        yield Row("lists", name, ("lists", name), COUNT)
    yield Row("lists", "oldest_open_age_days", ("lists", "oldest_open_age_days"), COUNT)
    for username in _keys(current, previous, "owners"):
        for field, kind in OWNER_COLUMNS:
            yield Row("owners", f"{username} {field}", ("owners", username, field), kind)


def rows(figures: dict) -> list[tuple[Row, object, object]]:
    """Every figure as (row, this week's value, last week's value)."""
    current, previous = indexed(figures), indexed(figures.get("previous"))
    table = [*_volume_rows(current, previous), *_sla_rows(), *_outcome_rows(),
             *_keyed_rows(current, previous)]
    return [(row, lookup(current, row.path), lookup(previous, row.path)) for row in table]


def as_csv(figures: dict, category_names: dict[str, str] | None = None) -> str:
    """Plain numbers for a spreadsheet: empty cells where nothing was due.

    The figure names are the same in every language (a spreadsheet can compare downloads);
    the last column, `category`, names a by_category row's category in the reader's
    language (`category_names`: English name → shown name; the English name without it).
    """
    category_names = category_names or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["week", "site", "section", "figure", "this_week", "previous_week", "change",
                     "category"])
    site = text_cell(figures.get("site") or "all sites")
    week = text_cell(figures["week"])
    for row, value, before in rows(figures):
        difference = change(value, before)
        category = row.path[1] if row.section == "by_category" else ""
        writer.writerow([week, site, text_cell(row.section), text_cell(row.name),
                         _cell(value), _cell(before), _cell(difference),
                         text_cell(category_names.get(category, category))])
    return out.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """A text cell no spreadsheet runs as a formula: a leading ' when it starts like one."""
    text = str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value) -> str:
    return "" if value is None else str(value)


def as_text(figures: dict) -> str:
    """Aligned text for the terminal, section by section."""
    currency = figures.get("currency")
    title = f"Weekly recovery report {figures['week']} — {figures.get('site') or 'all sites'}"
    columns = f"  {'':<38} {'this week':>16} {'previous week':>16} {'change':>12}"
    lines, section = [title, "=" * len(title), columns], None
    for row, value, before in rows(figures):
        if row.section != section:
            section = row.section
            lines += ["", section.replace("_", " ").capitalize()]
        lines.append(
            f"  {row.name:<38} {show(value, row.kind, currency):>16} "
            f"{show(before, row.kind, currency):>16} {show_change(value, before, row.kind):>12}"
        )
    return "\n".join(lines) + "\n"
