"""The ticket's timeline as people read it, in the reader's language.

Each audit event becomes an `Entry`: what happened (the action's label), when (in the
ticket's site's time zone), who (a person's display name, "the customer" or "system"), its
note (a system note rendered from its code and parameters, `tickets.audit.event_note`;
words a person or the customer wrote as written) and each changed field as label: old → new.

The stored values stay codes and usernames (the API gives them to programs); here they
become labels: statuses, severities, channels, dimensions, root causes and faults by their
labels, people by display name, categories by their name in the reader's language, money
in the locale's style ("¥80.00"), moments in the site's zone. A few values are short
phrases the workflow writes in a fixed shape ("upgrade 80.00 CNY", "done: <action>",
"reached, CSAT 4"); each is read back by its shape and shown in words, and a value of
another shape is shown as stored.

Bounded work: the events (one query, unless loaded with the ticket), one query for every
person any event names (actors and people in changed fields), and one for the categories
when a category changed. Never one query per event.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from auth.models import User
from core.formatting import current_locale, is_chinese, local_time, money, number
from extensions import db
from tickets import labels
from tickets.audit import event_note
from tickets.categories import names_by_english
from tickets.models import Ticket, TicketEvent
from tickets.registry import ENTRIES

EMPTY = "—"
PERSON_FIELDS = ("owner", "pending_transfer_to", "signoff_requested_from", "approved_by",
                 "signed_off_by", "by")
# Times the SLA engine schedules for itself: not something a person acts on.
HIDDEN_FIELDS = frozenset({"sla_next_check_at"})

FIELD_LABELS = {
    **labels.FIELD_LABELS,
    "reply_mail": _l("Reply by e-mail"),
    "answered_by": _l("Answered by"),
    "personal_data": _l("Personal data"),
    "follow_ups": _l("Follow-ups"),
    "attachments": _l("Attachments"),
    "events_redacted": _l("Timeline entries redacted"),
    "messages_erased": _l("Messages erased"),
    "customer_email": _l("Customer's e-mail address"),
    "resolution_paused_since": _l("Resolution clock paused since"),
    "resolution_paused_seconds": _l("Resolution clock paused for"),
    "next_contact_met_at": _l("Next contact made at"),
}
VALUE_LABELS = {
    **labels.VALUE_LABELS,
    "reply_mail": {"queued": _l("queued to be e-mailed"),
                   "not mailed (no e-mail address)": _l("not e-mailed (no e-mail address)")},
    "answered_by": {"customer": _l("the customer, on their status page")},
    # privacy.erasure writes "erased (<why>)"; its reasons are privacy.models' codes.
    "personal_data": {"erased (request)": _l("erased on request"),
                      "erased (retention)": _l("erased by the retention rule")},
    "customer_email": {"on file": _l("on file"), "erased": _l("erased")},
    "follow_ups": labels.FOLLOW_UP_OUTCOME_LABELS,
    "by": {"customer (survey link)": _l("the customer (survey link)")},
}
YES_NO = {True: _l("Yes"), False: _l("No")}
# Events neither the workflow's registry nor the SLA engine names (tickets.labels).
EVENT_LABELS = {"customer_erased": _l("Personal data erased")}

FIX = re.compile(r"^(?P<remedy>\S+) (?P<amount>\d+(?:\.\d+)?) (?P<currency>[A-Z]{3})$")
OVER_LIMIT = re.compile(r"^needed: over the limit of (?P<limit>\S+) (?P<currency>[A-Z]{3})$")
DONE = re.compile(r"^done: (?P<action>.*)$", re.S)
ATTACHMENT = re.compile(r"^(?P<name>.*) \((?P<type>[^,()]+), (?P<size>\d+) bytes\)$", re.S)
CSAT = re.compile(r"^CSAT (?P<score>\d+)$")
ATTEMPT_WORDS = {
    "reached": _l("reached"),
    "not reached": _l("not reached"),
    "recovered": _l("recovered"),
    "not recovered": _l("not recovered"),
    "would recommend": _l("would recommend"),
    "would not recommend": _l("would not recommend"),
}


@dataclass(frozen=True)
class Change:
    """One changed field: its label, and the old and new value in words."""

    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    """One event as the timeline shows it."""

    id: int
    action: str
    title: str
    when: str
    who: str
    note: str
    is_from_customer: bool
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Context:
    """What the values of one timeline are read with (loaded once per timeline)."""

    ticket: Ticket
    people: dict[str, str]
    categories: dict[str, str]


def timeline(ticket: Ticket, *, newest_first: bool = True) -> list[Entry]:
    """The ticket's events as the timeline shows them, newest first unless asked."""
    events = list(ticket.events)
    context = Context(ticket, _people(events), _categories(events))
    actions = action_labels()
    entries = [_entry(event, context, actions) for event in events]
    return entries[::-1] if newest_first else entries


def action_labels() -> dict:
    """What each event is called: the system's events and the registry's actions."""
    return {**labels.SYSTEM_EVENT_LABELS, **EVENT_LABELS,
            **{str(e.action): e.label for e in ENTRIES}}


def _entry(event: TicketEvent, context: Context, actions: dict) -> Entry:
    by_customer = event.is_from_customer
    changes = () if event.action == "opened" else tuple(
        _change(name, pair, context) for name, pair in (event.changes or {}).items()
        if name not in HIDDEN_FIELDS and _is_pair(pair)
    )
    return Entry(
        id=event.id,
        action=event.action,
        title=str(actions.get(event.action, event.action)),
        when=local_time(event.created_at, context.ticket.site),
        who=_who(event, context, by_customer),
        note=event_note(event),
        is_from_customer=by_customer,
        changes=changes,
    )


def _is_pair(pair) -> bool:
    return isinstance(pair, list | tuple) and len(pair) == 2


def _who(event: TicketEvent, context: Context, by_customer: bool) -> str:
    if event.actor_id is not None:
        return context.people.get(event.actor_id, EMPTY)
    return gettext("the customer") if by_customer else gettext("system")


def _change(name: str, pair, context: Context) -> Change:
    label = FIELD_LABELS.get(name, name.replace("_", " "))
    before, after = (shown_value(name, value, context) for value in pair)
    return Change(name, str(label), before, after)


def shown_value(name: str, value, context: Context) -> str:
    """One stored value of field `name` in words (see the module's doc)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(YES_NO[value])
    if isinstance(value, str) and labels.ISO_MOMENT.match(value):
        return local_time(datetime.fromisoformat(value), context.ticket.site)
    reader = READERS.get(name)
    if reader is not None:
        return reader(value, context)
    if isinstance(value, int | float):
        return number(value)
    found = VALUE_LABELS.get(name, {}).get(value)
    return str(found) if found is not None else str(value)


def _person(value, context: Context) -> str:
    words = VALUE_LABELS["by"].get(value)
    if words is not None:
        return str(words)
    return context.people.get(str(value).lower(), str(value))


def _category(value, context: Context) -> str:
    return context.categories.get(value, str(value))


def _fix(value, context: Context) -> str:
    found = FIX.match(str(value))
    if found is None:
        return str(value)
    remedy = labels.REMEDY_LABELS.get(found["remedy"], found["remedy"])
    return f"{remedy} {money(found['amount'], found['currency'])}"


def _approval(value, context: Context) -> str:
    found = OVER_LIMIT.match(str(value))
    if found is None:
        return str(value)
    return gettext("needed: above the limit of %(limit)s",
                   limit=money(found["limit"], found["currency"]))


def _prevention(value, context: Context) -> str:
    found = DONE.match(str(value))
    if found is None:
        return str(value)
    return gettext("done: %(action)s", action=found["action"])


def _attachment(value, context: Context) -> str:
    found = ATTACHMENT.match(str(value))
    if found is None:
        return str(value)
    return f"{found['name']} ({found['type']}, {_file_size(int(found['size']))})"


def _file_size(size: int) -> str:
    if size < 1024:
        return gettext("%(n)s bytes", n=number(size))
    if size < 1024 * 1024:
        return gettext("%(n)s KB", n=number(round(size / 1024)))
    return gettext("%(n)s MB", n=number(round(size / (1024 * 1024), 1)))


def _attempt(value, context: Context) -> str:
    """A follow-up attempt's summary ("reached, CSAT 4, recovered"), part by part."""
    parts = []
    for part in str(value).split(", "):
        score = CSAT.match(part)
        if score is not None:
            parts.append(gettext("CSAT %(score)s", score=score["score"]))
        else:
            parts.append(str(ATTEMPT_WORDS.get(part, part)))
    return _listed(parts)


def _follow_up_kinds(value, context: Context) -> str:
    """The follow-ups an erasure ended ("check_in, survey"), or their outcome."""
    outcome = labels.FOLLOW_UP_OUTCOME_LABELS.get(value)
    if outcome is not None:
        return str(outcome)
    return _listed(str(FOLLOW_UP_NAMES.get(kind, kind)) for kind in str(value).split(", "))


def _listed(parts: Iterable[str]) -> str:
    """Parts of one value in a row, as the reader's language separates them."""
    return ("，" if is_chinese(None) else ", ").join(parts)


def _duration(value, context: Context) -> str:
    if not isinstance(value, int):
        return str(value)
    hours, rest = divmod(value // 60, 60)
    return gettext("%(hours)s h %(minutes)s min", hours=number(hours), minutes=rest)


FOLLOW_UP_NAMES = {"check_in": labels.FIELD_LABELS["check_in"],
                   "survey": labels.FIELD_LABELS["survey"]}
READERS: dict[str, Callable] = {
    **{name: _person for name in PERSON_FIELDS},
    "category": _category,
    "fix": _fix,
    "approval": _approval,
    "prevention": _prevention,
    "attachment": _attachment,
    "check_in": _attempt,
    "survey": _attempt,
    "follow_ups": _follow_up_kinds,
    "resolution_paused_seconds": _duration,
}


def _named_people(events: Iterable[TicketEvent]) -> set[str]:
    return {
        str(value).lower()
        for event in events for name in PERSON_FIELDS
        for value in ((event.changes or {}).get(name) or ())
        if isinstance(value, str) and value
    }


def _people(events: list[TicketEvent]) -> dict:
    """Display names of every person the events name, by id and by lower-cased username,
    in one query (none when no event names anyone)."""
    ids = {event.actor_id for event in events if event.actor_id is not None}
    names = _named_people(events)
    if not ids and not names:
        return {}
    stmt = select(User.id, User.username, User.display_name).where(
        or_(User.id.in_(ids), func.lower(User.username).in_(names)))
    people: dict = {}
    for user_id, username, display_name in db.session.execute(stmt):
        people[user_id] = people[username.lower()] = display_name or username
    return people


def _categories(events: list[TicketEvent]) -> dict[str, str]:
    """Category names in the reader's language by English name, when a category changed."""
    if not any("category" in (event.changes or {}) for event in events):
        return {}
    return names_by_english(current_locale())
