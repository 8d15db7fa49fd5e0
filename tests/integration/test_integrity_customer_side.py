"""`flask check-integrity` on the customer side: a clean world of customer-opened,
e-mailed, linked and messaged tickets passes; each customer-side invariant broken one way
(direct SQL) is reported as exactly that finding, one line naming the reference, exit 1."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from core import clock
from correspondence.delivery import Letter, deliver
from correspondence.inbound import receive_customer_words
from correspondence.models import CustomerMessage
from customers.services import CustomerInput
from extensions import db
from mailin.models import InboundMail
from outbox.models import OutboxMessage
from outbox.sender import send_due
from privacy.redaction import CANCELLED
from tickets.actions import perform
from tickets.categories import active_categories, ensure_default_categories
from tickets.intake import CustomerComplaint, open_customer_ticket
from tickets.models import Ticket

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
TICKETS = Ticket.__table__
OUTBOX = OutboxMessage.__table__
INBOUND = InboundMail.__table__


def _at(days: float = 0, minutes: float = 0) -> datetime:
    moment = T0 + timedelta(days=days, minutes=minutes)
    clock.set_now(moment)
    return moment


def _check(runner) -> tuple[int, list[str]]:
    result = runner.invoke(args=["check-integrity"])
    lines = [line for line in result.stdout.splitlines() if not line.startswith("Integrity")]
    return result.exit_code, lines


def _complaint(site, channel, email, at):
    return open_customer_ticket(CustomerComplaint(
        site=site, channel=channel, customer=CustomerInput(name=f"Guest {email}", email=email),
        description="The room next door was loud all night"), at)


def _own(ticket, owner, at):
    perform(ticket, "own", owner, {
        "acknowledgement": "We are on it", "next_contact_by": at + timedelta(hours=2),
        "dimension": "tangibles", "category_id": str(active_categories()[0].id),
        "send_acknowledgement": False}, version=None, now=at)


def _mail_row(message_id, status, ticket, site):
    db.session.add(InboundMail(message_id=message_id, received_at=clock.utcnow(),
                               from_address=ticket.customer.email if ticket else "x@y.example",
                               subject="Noise", status=status, site_id=site.id,
                               ticket_id=ticket.id if ticket else None, size=100))


@pytest.fixture
def world(app, runner, make_site, make_user, make_ticket, resolve_ticket):
    """Customer-opened tickets in new and owned, a mailed acknowledgement, a customer's
    reply, intake rows of every status, a ticket reopened and one opened as a link to an
    old closed one; the checker finds nothing."""
    ensure_default_categories()
    site = make_site(name="Checked Hotel")
    owner = make_user("front_desk", site=site)
    lead = make_user("supervisor", site=site)
    fresh = _complaint(site, "web", "new@guest.example", _at())
    mailed = _complaint(site, "email", "mail@guest.example", _at(minutes=1))
    _mail_row("<m1@guest.example>", "opened", mailed, site)
    _own(mailed, owner, _at(minutes=2))
    letter = Letter(kind="acknowledgement", locale="en", subject="Received",
                    body_text="We have your complaint.", short_text="We have it.")
    deliver(mailed, letter, owner, _at(minutes=2))
    receive_customer_words(mailed, "Still loud", "email", _at(minutes=30),
                           mail_message_id="<m2@guest.example>")
    _mail_row("<m2@guest.example>", "added", mailed, site)
    _mail_row("<auto@guest.example>", "ignored", None, site)
    _mail_row("<bad@guest.example>", "malformed", None, site)
    old = make_ticket(owner=owner, site=site, customer=CustomerInput(
        name="Old Guest", phone="13800001111", email="old@guest.example"))
    resolve_ticket(old)
    perform(old, "close", lead, {}, version=None, now=_at(minutes=40))
    db.session.commit()
    received = receive_customer_words(old, "It happened again", "email", _at(days=20),
                                      mail_message_id="<m3@guest.example>")
    _mail_row("<m3@guest.example>", "opened", received.ticket, site)
    db.session.commit()
    send_due(_at(days=20, minutes=1))
    assert received.what == "opened" and received.ticket.linked_ticket_id == old.id
    assert _check(runner) == (0, [])
    tickets = {"fresh": fresh, "mailed": mailed, "old": old, "linked": received.ticket}
    return {name: db.session.get(Ticket, ticket.id) for name, ticket in tickets.items()}


def _set_ticket(ticket: Ticket, **values) -> None:
    db.session.execute(update(TICKETS).where(TICKETS.c.id == ticket.id).values(**values))


def _acknowledgement_mail(ticket: Ticket) -> int:
    return db.session.scalar(select(CustomerMessage.outbox_id).where(
        CustomerMessage.ticket_id == ticket.id, CustomerMessage.outbox_id.is_not(None)))


def _owned_without_category(world):
    _set_ticket(world["mailed"], category_id=None)
    return world["mailed"], "classification", "owned without category"


def _owned_without_class(world):
    _set_ticket(world["mailed"], category_id=None, dimension=None)
    return world["mailed"], "classification", "owned without dimension or category"


def _staff_ticket_without_opener(world):
    _set_ticket(world["old"], opened_by_id=None)
    return world["old"], "opener", "channel 'front_desk' is staff's"


def _links_itself(world):
    _set_ticket(world["linked"], linked_ticket_id=world["linked"].id)
    return world["linked"], "link", "links itself"


def _links_a_newer_ticket(world):
    _set_ticket(world["old"], linked_ticket_id=world["linked"].id)
    return world["old"], "link", f"continues {world['linked'].ref}, which is newer"


def _mail_about_another_ticket(world):
    row = _acknowledgement_mail(world["mailed"])
    db.session.execute(update(OUTBOX).where(OUTBOX.c.id == row).values(
        ticket_id=world["fresh"].id))
    return world["mailed"], "message", f"outbox row #{row}, which is about {world['fresh'].ref}"


def _mail_about_no_ticket(world):
    row = _acknowledgement_mail(world["mailed"])
    db.session.execute(update(OUTBOX).where(OUTBOX.c.id == row).values(ticket_id=None))
    return world["mailed"], "message", "which is about no ticket"


def _intake_row_without_ticket(world):
    db.session.execute(update(INBOUND).where(INBOUND.c.message_id == "<m2@guest.example>")
                       .values(ticket_id=None))
    return None, "intake", "inbound mail #"


BROKEN = [
    _owned_without_category,
    _owned_without_class,
    _staff_ticket_without_opener,
    _links_itself,
    _links_a_newer_ticket,
    _mail_about_another_ticket,
    _mail_about_no_ticket,
    _intake_row_without_ticket,
]


@pytest.mark.parametrize("breaks", BROKEN, ids=[b.__name__.strip("_") for b in BROKEN])
def test_each_broken_invariant_is_reported_once(world, runner, breaks):
    ticket, check, message = breaks(world)
    db.session.commit()
    code, lines = _check(runner)
    assert code == 1
    assert len(lines) == 1, lines
    ref = ticket.ref if ticket is not None else "mail"
    assert lines[0].startswith(f"{ref} {check}: "), lines
    assert message in lines[0], lines


def test_every_intake_status_that_reaches_a_ticket_names_it(world, runner):
    db.session.execute(update(INBOUND).where(INBOUND.c.message_id.in_(
        ["<m1@guest.example>", "<m3@guest.example>"])).values(ticket_id=None))
    db.session.execute(update(INBOUND).where(INBOUND.c.message_id == "<m2@guest.example>")
                       .values(status="reopened", ticket_id=None))
    db.session.commit()
    code, lines = _check(runner)
    assert code == 1 and len(lines) == 3
    assert {line.split("'")[1] for line in lines} == {"opened", "reopened"}


def test_a_new_unclassified_ticket_and_a_mail_cancelled_by_erasure_are_fine(world, runner):
    """Only an owned ticket must be classified; a mail withdrawn because the customer was
    erased is not a mail that failed."""
    assert world["fresh"].status == "new" and not world["fresh"].is_classified
    row = _acknowledgement_mail(world["mailed"])
    db.session.execute(update(OUTBOX).where(OUTBOX.c.id == row).values(
        status="failed", next_attempt_at=None, last_error=CANCELLED))
    db.session.commit()
    assert _check(runner) == (0, [])
    db.session.execute(update(OUTBOX).where(OUTBOX.c.id == row).values(
        last_error="550 mailbox unavailable"))
    db.session.commit()
    code, lines = _check(runner)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"{world['mailed'].ref} outbox: row #{row}: mail gave up")
