"""Writing to the customer: every message we send them, composed in their language.

Four messages, each started by a ticket step (`tickets.signals.step_taken`, connected by
:func:`connect`) and written in the step's transaction, so a rolled-back step leaves
neither the message nor its mail behind:

- **acknowledgement** when the ticket is owned (unless the owner unticked "send"):
  the reference, who looks after it, what was said, the next-contact promise;
- **reply** when staff reply from the ticket page or the API (`reply` action);
- **fix offer** when the ticket lands in ``fix_offered`` (offered within the limit, or
  approved): the fix, the compensation, the done-by time, and the status page where the
  customer accepts it or asks for something else;
- **resolution summary** on `resolve`: what was done and the follow-ups to expect.

Each carries the status link and a short plain form (`CustomerMessage.short_text`) for
staff to pass on by hand. Bodies come from ``templates/mail/customer/<kind>.txt``
rendered under `force_locale(customer.locale)`; `correspondence.delivery` decides how the
message travels.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from auth.models import User
from core.formatting import money
from core.vocabulary import Status
from correspondence.delivery import Letter, deliver
from correspondence.links import status_url
from correspondence.models import CustomerMessage
from correspondence.wording import clip, guest_time, short_text
from customers.models import LOCALES
from followups.loop import follow_up_dues
from tickets import labels, signals
from tickets.models import Ticket

KINDS = ("acknowledgement", "reply", "fix_offer", "resolution")
TEMPLATE = "mail/customer/{kind}.txt"
QUOTE_LENGTH = 300  # the customer's own words, quoted back in the acknowledgement


@dataclass
class Draft:
    """What a message says, before it is laid out: subject, short-form parts, template
    values."""

    subject: str
    lead: str
    detail: str = ""
    link_label: str = ""
    values: dict = field(default_factory=dict)


def letter_locale(ticket: Ticket) -> str:
    locale = ticket.customer.locale
    return locale if locale in LOCALES else "en"


def _signature(ticket: Ticket, person: User | None) -> str:
    if person is None:
        return ticket.site.name
    return _("%(name)s, %(site)s", name=person.display_name, site=ticket.site.name)


def _tidy(text: str) -> str:
    """A rendered plain-text body: no trailing spaces, at most one empty line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def compose(ticket: Ticket, kind: str, draft_of, author: User | None) -> Letter:
    """The letter of `kind`, written in the customer's language: `draft_of(ticket,
    author)` (called under that language) says what it says."""
    locale = letter_locale(ticket)
    with force_locale(locale):
        link = status_url(ticket)
        draft = draft_of(ticket, author)
        subject = " ".join(f"[{ticket.ref}] {draft.subject}".split())  # one header line
        body = render_template(
            TEMPLATE.format(kind=kind), ticket=ticket, customer=ticket.customer,
            site=ticket.site, link=link, signature=_signature(ticket, author), **draft.values,
        )
        label = draft.link_label or _("Status:")
        short = short_text(f"[{ticket.ref}] {draft.lead}", draft.detail, f"{label} {link}")
    return Letter(kind=kind, locale=locale, subject=subject, body_text=_tidy(body),
                  short_text=short)


def send_letter(ticket: Ticket, kind: str, draft_of, author: User | None, now: datetime, *,
                send: bool = True) -> CustomerMessage:
    """Compose the letter and record it (and mail it, when it can and `send`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of message to a customer: {kind}")
    return deliver(ticket, compose(ticket, kind, draft_of, author), author, now, send=send)


# --- the four messages -------------------------------------------------------------------


def acknowledgement_draft(ticket: Ticket, author: User | None) -> Draft:
    owner = ticket.owner.display_name if ticket.owner else ticket.site.name
    promise = guest_time(ticket.next_contact_by, ticket.site)
    lead = _("%(site)s: %(owner)s is looking after your complaint.", site=ticket.site.name,
             owner=owner)
    detail = _("We will contact you by %(when)s.", when=promise) if promise else ""
    return Draft(
        subject=_("%(site)s has your complaint", site=ticket.site.name),
        lead=lead, detail=detail,
        values={"owner_name": owner, "promise": promise,
                "complaint": clip(ticket.description or "", QUOTE_LENGTH),
                "said": ticket.acknowledgement or ""},
    )


def reply_draft_for(body: str, new_promise: datetime | None):
    def draft(ticket: Ticket, author: User | None) -> Draft:
        promise = guest_time(new_promise, ticket.site) if new_promise else ""
        return Draft(
            subject=_("A reply from %(site)s", site=ticket.site.name),
            lead=_("%(site)s:", site=ticket.site.name), detail=body,
            values={"reply_body": body, "promise": promise},
        )

    return draft


def fix_offer_draft(ticket: Ticket, author: User | None) -> Draft:
    offer = ticket.current_offer
    compensation = money(offer.compensation, offer.currency) if offer.compensation else ""
    detail = offer.action if not compensation else f"{offer.action} ({compensation})"
    return Draft(
        subject=_("What %(site)s will do to put it right", site=ticket.site.name),
        lead=_("%(site)s, our offer:", site=ticket.site.name), detail=detail,
        link_label=_("Accept it or ask for something else:"),
        values={"action": offer.action, "remedy": str(labels.REMEDY_LABELS.get(
                    offer.remedy_type, offer.remedy_type)),
                "compensation": compensation,
                "committed_by": guest_time(offer.committed_by, ticket.site)},
    )


def expected_follow_ups(ticket: Ticket, resolved_at: datetime) -> list[tuple[str, datetime]]:
    """The follow-ups planned at this resolution, (kind, due) soonest first. The follow-up
    planner listens to the same step; when it has not run yet, its plan is worked out the
    same way (`followups.loop.follow_up_dues`)."""
    planned = [(f.kind, f.due_at) for f in ticket.follow_ups
               if f.done_at is None and f.created_at >= resolved_at]
    return sorted(planned or follow_up_dues(ticket, resolved_at), key=lambda pair: pair[1])


def _follow_up_words(kind: str, due: datetime, ticket: Ticket) -> str:
    when = guest_time(due, ticket.site)
    if kind == "survey":
        return _("Around %(when)s we will ask you three short questions about how we "
                 "handled your complaint.", when=when)
    return _("Around %(when)s we will check with you that everything is still as it "
             "should be.", when=when)


def resolution_draft_for(resolved_at: datetime):
    def draft(ticket: Ticket, author: User | None) -> Draft:
        follow_ups = [_follow_up_words(kind, due, ticket)
                      for kind, due in expected_follow_ups(ticket, resolved_at)]
        return Draft(
            subject=_("Your complaint to %(site)s is resolved", site=ticket.site.name),
            lead=_("%(site)s, resolved:", site=ticket.site.name), detail=ticket.outcome,
            values={"outcome": ticket.outcome, "follow_ups": follow_ups},
        )

    return draft


# --- the ticket steps that send them ------------------------------------------------------


def acknowledge(ticket: Ticket, owner: User | None, data: dict, now: datetime):
    """The written acknowledgement of an owned ticket (held when staff unticked "send")."""
    send = data.get("send_acknowledgement", True) is not False
    return send_letter(ticket, "acknowledgement", acknowledgement_draft, owner, now, send=send)


def send_reply(ticket: Ticket, author: User | None, data: dict, now: datetime):
    draft = reply_draft_for(data["body"], data.get("next_contact_by"))
    return send_letter(ticket, "reply", draft, author, now)


def offer_fix(ticket: Ticket, author: User | None, data: dict, now: datetime):
    """The fix offer, once it is really offered (not while it waits for approval)."""
    if ticket.status != Status.FIX_OFFERED or ticket.current_offer is None:
        return None
    offerer = ticket.current_offer.offered_by or author
    return send_letter(ticket, "fix_offer", fix_offer_draft, offerer, now)


def summarise_resolution(ticket: Ticket, author: User | None, data: dict, now: datetime):
    return send_letter(ticket, "resolution", resolution_draft_for(now), author, now)


SENDERS = {
    "own": acknowledge,
    "reply": send_reply,
    "offer_fix": offer_fix,
    "approve": offer_fix,
    "resolve": summarise_resolution,
}


def _on_step(ticket: Ticket, *, action: str, actor: User | None, data: dict,
             now: datetime) -> None:
    sender = SENDERS.get(action)
    if sender is not None:
        sender(ticket, actor, data, now)


def connect() -> None:
    """Listen to the tickets package's steps (idempotent: blinker keeps one connection)."""
    signals.step_taken.connect(_on_step)
