"""The product's vocabulary: every coded value, once, with its label keyed by the value.

Each enum is a `StrEnum`, so a member equals its stored string (`Role.MANAGER == "manager"`)
and a label dict keyed by members answers lookups by plain strings too. Labels are lazy:
they are translated when shown, in the reader's language. `LABELS` maps each enum to its
labels; a test checks every value has a label and every label a translation.
"""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    FRONT_DESK = "front_desk"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"


LEADS = (Role.SUPERVISOR, Role.MANAGER)


class Status(StrEnum):
    NEW = "new"
    OWNED = "owned"
    FIX_OFFERED = "fix_offered"
    AWAITING_APPROVAL = "awaiting_approval"
    RESOLVED = "resolved"
    DECLINED = "declined"
    CLOSED = "closed"


OPEN_STATES = (Status.NEW, Status.OWNED, Status.FIX_OFFERED, Status.AWAITING_APPROVAL)
WORKING_STATES = (Status.OWNED, Status.FIX_OFFERED, Status.AWAITING_APPROVAL)
FINISHED_STATES = (Status.RESOLVED, Status.DECLINED, Status.CLOSED)


class Dimension(StrEnum):
    """The SERVQUAL dimension a complaint touches."""

    RELIABILITY = "reliability"
    RESPONSIVENESS = "responsiveness"
    ASSURANCE = "assurance"
    EMPATHY = "empathy"
    TANGIBLES = "tangibles"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Tier(StrEnum):
    STANDARD = "standard"
    KEY = "key"
    VIP = "vip"


class Channel(StrEnum):
    FRONT_DESK = "front_desk"
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    SOCIAL = "social"
    SURVEY = "survey"


class Clock(StrEnum):
    """The four SLA clocks of a ticket."""

    FIRST_RESPONSE = "first_response"
    FIX_OFFERED = "fix_offered"
    RESOLUTION = "resolution"
    NEXT_CONTACT = "next_contact"


class RemedyType(StrEnum):
    REFUND = "refund"
    REPLACEMENT = "replacement"
    REPAIR_REDO = "repair_redo"
    DISCOUNT = "discount"
    COMPLIMENTARY = "complimentary"
    UPGRADE = "upgrade"
    OTHER = "other"


class CustomerResponse(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COUNTERED = "countered"


class RootCause(StrEnum):
    PROCESS = "process"
    PEOPLE = "people"
    PRODUCT = "product"
    ENVIRONMENT = "environment"
    THIRD_PARTY = "third_party"
    CUSTOMER_EXPECTATION = "customer_expectation"


class Fault(StrEnum):
    """Where the fault lay: recorded for learning, never a reason to refuse ownership."""

    US = "us"
    OTHER_DEPARTMENT = "other_department"
    THIRD_PARTY = "third_party"
    CUSTOMER = "customer"
    UNKNOWN = "unknown"


class FollowUpKind(StrEnum):
    CHECK_IN = "check_in"
    SURVEY = "survey"


class Locale(StrEnum):
    EN = "en"
    ZH_HANS = "zh_Hans"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The stored strings of an enum, in declaration order."""
    return tuple(member.value for member in enum)


ROLE_LABELS = {
    Role.FRONT_DESK: _l("Front desk"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.MANAGER: _l("Manager"),
}
STATUS_LABELS = {
    Status.NEW: _l("New"),
    Status.OWNED: _l("Owned"),
    Status.FIX_OFFERED: _l("Fix offered"),
    Status.AWAITING_APPROVAL: _l("Awaiting approval"),
    Status.RESOLVED: _l("Resolved"),
    Status.DECLINED: _l("Declined"),
    Status.CLOSED: _l("Closed"),
}
STATUS_BADGES = {
    Status.NEW: "text-bg-danger",
    Status.OWNED: "text-bg-primary",
    Status.FIX_OFFERED: "text-bg-info",
    Status.AWAITING_APPROVAL: "text-bg-warning",
    Status.RESOLVED: "text-bg-success",
    Status.DECLINED: "text-bg-secondary",
    Status.CLOSED: "text-bg-dark",
}
DIMENSION_LABELS = {
    Dimension.RELIABILITY: _l("Reliability"),
    Dimension.RESPONSIVENESS: _l("Responsiveness"),
    Dimension.ASSURANCE: _l("Assurance"),
    Dimension.EMPATHY: _l("Empathy"),
    Dimension.TANGIBLES: _l("Tangibles"),
}
SEVERITY_LABELS = {
    Severity.LOW: _l("Low"),
    Severity.MEDIUM: _l("Medium"),
    Severity.HIGH: _l("High"),
    Severity.CRITICAL: _l("Critical"),
}
TIER_LABELS = {Tier.STANDARD: _l("Standard"), Tier.KEY: _l("Key"), Tier.VIP: _l("VIP")}
CHANNEL_LABELS = {
    Channel.FRONT_DESK: _l("At the front desk"),
    Channel.PHONE: _l("Phone"),
    Channel.EMAIL: _l("E-mail"),
    Channel.WEB: _l("Web form"),
    Channel.SOCIAL: _l("Social media"),
    Channel.SURVEY: _l("Survey"),
}
# Each clock named as the deadline it is ("Offer a fix by"), never as a state ("Fix
# offered" is a status: next to "Breached" it would read as if a fix had been offered).
CLOCK_LABELS = {
    Clock.FIRST_RESPONSE: _l("Respond by"),
    Clock.FIX_OFFERED: _l("Offer a fix by"),
    Clock.RESOLUTION: _l("Resolve by"),
    Clock.NEXT_CONTACT: _l("Contact by"),
}
REMEDY_LABELS = {
    RemedyType.REFUND: _l("Refund"),
    RemedyType.REPLACEMENT: _l("Replacement"),
    RemedyType.REPAIR_REDO: _l("Repair or redo"),
    RemedyType.DISCOUNT: _l("Discount"),
    RemedyType.COMPLIMENTARY: _l("Complimentary service"),
    RemedyType.UPGRADE: _l("Upgrade"),
    RemedyType.OTHER: _l("Other"),
}
RESPONSE_LABELS = {
    CustomerResponse.ACCEPTED: _l("Accepted"),
    CustomerResponse.DECLINED: _l("Declined"),
    CustomerResponse.COUNTERED: _l("Countered"),
}
ROOT_CAUSE_LABELS = {
    RootCause.PROCESS: _l("Process"),
    RootCause.PEOPLE: _l("People"),
    RootCause.PRODUCT: _l("Product"),
    RootCause.ENVIRONMENT: _l("Environment"),
    RootCause.THIRD_PARTY: _l("Third party"),
    RootCause.CUSTOMER_EXPECTATION: _l("Customer expectation"),
}
FAULT_LABELS = {
    Fault.US: _l("Us"),
    Fault.OTHER_DEPARTMENT: _l("Another department"),
    Fault.THIRD_PARTY: _l("A third party"),
    Fault.CUSTOMER: _l("The customer"),
    Fault.UNKNOWN: _l("Unknown"),
}
FOLLOW_UP_KIND_LABELS = {
    FollowUpKind.CHECK_IN: _l("Check-in (+2 days)"),
    FollowUpKind.SURVEY: _l("Survey (+7 days)"),
}
LOCALE_LABELS = {Locale.EN: "English", Locale.ZH_HANS: "中文"}

LABELS: dict[type[StrEnum], dict] = {
    Role: ROLE_LABELS,
    Status: STATUS_LABELS,
    Dimension: DIMENSION_LABELS,
    Severity: SEVERITY_LABELS,
    Tier: TIER_LABELS,
    Channel: CHANNEL_LABELS,
    Clock: CLOCK_LABELS,
    RemedyType: REMEDY_LABELS,
    CustomerResponse: RESPONSE_LABELS,
    RootCause: ROOT_CAUSE_LABELS,
    Fault: FAULT_LABELS,
    FollowUpKind: FOLLOW_UP_KIND_LABELS,
    Locale: LOCALE_LABELS,
}
