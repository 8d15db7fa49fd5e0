"""Labels and small helpers every ticket template uses (globals, so imported macros see them)."""

from flask import Flask

from core.clock import utcnow
from sla.clocks import ClockReading, most_urgent
from tickets import labels
from tickets.customer_history import customer_history
from tickets.deadlines import read_clocks
from tickets.registry import ENTRIES
from tickets.timeline import timeline


def reject_page(args: dict) -> dict:
    return {k: v for k, v in args.items() if k != "page"}


def ticket_clocks(ticket) -> dict[str, ClockReading]:
    """Each running or finished clock of the ticket, read now."""
    return read_clocks(ticket, utcnow())


def worst_clock(ticket) -> ClockReading | None:
    return most_urgent(list(ticket_clocks(ticket).values()))


def init_app(app: Flask) -> None:
    app.add_template_filter(reject_page, "reject_page")

    app.jinja_env.globals.update(
        {
            "sla_clocks": ticket_clocks,
            "sla_worst": worst_clock,
            "ticket_timeline": timeline,
            "customer_history": customer_history,
            "status_labels": labels.STATUS_LABELS,
            "status_badges": labels.STATUS_BADGES,
            "severity_labels": labels.SEVERITY_LABELS,
            "severity_badges": labels.SEVERITY_BADGES,
            "dimension_labels": labels.DIMENSION_LABELS,
            "dimension_hints": labels.DIMENSION_HINTS,
            "channel_labels": labels.CHANNEL_LABELS,
            "tier_labels": labels.TIER_LABELS,
            "language_labels": labels.LANGUAGE_LABELS,
            "remedy_labels": labels.REMEDY_LABELS,
            "response_labels": labels.RESPONSE_LABELS,
            "root_cause_labels": labels.ROOT_CAUSE_LABELS,
            "fault_labels": labels.FAULT_LABELS,
            "action_buttons": {str(e.action): e.button for e in ENTRIES},
            "follow_up_kind_labels": labels.FOLLOW_UP_KIND_LABELS,
            "follow_up_outcome_labels": labels.FOLLOW_UP_OUTCOME_LABELS,
        }
    )
