"""How the report's figures read: each value beside last week's with the change, formatted
once for the page, the e-mail, the CSV and the terminal.

Counts change by their difference; percentages by percentage points; an unknown value
(nothing was due) reads "—" and has no change, never a fake zero or 100 %.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.formatting import money, number, percent

COUNT, PERCENT, SCORE, MONEY, MINUTES = "count", "percent", "score", "money", "minutes"


@dataclass(frozen=True)
class KeyFigure:
    """A headline figure: where it sits in the figures, how it reads, which list it opens."""

    key: str
    label: object
    path: tuple[str, ...]
    kind: str
    drill: str | None


KEY_FIGURES = (
    KeyFigure("new", _l("New"), ("volume", "new"), COUNT, "new"),
    KeyFigure("resolved", _l("Resolved"), ("volume", "resolved"), COUNT, "resolved"),
    KeyFigure("first_response", _l("First response on time"),
              ("sla_compliance", "first_response"), PERCENT, "sla_first_response_missed"),
    KeyFigure("resolution", _l("Resolved on time"), ("sla_compliance", "resolution"), PERCENT,
              "sla_resolution_missed"),
    KeyFigure("recovery", _l("Recovered"), ("recovery_rate",), PERCENT, "recovered"),
    KeyFigure("csat", _l("CSAT after recovery"), ("csat_average",), SCORE, "surveyed"),
    KeyFigure("reopen", _l("Reopen rate"), ("reopen", "rate"), PERCENT, "reopened"),
    KeyFigure("compensation", _l("Compensation"), ("compensation_total",), MONEY,
              "compensation"),
)


def lookup(figures: dict | None, path: tuple[str, ...]):
    value = figures
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _number(value) -> Decimal | None:
    """The value as a Decimal; None when unknown (None, missing in a template, not a number)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def show(value, kind: str, currency: str | None = None) -> str:
    """A value as people read it; "—" when unknown."""
    amount = _number(value)
    if amount is None:
        return "—"
    if kind == PERCENT:
        return percent(amount)
    if kind == SCORE:
        return _("%(score)s / 5", score=number(amount, places=1))
    if kind == MONEY:
        return money(amount, currency)
    if kind == MINUTES:
        hours, minutes = divmod(int(amount), 60)
        if hours:
            return _("%(hours)s h %(minutes)s min", hours=number(hours),
                     minutes=f"{minutes:02d}")
        return _("%(minutes)s min", minutes=minutes)
    return number(amount)


def change(value, previous) -> Decimal | None:
    """This week minus last week (points for percentages); None when either is unknown."""
    now, before = _number(value), _number(previous)
    if now is None or before is None:
        return None
    return now - before


def show_change(value, previous, kind: str) -> str:
    difference = change(value, previous)
    if difference is None:
        return "—"
    if difference == 0:
        return "±0"
    sign = "+" if difference > 0 else "−"
    size = abs(difference)
    if kind == PERCENT:
        return _("%(sign)s%(points)s pts", sign=sign,
                 points=number(size, places=1))
    if kind == SCORE:
        return f"{sign}{number(size, places=1)}"
    if kind == MONEY:
        return f"{sign}{money(size, None)}"
    if kind == MINUTES:
        return f"{sign}{show(size, MINUTES)}"
    return f"{sign}{number(size)}"


def key_figures(figures: dict) -> list[dict]:
    """The headline figures with last week's value and the change, ready to show."""
    currency, previous = figures.get("currency"), figures.get("previous") or {}
    items = []
    for figure in KEY_FIGURES:
        value, before = lookup(figures, figure.path), lookup(previous, figure.path)
        items.append({
            "key": figure.key,
            "label": str(figure.label),
            "value": value,
            "previous": before,
            "text": show(value, figure.kind, currency),
            "previous_text": show(before, figure.kind, currency),
            "change": show_change(value, before, figure.kind),
            "drill": figure.drill,
        })
    return items
