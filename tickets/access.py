"""Loading a ticket for a user: out-of-scope tickets are reported as missing."""

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from auth.models import User
from auth.permissions import has_permission, in_site_scope
from extensions import db
from tickets.models import Attachment, FixOffer, Ticket, TicketEvent, parse_ref


def _follow_up_attempts():
    """FollowUp.attempts, reached through the relationship (followups sits above tickets)."""
    return Ticket.follow_ups.property.mapper.class_.attempts


def load_ticket(ref: str, user: User, *, with_history: bool = False) -> Ticket:
    """The ticket `ref` if `user` may see it; 404 otherwise (also for other sites)."""
    ticket_id = parse_ref(ref)
    if ticket_id is None or not has_permission(user, "work_tickets"):
        abort(404)
    stmt = select(Ticket).where(Ticket.id == ticket_id).options(
        joinedload(Ticket.customer),
        joinedload(Ticket.site),
        joinedload(Ticket.owner),
        joinedload(Ticket.category),
    )
    if with_history:
        stmt = stmt.options(
            selectinload(Ticket.events).joinedload(TicketEvent.actor),
            selectinload(Ticket.fix_offers).joinedload(FixOffer.offered_by),
            selectinload(Ticket.prevention_actions),
            selectinload(Ticket.follow_ups).selectinload(_follow_up_attempts()),
            selectinload(Ticket.attachments).joinedload(Attachment.uploaded_by),
        )
    ticket = db.session.scalar(stmt)
    if ticket is None or not in_site_scope(user, ticket.site_id):
        abort(404)
    return ticket
