"""Translatable labels for the workflow's values (the values themselves live in workflow.py)."""

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from core.formatting import local_time
from core.forms import select_choices

ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$")

STATUS_LABELS = {
    "new": _l("New"),
    "owned": _l("Owned"),
    "fix_offered": _l("Fix offered"),
    "awaiting_approval": _l("Awaiting approval"),
    "resolved": _l("Resolved"),
    "declined": _l("Declined"),
    "closed": _l("Closed"),
}
STATUS_BADGES = {
    "new": "text-bg-danger",
    "owned": "text-bg-primary",
    "fix_offered": "text-bg-info",
    "awaiting_approval": "text-bg-warning",
    "resolved": "text-bg-success",
    "declined": "text-bg-secondary",
    "closed": "text-bg-dark",
}
DIMENSION_LABELS = {
    "reliability": _l("Reliability"),
    "responsiveness": _l("Responsiveness"),
    "assurance": _l("Assurance"),
    "empathy": _l("Empathy"),
    "tangibles": _l("Tangibles"),
}
DIMENSION_HINTS = {
    "reliability": _l("We did not deliver what was promised, or got it wrong."),
    "responsiveness": _l("We were slow, kept them waiting, or did not get back."),
    "assurance": _l("Staff lacked knowledge or courtesy, or the customer felt unsafe."),
    "empathy": _l("We did not listen or treat them as a person."),
    "tangibles": _l("Rooms, facilities, equipment or appearance fell short."),
}
SEVERITY_LABELS = {
    "low": _l("Low"),
    "medium": _l("Medium"),
    "high": _l("High"),
    "critical": _l("Critical"),
}
SEVERITY_BADGES = {
    "low": "text-bg-light",
    "medium": "text-bg-secondary",
    "high": "text-bg-warning",
    "critical": "text-bg-danger",
}
CHANNEL_LABELS = {
    "front_desk": _l("At the front desk"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "web": _l("Web"),
    "social": _l("Social media"),
    "survey": _l("Survey"),
}
TIER_LABELS = {"standard": _l("Standard"), "key": _l("Key"), "vip": _l("VIP")}
LANGUAGE_LABELS = {"en": "English", "zh_Hans": "中文"}
REMEDY_LABELS = {
    "refund": _l("Refund"),
    "replacement": _l("Replacement"),
    "repair_redo": _l("Repair or redo"),
    "discount": _l("Discount"),
    "complimentary": _l("Complimentary service"),
    "upgrade": _l("Upgrade"),
    "other": _l("Other"),
}
RESPONSE_LABELS = {
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "countered": _l("Countered"),
}
ROOT_CAUSE_LABELS = {
    "process": _l("Process"),
    "people": _l("People"),
    "product": _l("Product"),
    "environment": _l("Environment"),
    "third_party": _l("Third party"),
    "customer_expectation": _l("Customer expectation"),
}
FAULT_LABELS = {
    "us": _l("Us"),
    "other_department": _l("Another department"),
    "third_party": _l("A third party"),
    "customer": _l("The customer"),
    "unknown": _l("Unknown"),
}
ACTION_LABELS = {
    "opened": _l("Opened"),
    "own": _l("Owned"),
    "log_contact": _l("Contact logged"),
    "offer_fix": _l("Fix offered"),
    "record_response": _l("Customer answered"),
    "approve": _l("Approved"),
    "reject": _l("Sent back"),
    "resolve": _l("Resolved"),
    "decline": _l("Declined"),
    "transfer": _l("Transfer requested"),
    "accept_transfer": _l("Transfer accepted"),
    "reassign": _l("Reassigned"),
    "escalate": _l("Escalated"),
    "reopen": _l("Reopened"),
    "close": _l("Closed"),
    "reclassify": _l("Reclassified"),
    "follow_up": _l("Follow-up recorded"),
    "complete_prevention": _l("Prevention action done"),
    "add_attachment": _l("Attachment added"),
    "sla_at_risk": _l("Deadline close: owner warned"),
    "sla_level_1": _l("Deadline missed: escalated to supervisors"),
    "sla_level_2": _l("Deadline still missed: escalated to managers"),
    "sla_recomputed": _l("Due times recomputed"),
}
ACTION_BUTTONS = {
    "own": _l("Own it"),
    "log_contact": _l("Log a contact"),
    "offer_fix": _l("Offer a fix"),
    "record_response": _l("Record the customer's answer"),
    "approve": _l("Approve"),
    "reject": _l("Send back"),
    "resolve": _l("Resolve"),
    "decline": _l("Decline"),
    "transfer": _l("Transfer"),
    "accept_transfer": _l("Accept transfer"),
    "reassign": _l("Reassign"),
    "escalate": _l("Escalate"),
    "reopen": _l("Reopen"),
    "close": _l("Close"),
    "reclassify": _l("Reclassify"),
    "follow_up": _l("Record a follow-up"),
    "complete_prevention": _l("Mark a prevention action done"),
    "add_attachment": _l("Attach a photo or receipt"),
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
}
FOLLOW_UP_KIND_LABELS = {"check_in": _l("Check-in (+2 days)"), "survey": _l("Survey (+7 days)")}
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
    "clock": {
        "first_response": _l("first response"),
        "fix_offered": _l("fix offered"),
        "resolution": _l("resolution"),
        "next_contact": _l("next contact"),
    },
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
