"""The invariants of the customer side: classified once owned, an opener unless the
customer opened it, a link to an earlier ticket, each message's mail about its own ticket,
and every intake mail that opened or reached a ticket naming it.

The ticket checks take a ticket's facts (`maintenance.findings.TicketFacts`) and read no
database. The message and intake checks are one query each, over the checker's snapshot
session, returning only the rows that break the rule (so their cost is one scan, and their
memory the findings).

Not checked: whether `customer_replied_at` is still "right" after a later staff step — a
staff answer clears it, but which steps answer the customer is the registry's to say, and
a message and a step in the same second cannot be ordered from the rows alone.
"""

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from core.vocabulary import Status
from correspondence.models import CustomerMessage
from mailin.models import InboundMail
from maintenance.findings import Finding, TicketFacts
from outbox.models import OutboxMessage
from tickets.intake import CUSTOMER_CHANNELS
from tickets.models import format_ref

OPENERLESS_CHANNELS = tuple(str(channel) for channel in CUSTOMER_CHANNELS)
TICKET_STATUSES = ("opened", "added", "reopened")
MAIL_REF = "mail"


def check_classified(facts: TicketFacts) -> list[Finding]:
    """A ticket someone owns (any status but new) has a dimension and a category: the
    first owner classifies a customer's complaint as part of owning it."""
    ticket = facts.ticket
    if ticket.status == Status.NEW:
        return []
    missing = [name for name, value in (("dimension", ticket.dimension),
                                        ("category", ticket.category_id)) if value is None]
    if not missing:
        return []
    return [facts.finding("classification", f"{ticket.status} without {' or '.join(missing)}")]


def check_opener(facts: TicketFacts) -> list[Finding]:
    """Only a customer's own complaint (web form, e-mail) has no opener."""
    ticket = facts.ticket
    if ticket.opened_by_id is not None or ticket.channel in OPENERLESS_CHANNELS:
        return []
    return [facts.finding("opener", f"no opener, but channel {ticket.channel!r} is staff's "
                                    f"(only {', '.join(OPENERLESS_CHANNELS)} open themselves)")]


def check_link(facts: TicketFacts) -> list[Finding]:
    """A ticket continues an earlier one (references grow with time), never itself."""
    ticket = facts.ticket
    linked = ticket.linked_ticket_id
    if linked is None or linked < ticket.id:
        return []
    if linked == ticket.id:
        return [facts.finding("link", "links itself as the ticket it continues")]
    return [facts.finding("link", f"continues {format_ref(linked)}, which is newer")]


def message_mail_findings(session: Session) -> list[Finding]:
    """An outgoing message mailed through the outbox names a row about the same ticket."""
    mail = aliased(OutboxMessage)
    stmt = (
        select(CustomerMessage.id, CustomerMessage.ticket_id, CustomerMessage.outbox_id,
               mail.id.label("found"), mail.ticket_id.label("mail_ticket"))
        .outerjoin(mail, mail.id == CustomerMessage.outbox_id)
        .where(CustomerMessage.direction == "out", CustomerMessage.outbox_id.is_not(None),
               or_(mail.id.is_(None), mail.ticket_id.is_(None),
                   mail.ticket_id != CustomerMessage.ticket_id))
        .order_by(CustomerMessage.id)
    )
    found = []
    for row in session.execute(stmt):
        if row.found is None:
            what = "which does not exist"
        elif row.mail_ticket is None:
            what = "which is about no ticket"
        else:
            what = f"which is about {format_ref(row.mail_ticket)}"
        found.append(Finding(format_ref(row.ticket_id), "message",
                             f"message #{row.id} was mailed as outbox row #{row.outbox_id}, "
                             f"{what}"))
    return found


def intake_findings(session: Session) -> list[Finding]:
    """An intake mail that opened, reached or reopened a ticket names it."""
    stmt = (
        select(InboundMail.id, InboundMail.status, InboundMail.message_id)
        .where(and_(InboundMail.status.in_(TICKET_STATUSES), InboundMail.ticket_id.is_(None)))
        .order_by(InboundMail.id)
    )
    return [
        Finding(MAIL_REF, "intake", f"inbound mail #{row.id} ({row.message_id or 'no Message-ID'})"
                                    f" is {row.status!r} but names no ticket")
        for row in session.execute(stmt)
    ]
