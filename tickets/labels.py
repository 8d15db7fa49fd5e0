"""How ticket values look on a page: badges, hints, field names, audit values, choices.

The labels of the coded values themselves live in `core.vocabulary`, keyed by enum; the
labels and buttons of the workflow's actions live in the registry (`tickets.registry`).
"""

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from core.formatting import local_time
from core.forms import select_choices
from core.vocabulary import (
    CHANNEL_LABELS,
    DIMENSION_LABELS,
    FAULT_LABELS,
    FOLLOW_UP_KIND_LABELS,
    LOCALE_LABELS,
    REMEDY_LABELS,
    RESPONSE_LABELS,
    ROOT_CAUSE_LABELS,
    SEVERITY_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
    TIER_LABELS,
    Clock,
)

__all__ = [
    "CHANNEL_LABELS", "DIMENSION_LABELS", "FAULT_LABELS", "FOLLOW_UP_KIND_LABELS",
    "LANGUAGE_LABELS", "REMEDY_LABELS", "RESPONSE_LABELS", "ROOT_CAUSE_LABELS",
    "SEVERITY_LABELS", "STATUS_BADGES", "STATUS_LABELS", "TIER_LABELS",
]
LANGUAGE_LABELS = LOCALE_LABELS
CLOCK_WORDS = {
    Clock.FIRST_RESPONSE: _l("first response"),
    Clock.FIX_OFFERED: _l("fix offered"),
    Clock.RESOLUTION: _l("resolution"),
    Clock.NEXT_CONTACT: _l("next contact"),
}

ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$")

DIMENSION_HINTS = {
    "reliability": _l("We did not deliver what was promised, or got it wrong."),
    "responsiveness": _l("We were slow, kept them waiting, or did not get back."),
    "assurance": _l("Staff lacked knowledge or courtesy, or the customer felt unsafe."),
    "empathy": _l("We did not listen or treat them as a person."),
    "tangibles": _l("Rooms, facilities, equipment or appearance fell short."),
}
SEVERITY_BADGES = {
    "low": "text-bg-light",
    "medium": "text-bg-secondary",
    "high": "text-bg-warning",
    "critical": "text-bg-danger",
}
SYSTEM_EVENT_LABELS = {
    "opened": _l("Opened"),
    "sla_at_risk": _l("Deadline close: owner warned"),
    "sla_level_1": _l("Deadline missed: escalated to supervisors"),
    "sla_level_2": _l("Deadline still missed: escalated to managers"),
    "sla_recomputed": _l("Due times recomputed"),
    "customer_message": _l("The customer wrote"),
}


FIELD_LABELS = {
    "status": _l("Status"),
    "owner": _l("Owner"),
    "pending_transfer_to": _l("Handed to"),
    "pending_approval_kind": _l("Waiting for approval of"),
    "signoff_requested_from": _l("Sign-off asked from"),
    "customer": _l("Customer"),
    "channel": _l("Channel"),
    "dimension": _l("Dimension"),
    "category": _l("Category"),
    "severity": _l("Severity"),
    "is_safety": _l("Safety / health"),
    "escalation_level": _l("Escalation level"),
    "next_contact_by": _l("Next contact by"),
    "acknowledgement": _l("Acknowledgement"),
    "outcome": _l("What was done"),
    "customer_response": _l("Customer's response"),
    "root_cause": _l("Root cause"),
    "root_cause_note": _l("Root cause note"),
    "fault": _l("Fault"),
    "beyond_expectation": _l("Beyond expectation"),
    "decline_reason": _l("Decline reason"),
    "alternative_offered": _l("Alternative offered"),
    "reopened_count": _l("Times reopened"),
    "promise": _l("Promise"),
    "fix": _l("Fix"),
    "approval": _l("Approval"),
    "approved_by": _l("Approved by"),
    "signed_off_by": _l("Signed off by"),
    "first_response_due": _l("First response due"),
    "fix_offered_due": _l("Fix due"),
    "resolution_due": _l("Resolution due"),
    "clock": _l("Deadline"),
    "check_in": _l("Check-in"),
    "survey": _l("Survey"),
    "by": _l("Recorded by"),
    "prevention": _l("Prevention action"),
    "attachment": _l("Attachment"),
    "acknowledgement_mail": _l("Written acknowledgement"),
    "customer_replied_at": _l("Customer wrote at"),
    "source": _l("Came in by"),
}
FOLLOW_UP_OUTCOME_LABELS = {
    "reached": _l("Reached"),
    "completed": _l("Survey answered"),
    "unreachable": _l("Could not reach the customer"),
    "cancelled": _l("Cancelled"),
    "superseded": _l("Not needed: the survey was answered"),
}
VALUE_LABELS = {
    "status": STATUS_LABELS,
    "dimension": DIMENSION_LABELS,
    "severity": SEVERITY_LABELS,
    "channel": CHANNEL_LABELS,
    "customer_response": RESPONSE_LABELS,
    "root_cause": ROOT_CAUSE_LABELS,
    "fault": FAULT_LABELS,
    "promise": {"kept": _l("kept"), "broken": _l("broken")},
    "pending_approval_kind": {"fix": _l("a fix"), "decline": _l("a decline")},
    "clock": CLOCK_WORDS,
    "acknowledgement_mail": {"send": _l("to be e-mailed to the customer"),
                             "not sent (staff choice)": _l("not sent (staff choice)")},
    "source": {"email": _l("E-mail"), "status_page": _l("the status page"),
               "web": _l("Web form")},
}


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " "))


def value_label(name: str, value, site=None) -> str:
    """A changed value as people read it: labels for coded values, times in the site's zone."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and ISO_MOMENT.match(value):
        return local_time(datetime.fromisoformat(value), site)
    return VALUE_LABELS.get(name, {}).get(value, value)


def choices(labels: dict) -> list[SelectChoice]:
    return select_choices(labels.items())


CHANNEL_CHOICES = choices(CHANNEL_LABELS)
DIMENSION_CHOICES = choices(DIMENSION_LABELS)
SEVERITY_CHOICES = choices(SEVERITY_LABELS)
TIER_CHOICES = choices(TIER_LABELS)
LANGUAGE_CHOICES = choices(LANGUAGE_LABELS)
REMEDY_CHOICES = choices(REMEDY_LABELS)
RESPONSE_CHOICES = choices(RESPONSE_LABELS)
ROOT_CAUSE_CHOICES = choices(ROOT_CAUSE_LABELS)
FAULT_CHOICES = choices(FAULT_LABELS)
