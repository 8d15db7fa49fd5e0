"""Ticket JSON per the public contract."""

from datetime import datetime
from decimal import Decimal

from followups.models import FollowUp, FollowUpAttempt
from tickets.audit import event_note
from tickets.deadlines import CLOCK_NAMES
from tickets.models import Attachment, FixOffer, Ticket, TicketEvent
from tickets.template_helpers import ticket_clocks


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def money(amount: Decimal | None) -> str | None:
    return f"{amount:.2f}" if amount is not None else None


def sla_json(ticket: Ticket) -> dict:
    """Each clock: due, state and when it was met (contract: first_response, fix_offered,
    resolution, next_contact); a clock without a due time is null."""
    readings = ticket_clocks(ticket)
    return {
        name: (
            {
                "due": iso(readings[name].due),
                "state": str(readings[name].state),
                "met_at": iso(readings[name].met_at),
            }
            if name in readings
            else None
        )
        for name in CLOCK_NAMES
    }


def ticket_summary(ticket: Ticket) -> dict:
    return {
        "ref": ticket.ref,
        "status": ticket.status,
        "version": ticket.version,
        "site": ticket.site.name,
        "customer": {
            "id": ticket.customer.id,
            "name": ticket.customer.name,
            "tier": ticket.customer.tier,
        },
        "channel": ticket.channel,
        "dimension": ticket.dimension,
        "category": ticket.category.name if ticket.category else None,
        "category_zh": ticket.category.name_zh if ticket.category else None,
        "severity": ticket.severity,
        "is_safety": ticket.is_safety,
        "description": ticket.description,
        "desired_outcome": ticket.desired_outcome,
        "owner": ticket.owner.username if ticket.owner else None,
        "pending_transfer_to": (
            ticket.pending_transfer_to.username if ticket.pending_transfer_to else None
        ),
        "opened_by": ticket.opened_by.username if ticket.opened_by else None,
        "created_at": iso(ticket.created_at),
        "updated_at": iso(ticket.updated_at),
        "next_contact_by": iso(ticket.next_contact_by),
        "escalation_level": ticket.escalation_level,
        "classified": ticket.is_classified,
        "customer_replied_at": iso(ticket.customer_replied_at),
        "sla": sla_json(ticket),
    }


def fix_offer_json(offer: FixOffer) -> dict:
    return {
        "action": offer.action,
        "remedy_type": offer.remedy_type,
        "compensation": money(offer.compensation),
        "currency": offer.currency,
        "committed_by": iso(offer.committed_by),
        "offered_by": offer.offered_by.username,
        "offered_at": iso(offer.offered_at),
        "needs_approval": offer.needs_approval,
        "approved_by": offer.approved_by.username if offer.approved_by else None,
        "approved_at": iso(offer.approved_at),
        "customer_response": offer.customer_response,
    }


def event_json(event: TicketEvent) -> dict:
    """One event; `action` and `changes` keep their codes and usernames (for programs), a
    note the system wrote is in the caller's language (what a person wrote, as written)."""
    return {
        "id": event.id,
        "action": event.action,
        "actor": event.actor.username if event.actor else None,
        "created_at": iso(event.created_at),
        "changes": event.changes,
        "note": event_note(event),
    }


def attempt_json(attempt: FollowUpAttempt) -> dict:
    return {
        "at": iso(attempt.at),
        "reached": attempt.reached,
        "csat": attempt.csat,
        "recovered": attempt.recovered,
        "would_recommend": attempt.would_recommend,
        "comment": attempt.comment,
        "by_customer": attempt.by_customer,
        "recorded_by": attempt.recorded_by.username if attempt.recorded_by else None,
    }


def follow_up_json(follow_up: FollowUp) -> dict:
    return {
        "id": follow_up.id,
        "kind": follow_up.kind,
        "due": iso(follow_up.due_at),
        "done_at": iso(follow_up.done_at),
        "outcome": follow_up.outcome,
        "attempts": [attempt_json(attempt) for attempt in follow_up.attempts],
    }


def attachment_json(ticket: Ticket, attachment: Attachment) -> dict:
    return {
        "id": attachment.id,
        "file_name": attachment.file_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "uploaded_by": attachment.uploaded_by.username if attachment.uploaded_by else None,
        "uploaded_at": iso(attachment.uploaded_at),
        "url": f"/api/v1/tickets/{ticket.ref}/attachments/{attachment.id}",
    }


def ticket_detail(ticket: Ticket) -> dict:
    body = ticket_summary(ticket)
    body.update(
        {
            "booking_ref": ticket.booking_ref,
            "acknowledgement": ticket.acknowledgement,
            "outcome": ticket.outcome,
            "customer_response": ticket.customer_response,
            "root_cause": ticket.root_cause,
            "root_cause_note": ticket.root_cause_note,
            "fault": ticket.fault,
            "decline_reason": ticket.decline_reason,
            "alternative_offered": ticket.alternative_offered,
            "fix_offers": [fix_offer_json(offer) for offer in ticket.fix_offers],
            "events": [event_json(event) for event in ticket.events],
            "follow_ups": [follow_up_json(follow_up) for follow_up in ticket.follow_ups],
            "attachments": [attachment_json(ticket, a) for a in ticket.attachments],
        }
    )
    return body
