"""The ticket workflow as a pure state machine: states, actions, who may act, what is required.

No Flask and no database here. `check_transition` answers "may this actor take this action
on a ticket in this state?" with a reason when not; `validate` turns raw input into cleaned
values or field-level errors. The table `TRANSITIONS` is the single source of both.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from tickets import files


class Status(StrEnum):
    NEW = "new"
    OWNED = "owned"
    FIX_OFFERED = "fix_offered"
    AWAITING_APPROVAL = "awaiting_approval"
    RESOLVED = "resolved"
    DECLINED = "declined"
    CLOSED = "closed"


class Role(StrEnum):
    FRONT_DESK = "front_desk"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"


class Action(StrEnum):
    OWN = "own"
    LOG_CONTACT = "log_contact"
    OFFER_FIX = "offer_fix"
    RECORD_RESPONSE = "record_response"
    APPROVE = "approve"
    REJECT = "reject"
    RESOLVE = "resolve"
    DECLINE = "decline"
    TRANSFER = "transfer"
    ACCEPT_TRANSFER = "accept_transfer"
    REASSIGN = "reassign"
    ESCALATE = "escalate"
    REOPEN = "reopen"
    CLOSE = "close"
    RECLASSIFY = "reclassify"
    FOLLOW_UP = "follow_up"
    COMPLETE_PREVENTION = "complete_prevention"
    ADD_ATTACHMENT = "add_attachment"


class Who(StrEnum):
    """Who may take an action, relative to the ticket."""

    ANYONE = "anyone"
    OWNER = "owner"
    OWNER_OR_LEAD = "owner_or_lead"
    LEAD = "lead"
    LEAD_NOT_OWNER = "lead_not_owner"
    TRANSFER_TARGET = "transfer_target"


OPEN_STATES = (Status.NEW, Status.OWNED, Status.FIX_OFFERED, Status.AWAITING_APPROVAL)
LEADS = (Role.SUPERVISOR, Role.MANAGER)
MAX_ESCALATION_LEVEL = 2
CHANNELS = ("front_desk", "phone", "email", "web", "social", "survey")
DIMENSIONS = ("reliability", "responsiveness", "assurance", "empathy", "tangibles")
SEVERITIES = ("low", "medium", "high", "critical")
TIERS = ("standard", "key", "vip")
REMEDY_TYPES = (
    "refund", "replacement", "repair_redo", "discount", "complimentary", "upgrade", "other",
)
CUSTOMER_RESPONSES = ("accepted", "declined", "countered")
ROOT_CAUSES = (
    "process", "people", "product", "environment", "third_party", "customer_expectation",
)
FAULTS = ("us", "other_department", "third_party", "customer", "unknown")
FOLLOW_UP_KINDS = ("check_in", "survey")
MAX_COMPENSATION = Decimal("1000000")
MAX_TEXT = 2000

_WORKING = (Status.OWNED, Status.FIX_OFFERED, Status.AWAITING_APPROVAL)
_FINISHED = (Status.RESOLVED, Status.DECLINED, Status.CLOSED)

TRANSITIONS: dict[tuple[Status, Action], Who] = {
    (Status.NEW, Action.OWN): Who.ANYONE,
    **{(state, Action.LOG_CONTACT): Who.OWNER_OR_LEAD for state in _WORKING},
    (Status.NEW, Action.LOG_CONTACT): Who.ANYONE,
    (Status.OWNED, Action.OFFER_FIX): Who.OWNER,
    (Status.FIX_OFFERED, Action.OFFER_FIX): Who.OWNER,
    (Status.FIX_OFFERED, Action.RECORD_RESPONSE): Who.OWNER,
    (Status.AWAITING_APPROVAL, Action.APPROVE): Who.LEAD_NOT_OWNER,
    (Status.AWAITING_APPROVAL, Action.REJECT): Who.LEAD_NOT_OWNER,
    (Status.FIX_OFFERED, Action.RESOLVE): Who.OWNER,
    (Status.OWNED, Action.DECLINE): Who.OWNER,
    (Status.FIX_OFFERED, Action.DECLINE): Who.OWNER,
    **{(state, Action.TRANSFER): Who.OWNER for state in _WORKING},
    **{(state, Action.ACCEPT_TRANSFER): Who.TRANSFER_TARGET for state in _WORKING},
    **{(state, Action.REASSIGN): Who.LEAD for state in OPEN_STATES},
    **{(state, Action.ESCALATE): Who.LEAD for state in OPEN_STATES},
    **{(state, Action.REOPEN): Who.OWNER_OR_LEAD for state in _FINISHED},
    (Status.RESOLVED, Action.CLOSE): Who.LEAD,
    (Status.DECLINED, Action.CLOSE): Who.OWNER_OR_LEAD,
    (Status.RESOLVED, Action.FOLLOW_UP): Who.ANYONE,
    **{(state, Action.COMPLETE_PREVENTION): Who.OWNER_OR_LEAD for state in Status
       if state is not Status.NEW},
    **{(state, Action.ADD_ATTACHMENT): Who.ANYONE for state in Status},
    (Status.NEW, Action.RECLASSIFY): Who.ANYONE,
    **{(state, Action.RECLASSIFY): Who.OWNER_OR_LEAD for state in _WORKING},
}

_WHO_REFUSALS = {
    Who.OWNER: "Only the ticket's owner can do this.",
    Who.OWNER_OR_LEAD: "Only the owner or a supervisor can do this.",
    Who.LEAD: "Only a supervisor or manager can do this.",
    Who.LEAD_NOT_OWNER: "A supervisor or manager other than the owner must decide this.",
    Who.TRANSFER_TARGET: "Only the person the ticket is being handed to can accept it.",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the workflow sees it."""

    role: Role
    is_owner: bool = False
    is_transfer_target: bool = False
    is_system: bool = False


class TransitionRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class FieldErrors(Exception):
    def __init__(self, fields: dict[str, str]):
        super().__init__(", ".join(f"{name}: {message}" for name, message in fields.items()))
        self.fields = fields


def _may(who: Who, actor: Actor) -> bool:
    if actor.is_system:
        return True
    is_lead = actor.role in LEADS
    return {
        Who.ANYONE: True,
        Who.OWNER: actor.is_owner,
        Who.OWNER_OR_LEAD: actor.is_owner or is_lead,
        Who.LEAD: is_lead,
        Who.LEAD_NOT_OWNER: is_lead and not actor.is_owner,
        Who.TRANSFER_TARGET: actor.is_transfer_target,
    }[who]


def _context_refusal(
    action: Action, has_pending_transfer: bool, escalation_level: int
) -> str | None:
    if action is Action.TRANSFER and has_pending_transfer:
        return "A handover is already waiting to be accepted."
    if action is Action.ACCEPT_TRANSFER and not has_pending_transfer:
        return "No handover is waiting to be accepted."
    if action is Action.ESCALATE and escalation_level >= MAX_ESCALATION_LEVEL:
        return "This ticket is already escalated to managers."
    return None


def check_transition(
    status: Status,
    action: Action,
    actor: Actor,
    *,
    has_pending_transfer: bool = False,
    escalation_level: int = 0,
    pending_kind: str | None = None,
) -> Who:
    """Return who the rule allows, or raise TransitionRefused with the reason."""
    who = TRANSITIONS.get((Status(status), Action(action)))
    if who is None:
        state = Status(status).replace("_", " ")
        raise TransitionRefused(f"A ticket that is {state} cannot be {_verb(action)}.")
    if not _may(who, actor):
        raise TransitionRefused(_WHO_REFUSALS[who])
    refusal = _context_refusal(Action(action), has_pending_transfer, escalation_level)
    if refusal:
        raise TransitionRefused(refusal)
    return who


def _verb(action: Action) -> str:
    return {
        Action.OWN: "owned",
        Action.LOG_CONTACT: "given a contact log",
        Action.OFFER_FIX: "given a fix offer",
        Action.RECORD_RESPONSE: "given the customer's answer",
        Action.APPROVE: "approved",
        Action.REJECT: "sent back",
        Action.RESOLVE: "resolved",
        Action.DECLINE: "declined",
        Action.TRANSFER: "transferred",
        Action.ACCEPT_TRANSFER: "accepted as a transfer",
        Action.REASSIGN: "reassigned",
        Action.ESCALATE: "escalated",
        Action.REOPEN: "reopened",
        Action.CLOSE: "closed",
        Action.RECLASSIFY: "reclassified",
        Action.FOLLOW_UP: "followed up",
        Action.COMPLETE_PREVENTION: "given a completed prevention action",
        Action.ADD_ATTACHMENT: "given an attachment",
    }[Action(action)]


def allowed_actions(status: Status, actor: Actor, **context) -> list[Action]:
    """Every action this actor may take now, in the table's order."""
    allowed = []
    for action in Action:
        try:
            check_transition(status, action, actor, **context)
        except TransitionRefused:
            continue
        allowed.append(action)
    return allowed


# --- the "apology only" rule -------------------------------------------------------------

_APOLOGY_PHRASES_ZH = (
    "非常抱歉", "十分抱歉", "很抱歉", "抱歉", "对不起", "不好意思", "道歉", "致歉", "深表歉意",
    "歉意", "请原谅", "原谅", "敬请谅解", "请谅解", "谅解", "给您带来不便", "带来的不便",
    "带来不便", "不便", "麻烦", "再次", "诚挚", "真诚", "表示", "我们", "我", "您", "向", "的",
    "了", "非常", "十分", "真的", "深深", "地", "给", "带来", "此事", "这件事", "对此",
)
_APOLOGY_MARKERS_ZH = ("抱歉", "对不起", "不好意思", "道歉", "致歉", "歉意", "原谅", "谅解", "不便")
_APOLOGY_WORDS_EN = {
    "sorry", "apologise", "apologize", "apologised", "apologized", "apology", "apologies",
    "regret", "regrets", "forgive", "excuse", "pardon", "inconvenience", "trouble",
}
_FILLER_WORDS_EN = {
    "we", "i", "am", "are", "is", "was", "were", "so", "very", "really", "truly", "deeply",
    "sincerely", "sincere", "most", "for", "the", "a", "an", "any", "all", "this", "that",
    "it", "caused", "causing", "our", "my", "please", "accept", "us", "me", "you", "your",
    "again", "to", "of", "and", "with", "about", "be", "say", "said", "offer", "offered",
    "give", "gave", "customer", "guest", "terribly", "extremely", "profusely", "have", "has",
    "had", "will", "would", "kindly", "in", "on", "what", "happened", "s", "m", "re", "ve",
}


def is_apology_only(text: str) -> bool:
    """True when the text says sorry (in English or Chinese) and nothing that will be done."""
    remainder = (text or "").lower()
    said_sorry = any(marker in remainder for marker in _APOLOGY_MARKERS_ZH)
    for phrase in _APOLOGY_PHRASES_ZH:
        remainder = remainder.replace(phrase, " ")
    words = re.findall(r"\w+", remainder)
    said_sorry = said_sorry or any(word in _APOLOGY_WORDS_EN for word in words)
    substantive = [w for w in words if w not in _APOLOGY_WORDS_EN | _FILLER_WORDS_EN]
    return said_sorry and not substantive


# --- field validation --------------------------------------------------------------------

APOLOGY_ONLY_MESSAGE = (
    "An apology alone is not a fix: say what will be done, by whom and when."
)


class _Cleaner:
    """Collects cleaned values and field errors for one submission."""

    def __init__(self, data: dict, now: datetime):
        self.data = data or {}
        self.now = now
        self.cleaned: dict = {}
        self.errors: dict[str, str] = {}

    def raw(self, name: str):
        value = self.data.get(name)
        return value.strip() if isinstance(value, str) else value

    def text(self, name: str, *, required: bool = True, concrete: bool = False) -> None:
        value = self.raw(name) or ""
        if not isinstance(value, str):
            self.errors[name] = "Enter text."
        elif required and not value:
            self.errors[name] = "This field is required."
        elif len(value) > MAX_TEXT:
            self.errors[name] = f"Use at most {MAX_TEXT} characters."
        elif concrete and is_apology_only(value):
            self.errors[name] = APOLOGY_ONLY_MESSAGE
        else:
            self.cleaned[name] = value

    def choice(self, name: str, options: tuple[str, ...], *, required: bool = True) -> None:
        value = self.raw(name)
        if not value and not required:
            self.cleaned[name] = None
        elif value not in options:
            self.errors[name] = "Choose one of: " + ", ".join(options) + "."
        else:
            self.cleaned[name] = value

    def moment(self, name: str, *, required: bool = True, future: bool = True) -> None:
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.errors[name] = "Give a date and time."
            else:
                self.cleaned[name] = None
        elif not isinstance(value, datetime) or value.tzinfo is None:
            self.errors[name] = "Give a date and time."
        elif future and value <= self.now:
            self.errors[name] = "This must be in the future."
        else:
            self.cleaned[name] = value

    def day(self, name: str) -> None:
        value = self.raw(name)
        if value in (None, ""):
            self.cleaned[name] = None
        elif not isinstance(value, date) or isinstance(value, datetime):
            self.errors[name] = "Give a date."
        else:
            self.cleaned[name] = value

    def flag(self, name: str, *, required: bool = False) -> None:
        """A yes/no answer: a JSON boolean, or yes/no, true/false, 1/0 from a form."""
        value = self.raw(name)
        if isinstance(value, str):
            value = _FLAG_WORDS.get(value.lower(), value)
        if value in (None, ""):
            if required:
                self.errors[name] = "Answer yes or no."
            else:
                self.cleaned[name] = None
        elif isinstance(value, bool):
            self.cleaned[name] = value
        else:
            self.errors[name] = "Answer yes or no."

    def score(self, name: str, low: int, high: int) -> None:
        """An optional whole number from `low` to `high`."""
        value = self.raw(name)
        if value in (None, ""):
            self.cleaned[name] = None
            return
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            self.cleaned[name] = value
        else:
            self.errors[name] = f"Give a whole number from {low} to {high}."

    def amount(self, name: str) -> None:
        try:
            self.cleaned[name] = parse_amount(self.raw(name))
        except ValueError as exc:
            self.errors[name] = str(exc)


_FLAG_WORDS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


def parse_amount(value) -> Decimal:
    """A compensation amount: a Decimal ≥ 0 with at most two decimals, below one million."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("Enter an amount (0 when there is no compensation).")
    if isinstance(value, float | bool):
        raise ValueError("Enter the amount as a number, e.g. 150.00.")
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError("Enter the amount as a number, e.g. 150.00.") from None
    if not amount.is_finite():
        raise ValueError("Enter the amount as a number, e.g. 150.00.")
    if amount < 0:
        raise ValueError("The amount cannot be negative.")
    if amount >= MAX_COMPENSATION:
        raise ValueError("That amount is too large; check it.")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("Use at most two decimals.")
    return amount.quantize(Decimal("0.01"))


def _own(c: _Cleaner) -> None:
    c.text("acknowledgement")
    c.moment("next_contact_by")


def _log_contact(c: _Cleaner) -> None:
    c.text("note")
    c.choice("channel", CHANNELS)
    c.moment("next_contact_by", required=False)


def _offer_fix(c: _Cleaner) -> None:
    c.text("action", concrete=True)
    c.choice("remedy_type", REMEDY_TYPES)
    c.amount("compensation")
    c.moment("committed_by")


def _record_response(c: _Cleaner) -> None:
    c.choice("customer_response", CUSTOMER_RESPONSES)
    c.text("note", required=False)


def _optional_note(c: _Cleaner) -> None:
    c.text("note", required=False)


def _reason(c: _Cleaner) -> None:
    c.text("reason")


def _resolve(c: _Cleaner) -> None:
    c.text("outcome", concrete=True)
    c.choice("customer_response", CUSTOMER_RESPONSES)
    c.choice("root_cause", ROOT_CAUSES)
    c.text("root_cause_note")
    c.choice("fault", FAULTS, required=False)
    if c.cleaned.get("fault") is None and "fault" not in c.errors:
        c.cleaned["fault"] = "unknown"  # recorded for learning; not knowing is an answer
    c.text("prevention_action", required=False)
    c.text("prevention_owner", required=False)
    c.day("prevention_due")
    c.text("beyond_expectation", required=False)
    if c.cleaned.get("prevention_action"):
        if not c.cleaned.get("prevention_owner"):
            c.errors.setdefault("prevention_owner", "Say who will make this change.")
        if not c.cleaned.get("prevention_due") and "prevention_due" not in c.errors:
            c.errors["prevention_due"] = "Say by when."


def _decline(c: _Cleaner, role: Role | None) -> None:
    c.text("reason")
    c.text("alternative_offered", concrete=True)
    c.text("signed_off_by", required=role is Role.FRONT_DESK)
    if "signed_off_by" in c.errors and role is Role.FRONT_DESK:
        c.errors["signed_off_by"] = "Choose the supervisor who signs off this decline."


def _handover(c: _Cleaner) -> None:
    c.text("to")
    c.text("handover_note")
    if "to" in c.errors:
        c.errors["to"] = "Choose who takes the ticket over."


def _reassign(c: _Cleaner) -> None:
    c.text("to")
    c.text("reason")
    if "to" in c.errors:
        c.errors["to"] = "Choose who takes the ticket over."


def _reclassify(c: _Cleaner) -> None:
    c.choice("dimension", DIMENSIONS)
    c.choice("severity", SEVERITIES)
    c.text("reason")
    category = c.raw("category_id")
    if isinstance(category, int) and not isinstance(category, bool) and category > 0:
        c.cleaned["category_id"] = category
    elif isinstance(category, str) and category.isdigit():
        c.cleaned["category_id"] = int(category)
    else:
        c.errors["category_id"] = "Choose a category."


ANSWERS_WITHOUT_REACH = "Leave the answers empty when the customer was not reached."


def _follow_up(c: _Cleaner) -> None:
    """A follow-up attempt; a survey that reached the customer needs CSAT and "recovered"."""
    c.choice("kind", FOLLOW_UP_KINDS)
    c.flag("reached", required=True)
    c.score("csat", 1, 5)
    c.flag("recovered")
    c.flag("would_recommend")
    c.text("comment", required=False)
    answers = ("csat", "recovered", "would_recommend")
    if c.cleaned.get("reached") is False:
        for name in answers:
            if c.cleaned.get(name) is not None:
                c.errors[name] = ANSWERS_WITHOUT_REACH
    elif c.cleaned.get("reached") and c.cleaned.get("kind") == "survey":
        if "csat" not in c.errors and c.cleaned.get("csat") is None:
            c.errors["csat"] = "Give the customer's score from 1 to 5."
        if "recovered" not in c.errors and c.cleaned.get("recovered") is None:
            c.errors["recovered"] = "Say whether the customer feels it was put right."


def _complete_prevention(c: _Cleaner) -> None:
    value = c.raw("prevention_id")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        c.cleaned["prevention_id"] = value
    else:
        c.errors["prevention_id"] = "Choose the prevention action that is done."
    c.text("note", required=False)


def _add_attachment(c: _Cleaner) -> None:
    """A photo or PDF: its bytes decide its type; empty and oversized files are refused."""
    content = c.raw("content")
    if not isinstance(content, bytes) or not content:
        c.errors["file"] = "Choose a photo or a PDF to attach."
        return
    kind = files.detect_kind(content[:16])
    if kind is None:
        c.errors["file"] = "Attach a photo (JPEG, PNG, WebP, HEIC) or a PDF."
    elif len(content) > files.MAX_BYTES:
        c.errors["file"] = f"Attach at most {files.size_text(files.MAX_BYTES)}."
    else:
        c.cleaned.update(content=content, content_type=kind,
                         file_name=files.clean_name(c.raw("file_name") or ""))
    c.text("note", required=False)


_RULES = {
    Action.OWN: _own,
    Action.LOG_CONTACT: _log_contact,
    Action.OFFER_FIX: _offer_fix,
    Action.RECORD_RESPONSE: _record_response,
    Action.APPROVE: _optional_note,
    Action.REJECT: _reason,
    Action.RESOLVE: _resolve,
    Action.TRANSFER: _handover,
    Action.ACCEPT_TRANSFER: _optional_note,
    Action.REASSIGN: _reassign,
    Action.ESCALATE: _reason,
    Action.REOPEN: _reason,
    Action.CLOSE: _optional_note,
    Action.RECLASSIFY: _reclassify,
    Action.FOLLOW_UP: _follow_up,
    Action.COMPLETE_PREVENTION: _complete_prevention,
    Action.ADD_ATTACHMENT: _add_attachment,
}


def validate(action: Action, data: dict, *, now: datetime, role: Role | None = None) -> dict:
    """Clean the fields `action` needs, or raise FieldErrors naming each bad field."""
    cleaner = _Cleaner(data, now)
    if Action(action) is Action.DECLINE:
        _decline(cleaner, Role(role) if role else None)
    else:
        _RULES[Action(action)](cleaner)
    if cleaner.errors:
        raise FieldErrors(cleaner.errors)
    return cleaner.cleaned
