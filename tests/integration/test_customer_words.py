"""The one rule for the customer's own words on a ticket (correspondence.inbound) and the
ticket a customer opens themselves (tickets.intake.open_customer_ticket)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from core.validation import ValidationFailed
from correspondence.inbound import REOPEN_WINDOW, receive_customer_words
from correspondence.models import CustomerMessage
from customers.services import CustomerInput
from extensions import db
from notifications.models import Notification
from tickets.intake import CustomerComplaint, open_customer_ticket
from tickets.models import Ticket, TicketEvent


def _events(ticket) -> int:
    return db.session.scalar(select(func.count()).where(TicketEvent.ticket_id == ticket.id))


def _closed(make_ticket, make_user, resolve_ticket):
    ticket = resolve_ticket(make_ticket())
    from tickets.actions import perform

    lead = make_user("supervisor", site=ticket.site)
    perform(ticket, "close", lead, {}, version=None, now=clock.utcnow())
    db.session.commit()
    return ticket


def test_words_on_an_open_ticket_are_added_and_the_owner_is_told(make_ticket):
    ticket = make_ticket()
    version, now = ticket.version, clock.utcnow()
    received = receive_customer_words(ticket, "The heater is still cold.", "email", now,
                                      mail_message_id="<a1@guest.example>")
    db.session.commit()
    assert received.what == "added" and received.ticket is ticket
    assert ticket.customer_replied_at == now
    assert ticket.version == version + 1 == _events(ticket)
    message = db.session.scalars(select(CustomerMessage).where(
        CustomerMessage.direction == "in")).one()
    assert (message.direction, message.source, message.body) == (
        "in", "email", "The heater is still cold.")
    assert message.mail_message_id == "<a1@guest.example>"
    notice = db.session.scalars(select(Notification).where(
        Notification.kind == "customer_message")).one()
    assert notice.recipient_id == ticket.owner_id and notice.ticket_id == ticket.id


def test_a_staff_answer_stops_the_wait(make_ticket):
    from tickets.actions import perform

    ticket = make_ticket()
    now = clock.utcnow()
    receive_customer_words(ticket, "Any news?", "status_page", now)
    perform(ticket, "log_contact", ticket.owner, {"note": "Called back", "channel": "phone"},
            version=None, now=now + timedelta(minutes=5))
    db.session.commit()
    assert ticket.customer_replied_at is None


def test_words_within_the_window_reopen_a_closed_ticket(make_ticket, make_user,
                                                        resolve_ticket):
    ticket = _closed(make_ticket, make_user, resolve_ticket)
    later = ticket.closed_at + REOPEN_WINDOW - timedelta(hours=1)
    received = receive_customer_words(ticket, "It broke again.", "email", later)
    db.session.commit()
    assert received.what == "reopened" and ticket.status == "owned"
    assert ticket.reopened_count == 1
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
    assert ticket.version == _events(ticket)


def test_words_after_the_window_open_a_linked_ticket(make_ticket, make_user, resolve_ticket):
    old = _closed(make_ticket, make_user, resolve_ticket)
    later = old.closed_at + REOPEN_WINDOW + timedelta(days=6)
    received = receive_customer_words(old, "New problem with the minibar.", "email", later)
    db.session.commit()
    new = received.ticket
    assert received.what == "opened" and received.previous is old
    assert new.id != old.id and new.linked_ticket_id == old.id
    assert new.customer_id == old.customer_id and new.channel == "email"
    assert new.status == "new" and not new.is_classified and new.opened_by_id is None
    assert old.status == "closed"


def test_a_customer_opened_ticket_is_unclassified_with_running_clocks(make_site):
    site = make_site()
    now = clock.utcnow()
    ticket = open_customer_ticket(CustomerComplaint(
        site=site, channel="web", dimension="tangibles",
        customer=CustomerInput(name="Wu Fang", email="wu@guest.example", locale="zh_Hans"),
        description="浴室很脏", booking_ref="R-1207"), now)
    db.session.commit()
    assert (ticket.status, ticket.dimension, ticket.category_id) == ("new", "tangibles", None)
    assert ticket.opened_by_id is None and ticket.first_response_due > now
    assert ticket.customer.locale == "zh_Hans"
    assert ticket.version == _events(ticket) == 1


def test_a_customer_opened_ticket_matches_the_sites_customer(make_site):
    site = make_site()
    now = clock.utcnow()
    first = open_customer_ticket(CustomerComplaint(
        site=site, channel="email", customer=CustomerInput(name="Li", email="li@guest.example"),
        description="Noise"), now)
    second = open_customer_ticket(CustomerComplaint(
        site=site, channel="web", customer=CustomerInput(name="Li Na",
                                                         email="LI@guest.example"),
        description="Noise again"), now)
    assert first.customer_id == second.customer_id


@pytest.mark.parametrize("change, field", [
    ({"description": ""}, "description"),
    ({"channel": "front_desk"}, "channel"),
    ({"dimension": "luck"}, "dimension"),
    ({"customer": CustomerInput(name="No Contact")}, "phone"),
    ({"booking_ref": "x\x00"}, "booking_ref"),
])
def test_a_bad_complaint_writes_nothing(make_site, change, field):
    site = make_site()
    fields = {"site": site, "channel": "web", "description": "Cold room",
              "customer": CustomerInput(name="Zhao", phone="13900139000")}
    with pytest.raises(ValidationFailed) as refused:
        open_customer_ticket(CustomerComplaint(**{**fields, **change}), clock.utcnow())
    assert field in refused.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
