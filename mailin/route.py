"""Where a message goes: which site, and whether it answers a ticket we already have.

Site: the site whose intake address is among the recipients (ignoring case and a ``+tag``:
``desk+anything@hotel.example`` is ``desk@hotel.example``), else the site named with
``--site``, else the **default site: the first site by id** (the oldest).

A reply is recognised by, in this order:

1. `In-Reply-To` / `References` naming a Message-ID of a mail we sent (the outbox), or of a
   customer message or an earlier intake mail already on a ticket: the thread decides;
2. a reference ``[SR-000123]`` in the subject, or ``+SR-000123`` in a recipient's local
   part (``desk+SR-000123@hotel.example``): accepted only when the sender's address is the
   ticket's customer's address. Anyone can type a reference; a stranger's mail naming
   someone else's ticket, or a reference to no ticket, is a new complaint of its own.
"""

import re
from email.utils import getaddresses

from flask import current_app
from sqlalchemy import func, select

from correspondence.models import CustomerMessage
from extensions import db
from mailin.models import InboundMail
from mailin.parse import ParsedMail, address_key, plus_tag
from outbox.models import OutboxMessage
from sites.models import Site
from tickets.models import Ticket, parse_ref

SUBJECT_REF = re.compile(r"\[\s*(SR-\d{1,10})\s*\]", re.IGNORECASE)
TAG_REF = re.compile(r"(SR-\d{1,10})", re.IGNORECASE)


def site_named(name: str) -> Site | None:
    """The site called `name` (exactly, else ignoring case)."""
    site = db.session.scalar(select(Site).where(Site.name == name))
    if site is None:
        site = db.session.scalar(
            select(Site).where(func.lower(Site.name) == name.lower()).order_by(Site.id).limit(1))
    return site


def default_site() -> Site | None:
    """The first site by id."""
    return db.session.scalar(select(Site).order_by(Site.id).limit(1))


def _intake_sites() -> dict[str, Site]:
    sites = db.session.scalars(select(Site).where(Site.intake_address.is_not(None)))
    return {address_key(site.intake_address): site for site in sites if site.intake_address}


def choose_site(recipients: list[str], fallback: Site | None) -> Site | None:
    """The site whose intake address receives the mail, else `fallback` (the ``--site``),
    else the default site; None only when there is no site at all."""
    by_address = _intake_sites()
    for recipient in recipients:
        site = by_address.get(address_key(recipient))
        if site is not None:
            return site
    return fallback or default_site()


def own_addresses() -> set[str]:
    """Our own addresses (MAIL_FROM, MAIL_REPLY_TO, every intake address), as keys: mail
    from one of them is a loop."""
    config = current_app.config
    configured = [config.get("MAIL_FROM") or "", config.get("MAIL_REPLY_TO") or ""]
    found = {address_key(address) for _name, address in getaddresses(configured) if address}
    return found | set(_intake_sites())


def _ticket(ticket_id: int | None) -> Ticket | None:
    return db.session.get(Ticket, ticket_id) if ticket_id else None


def _thread_ticket_id(message_id: str) -> int | None:
    queries = (
        select(OutboxMessage.ticket_id).where(OutboxMessage.message_id == message_id,
                                              OutboxMessage.ticket_id.is_not(None)),
        select(CustomerMessage.ticket_id).where(CustomerMessage.mail_message_id == message_id)
        .order_by(CustomerMessage.id.desc()),
        select(InboundMail.ticket_id).where(InboundMail.message_id == message_id,
                                            InboundMail.ticket_id.is_not(None)),
    )
    for query in queries:
        found = db.session.scalar(query.limit(1))
        if found:
            return found
    return None


def thread_ticket(mail: ParsedMail) -> Ticket | None:
    """The ticket of the nearest message this one answers (In-Reply-To, References)."""
    for message_id in mail.thread_ids:
        ticket = _ticket(_thread_ticket_id(message_id))
        if ticket is not None:
            return ticket
    return None


def referenced_refs(mail: ParsedMail) -> list[str]:
    """Ticket references the mail names: ``[SR-…]`` in the subject, ``+SR-…`` in a
    recipient address."""
    refs = SUBJECT_REF.findall(mail.subject)
    for recipient in mail.recipients:
        refs.extend(TAG_REF.findall(plus_tag(recipient)))
    return list(dict.fromkeys(ref.upper() for ref in refs))


def _customer_writes(ticket: Ticket, address: str) -> bool:
    known = (ticket.customer.email or "") if ticket.customer is not None else ""
    return bool(known) and known.strip().lower() == address.strip().lower()


def referenced_ticket(mail: ParsedMail) -> Ticket | None:
    """The ticket a reference names, when the sender is that ticket's customer."""
    for ref in referenced_refs(mail):
        ticket = _ticket(parse_ref(ref))
        if ticket is not None and _customer_writes(ticket, mail.from_address):
            return ticket
    return None


def reply_target(mail: ParsedMail) -> Ticket | None:
    """The ticket this mail answers, or None for a new complaint."""
    return thread_ticket(mail) or referenced_ticket(mail)
