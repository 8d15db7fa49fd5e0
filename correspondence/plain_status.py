"""How a ticket stands, in words a guest understands: for the status page and the ticket slip.

Pure: plain values in (a status, the owner's display name, the customer's answer, a
moment and a zone), translatable sentences out. No Flask request, no database. The
sentences are lazy (`lazy_gettext`), so they come out in the page's language when shown.

The owner is named by their first name only (:func:`first_name`): a guest should know who
looks after them without the page giving away a colleague's full name. A display name
written in Chinese, Japanese or Korean characters is kept whole (王芳: the given name alone
would be over-familiar, and Han names have no space to split at); otherwise the first word
is the first name ("Grace Wang" → "Grace"). An empty name gives None and the sentences
speak of "our team" instead.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from core.vocabulary import Channel, CustomerResponse, Status
from correspondence.wording import when_words

# Code points of Han, kana and Hangul: a name written in them is kept whole.
CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF),
              (0xF900, 0xFAFF), (0x20000, 0x2FA1F))

# Channels whose ticket description is the customer's own words (shown as theirs).
OWN_WORDS_CHANNELS = (Channel.WEB, Channel.EMAIL)
# States in which the fix put to the customer is still shown.
OFFER_SHOWN_IN = (Status.FIX_OFFERED, Status.RESOLVED, Status.CLOSED)
HEADLINES = {
    Status.NEW: _l("Received"),
    Status.OWNED: _l("Being handled"),
    Status.FIX_OFFERED: _l("We have offered a fix"),
    Status.AWAITING_APPROVAL: _l("Being handled"),
    Status.RESOLVED: _l("Resolved"),
    Status.DECLINED: _l("Decision made"),
    Status.CLOSED: _l("Closed"),
}


@dataclass(frozen=True)
class Standing:
    """What the guest needs to know about their ticket's state, as plain values."""

    status: str
    owner_name: str | None = None
    reopened: bool = False
    customer_response: str | None = None
    pending_approval_kind: str | None = None


def _is_cjk(character: str) -> bool:
    point = ord(character)
    return any(low <= point <= high for low, high in CJK_RANGES)


def first_name(display_name: str | None) -> str | None:
    """The name a guest is told: the whole name in CJK script, else its first word."""
    name = " ".join((display_name or "").split())
    if not name:
        return None
    if any(_is_cjk(character) for character in name):
        return name
    return name.split(" ", 1)[0]


def headline(status: str):
    """A short title for the state (Received, Being handled, …)."""
    return HEADLINES[Status(status)]


def _owned(standing: Standing):
    name = standing.owner_name
    if standing.reopened:
        if name:
            return _l("We have opened your complaint again. %(name)s is looking after it.",
                      name=name)
        return _l("We have opened your complaint again and our team is looking after it.")
    if name:
        return _l("%(name)s is looking after your complaint.", name=name)
    return _l("Our team is looking after your complaint.")


def _fix_offered(standing: Standing):
    name = standing.owner_name
    if standing.customer_response is None:
        return _l("We have offered a fix — please tell us if it works for you.")
    if standing.customer_response == CustomerResponse.ACCEPTED:
        if name:
            return _l("Thank you for accepting our offer. %(name)s is putting it into effect.",
                      name=name)
        return _l("Thank you for accepting our offer. We are putting it into effect.")
    if name:
        return _l("Thank you for your answer. %(name)s will come back to you with another "
                  "solution.", name=name)
    return _l("Thank you for your answer. We will come back to you with another solution.")


def _awaiting_approval(standing: Standing):
    """A fix over the owner's limit, or a decline waiting for sign-off: the guest hears
    that it is in hand, never which."""
    if standing.pending_approval_kind == "decline":
        return _l("We are reviewing your complaint with a manager and will tell you our "
                  "decision.")
    return _l("We are getting a fix approved.")


FIXED_SENTENCES = {
    Status.NEW: _l("We have your complaint and someone will contact you soon."),
    Status.RESOLVED: _l("We have done what we agreed with you. If something is still not "
                        "right, please tell us below."),
    Status.DECLINED: _l("We have looked into your complaint and explained our decision to "
                        "you."),
    Status.CLOSED: _l("Your complaint is closed. If something is still not right, you can "
                      "write to us below."),
}


def sentence(standing: Standing):
    """The state of the ticket in one or two plain sentences."""
    status = Status(standing.status)
    if status is Status.OWNED:
        return _owned(standing)
    if status is Status.FIX_OFFERED:
        return _fix_offered(standing)
    if status is Status.AWAITING_APPROVAL:
        return _awaiting_approval(standing)
    return FIXED_SENTENCES[status]


def promise_sentence(status: str, moment: datetime | None, met: bool, zone: ZoneInfo,
                     now: datetime, locale: str):
    """When we will be in touch: the first contact for a new ticket, the next-contact
    promise while it is worked on; None once finished or when nothing is promised."""
    if moment is None or met or Status(status) not in (
            Status.NEW, Status.OWNED, Status.FIX_OFFERED, Status.AWAITING_APPROVAL):
        return None
    when = when_words(moment, zone, now, locale)
    if moment <= now:
        return _l("We promised to contact you by %(when)s.", when=when)
    if Status(status) is Status.NEW:
        return _l("Someone will contact you by %(when)s.", when=when)
    return _l("We will contact you again by %(when)s.", when=when)


def committed_sentence(moment: datetime, zone: ZoneInfo, now: datetime, locale: str):
    """By when the fix offered will be done."""
    return _l("We will do this by %(when)s.", when=when_words(moment, zone, now, locale))


# --- the same, read from a ticket (any object with the ticket's attributes) -----------------


def standing_of(ticket) -> Standing:
    owner = ticket.owner
    return Standing(
        status=ticket.status,
        owner_name=first_name(owner.display_name) if owner is not None else None,
        reopened=(ticket.reopened_count or 0) > 0,
        customer_response=ticket.customer_response,
        pending_approval_kind=ticket.pending_approval_kind,
    )


def awaits_answer(ticket) -> bool:
    """The customer may answer: a fix is offered (approved if it needed approval) and
    neither they nor staff have recorded an answer to it yet (the moment the resolution
    clock waits on the customer: `tickets.deadlines.is_waiting_on_customer`)."""
    return (ticket.status == Status.FIX_OFFERED and ticket.current_offer is not None
            and ticket.customer_response is None)


def offer_shown(ticket):
    """The fix that was put to the customer (never one still waiting for approval), while
    the ticket is at or past the offer; else None."""
    offer = ticket.current_offer
    offered = offer is not None and (not offer.needs_approval or offer.approved_at is not None)
    return offer if offered and ticket.status in OFFER_SHOWN_IN else None


def shows_own_words(ticket) -> bool:
    """The ticket's description is the customer's own words (they wrote it: web, e-mail)."""
    return ticket.channel in OWN_WORDS_CHANNELS


def signed_by(message, site_name: str) -> str:
    """Who a message from staff is from, as the guest is told: the author's first name,
    else (no author, or an empty name) the site."""
    author = message.author
    return (first_name(author.display_name) if author is not None else None) or site_name


def promise_of(ticket, now: datetime, locale: str):
    """The promise to show for `ticket`: the first-contact target while it is new, the
    standing next-contact promise while it is worked on (see `promise_sentence`)."""
    zone = ZoneInfo(ticket.site.timezone)
    if ticket.status == Status.NEW:
        return promise_sentence(ticket.status, ticket.first_response_due, False, zone, now,
                                locale)
    return promise_sentence(ticket.status, ticket.next_contact_by,
                            ticket.next_contact_met_at is not None, zone, now, locale)
