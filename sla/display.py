"""SLA for people: badges, labels and business-time durations in templates."""

from datetime import timedelta

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.vocabulary import CLOCK_LABELS
from sla.clocks import ClockReading, ClockState

__all__ = ["CLOCK_LABELS", "STATE_BADGES", "STATE_LABELS", "business_duration", "margin_text"]

STATE_LABELS = {
    ClockState.ON_TRACK: _l("On track"),
    ClockState.AT_RISK: _l("At risk"),
    ClockState.BREACHED: _l("Breached"),
    ClockState.MET: _l("Met"),
    ClockState.MET_LATE: _l("Met late"),
    ClockState.PAUSED: _l("Paused"),
}
STATE_BADGES = {
    ClockState.ON_TRACK: "text-bg-success",
    ClockState.AT_RISK: "text-bg-warning",
    ClockState.BREACHED: "text-bg-danger",
    ClockState.MET: "text-bg-light",
    ClockState.MET_LATE: "text-bg-secondary",
    ClockState.PAUSED: "text-bg-info",
}


def business_duration(delta: timedelta | None) -> str:
    """'2 h 05 min' / '40 min' of business time (sign ignored; the label says which way)."""
    if delta is None:
        return "—"
    minutes = int(abs(delta.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(h)d h %(m)02d min", h=hours, m=minutes)
    return _("%(m)d min", m=minutes)


def margin_text(reading: ClockReading) -> str:
    """How much time is left, or how late it is, in words."""
    amount = business_duration(reading.margin)
    if reading.state in (ClockState.MET, ClockState.MET_LATE):
        if reading.state is ClockState.MET:
            return _("%(t)s early", t=amount)
        return _("%(t)s late", t=amount)
    if reading.state is ClockState.BREACHED:
        return _("%(t)s overdue", t=amount)
    if reading.state is ClockState.PAUSED:
        return _("waiting on the customer")
    return _("%(t)s left", t=amount)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        sla_state_labels=STATE_LABELS,
        sla_state_badges=STATE_BADGES,
        sla_clock_labels=CLOCK_LABELS,
        sla_margin=margin_text,
    )
