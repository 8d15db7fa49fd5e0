"""Erasure of a customer's personal data on the customer side: the messages exchanged on
their tickets, the mail that came in from them, the mail we wrote to them, and their
status links.

The world: a guest known by name, phone and e-mail who complained by e-mail (the intake's
row, "opened") and on the web form; the hotel acknowledged both in writing (mailed), they
answered by e-mail (the intake's row, "added") naming themselves, a reply to them is still
waiting in the outbox, a later mail of theirs could not be read (kept raw, "malformed")
and an auto-reply of theirs was ignored. Another guest's message and mail must stay
untouched. The oracle scans every text, JSON and binary column of every table.
"""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import JSON, LargeBinary, String, select

from core import clock
from correspondence.delivery import Letter, deliver
from correspondence.inbound import receive_customer_words
from correspondence.links import make_token, open_ticket_link, status_path
from correspondence.models import CustomerMessage
from customers.models import Customer
from customers.services import CustomerInput
from extensions import db
from mailin.models import InboundMail
from maintenance.integrity import check_integrity
from outbox.models import OutboxMessage
from outbox.sender import send_due
from privacy.erasure import erase_customer
from privacy.models import PrivacyLogEntry
from privacy.redaction import CANCELLED, erased_address
from privacy.scrub import REDACTED
from reports.figures import weekly_figures
from reports.weeks import week_of
from tickets.actions import perform
from tickets.categories import active_categories, ensure_default_categories
from tickets.intake import CustomerComplaint, open_customer_ticket
from tickets.models import Ticket, TicketEvent

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
NAME = "Zhao Minghui"
PHONE = "+86 139-1234-5678"
EMAIL = "Zhao.Minghui@example.com"
OTHER_EMAIL = "qian.other@example.com"
THEIR_WORDS = "Zhao Minghui again: the heater in 1203 is still cold, call 139 1234 5678"
RAW = (f"From: {NAME} <{EMAIL}>\r\nSubject: =?broken?= {NAME}\r\n\r\n"
       "\xff\xfe my passport number is E12345678").encode("latin-1")


def _needles() -> list[re.Pattern]:
    words = [NAME, EMAIL, PHONE, "139 1234 5678", "13912345678", "E12345678"]
    patterns = [re.compile(re.escape(word), re.IGNORECASE) for word in words]
    return patterns + [re.compile(rf"\b{part}\b", re.IGNORECASE) for part in ("Zhao", "Minghui")]


def _cells():
    """(table, column, text) for every text, JSON and binary value in the database."""
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.c if isinstance(c.type, String | JSON | LargeBinary)
                   or isinstance(getattr(c.type, "impl", None), String | LargeBinary)]
        for row in db.session.execute(select(*columns)) if columns else ():
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                if isinstance(value, bytes):
                    text = value.decode("latin-1")
                elif isinstance(value, str):
                    text = value
                else:
                    text = json.dumps(value, ensure_ascii=False)
                yield table.name, column.name, text


def traces() -> list[str]:
    db.session.expire_all()
    return [f"{table}.{column}: {text[:100]}" for table, column, text in _cells()
            if any(pattern.search(text) for pattern in _needles())]


def _letter(kind: str, ticket: Ticket, text: str) -> Letter:
    return Letter(kind=kind, locale="en", subject=f"{ticket.ref}: for {NAME}",
                  body_text=f"Dear {NAME},\n{text}", short_text=f"{NAME}: {text}")


def _inbound(message_id, status, *, ticket=None, sender=EMAIL, subject="", raw=None,
             reason="") -> InboundMail:
    row = InboundMail(message_id=message_id, received_at=clock.utcnow(), from_address=sender,
                      subject=subject, status=status, reason=reason,
                      site_id=ticket.site_id if ticket else None,
                      ticket_id=ticket.id if ticket else None, size=len(raw or b"x"),
                      attachments_skipped="zhao-passport.pdf" if raw else "", raw=raw)
    db.session.add(row)
    return row


def _own(ticket, owner, at):
    perform(ticket, "own", owner, {
        "acknowledgement": f"Told {NAME} we would look into it",
        "next_contact_by": at + timedelta(hours=2), "dimension": "tangibles",
        "category_id": str(active_categories()[0].id), "send_acknowledgement": False,
    }, version=None, now=at)


@pytest.fixture
def world(app, make_site, make_user):
    clock.set_now(T0)
    ensure_default_categories()
    site = make_site(name="Privacy Hotel")
    owner = make_user("front_desk", site=site, display_name="Lin Wei")
    guest = CustomerInput(name=NAME, phone=PHONE, email=EMAIL)
    by_mail = open_customer_ticket(CustomerComplaint(
        site=site, channel="email", customer=guest,
        description=f"{NAME} writes: the shower in 1203 was cold"), T0)
    _inbound("<first@guest.example>", "opened", ticket=by_mail,
             subject=f"{NAME}: cold shower")
    on_web = open_customer_ticket(CustomerComplaint(
        site=site, channel="web", customer=guest,
        description="The lift was broken again and nobody came"), T0)
    for ticket in (by_mail, on_web):
        _own(ticket, owner, T0 + timedelta(minutes=10))
        deliver(ticket, _letter("acknowledgement", ticket, "we have your complaint."), owner,
                T0 + timedelta(minutes=10))
    db.session.commit()
    send_due(T0 + timedelta(minutes=11))
    clock.set_now(T0 + timedelta(hours=1))
    receive_customer_words(by_mail, THEIR_WORDS, "email", clock.utcnow(),
                           mail_message_id="<second@guest.example>")
    _inbound("<second@guest.example>", "added", ticket=by_mail,
             subject=f"Re: [{by_mail.ref}] {NAME}")
    perform(by_mail, "reply", owner, {"body": f"Dear {NAME}, a technician is on the way."},
            version=None, now=clock.utcnow())
    waiting = deliver(by_mail, _letter("reply", by_mail, "we will call you at 18:00."), owner,
                      clock.utcnow())
    _inbound("<third@guest.example>", "malformed", raw=RAW, reason="could not be parsed")
    _inbound("<auto@guest.example>", "ignored", subject=f"Out of office: {NAME}",
             reason="auto-reply (Auto-Submitted: auto-replied)")
    other = open_customer_ticket(CustomerComplaint(
        site=site, channel="email",
        customer=CustomerInput(name="Qian Other", email=OTHER_EMAIL),
        description="Qian Other: the towels were dirty"), clock.utcnow())
    receive_customer_words(other, "Qian Other again: still dirty towels", "email",
                           clock.utcnow(), mail_message_id="<q@other.example>")
    _inbound("<q@other.example>", "added", ticket=other, sender=OTHER_EMAIL,
             subject="Re: towels, Qian Other")
    db.session.commit()
    return {"site": site, "owner": owner, "customer_id": by_mail.customer_id,
            "tickets": [by_mail.id, on_web.id], "other": other.id, "waiting": waiting.id,
            "tokens": [make_token(by_mail), make_token(on_web)]}


def _erase(world) -> None:
    db.session.expire_all()
    erase_customer(db.session.get(Customer, world["customer_id"]), None, clock.utcnow())
    db.session.commit()


def test_the_scan_finds_them_everywhere_before_erasure(world):
    tables = {line.split(".")[0] for line in traces()}
    assert {"customer_messages", "inbound_mail", "outbox", "tickets", "ticket_events"} <= tables


def test_erasure_leaves_no_trace_of_messages_mail_or_raw_bytes(world):
    _erase(world)
    assert traces() == []


def test_their_messages_are_erased_and_the_other_guests_stay(world):
    _erase(world)
    messages = db.session.scalars(select(CustomerMessage).order_by(CustomerMessage.id)).all()
    theirs = [m for m in messages if m.ticket_id in world["tickets"]]
    assert len(theirs) >= 4 and {m.direction for m in theirs} == {"in", "out"}
    assert {(m.body, m.short_text) for m in theirs} == {(REDACTED, REDACTED)}
    (kept,) = [m for m in messages if m.ticket_id == world["other"]]
    assert kept.body == "Qian Other again: still dirty towels"
    assert all(m.mail_message_id for m in theirs if m.direction == "in")


def test_their_incoming_mail_keeps_its_message_id_and_loses_the_rest(world):
    _erase(world)
    rows = {row.message_id: row for row in db.session.scalars(select(InboundMail))}
    address = erased_address(world["customer_id"])
    for message_id in ("<first@guest.example>", "<second@guest.example>",
                       "<third@guest.example>", "<auto@guest.example>"):
        row = rows[message_id]
        assert (row.from_address, row.raw) == (address, None), message_id
        assert row.subject in ("", REDACTED) and row.attachments_skipped in ("", REDACTED)
    assert rows["<third@guest.example>"].status == "malformed"
    assert rows["<first@guest.example>"].ticket_id == world["tickets"][0]
    other = rows["<q@other.example>"]
    assert (other.from_address, other.subject) == (OTHER_EMAIL, "Re: towels, Qian Other")


def test_mail_waiting_for_them_is_cancelled_and_nothing_is_sent_afterwards(world):
    waiting = db.session.get(CustomerMessage, world["waiting"])
    assert db.session.get(OutboxMessage, waiting.outbox_id).status == "pending"
    _erase(world)
    waiting = db.session.get(CustomerMessage, world["waiting"])
    mail = db.session.get(OutboxMessage, waiting.outbox_id)
    assert (mail.status, mail.last_error, mail.next_attempt_at) == ("failed", CANCELLED, None)
    assert mail.to_address == erased_address(world["customer_id"])
    assert NAME not in mail.body_text and NAME not in mail.subject
    assert send_due(clock.utcnow() + timedelta(days=1)) == {}
    to_them = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.ticket_id.in_(world["tickets"]))).all()
    assert to_them and {m.to_address for m in to_them} == {erased_address(world["customer_id"])}
    assert {m.status for m in to_them} <= {"logged", "failed"}
    assert check_integrity(clock.utcnow()).findings == []


def test_their_status_links_still_work_and_show_nothing_personal(world, client):
    _erase(world)
    for token in world["tokens"]:
        ticket = open_ticket_link(token, clock.utcnow())
        assert ticket.id in world["tickets"]
        page = client.get(status_path(ticket))
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert ticket.ref in html
        assert not [p.pattern for p in _needles() if p.search(html)]
    first = client.get(status_path(db.session.get(Ticket, world["tickets"][0])))
    assert REDACTED in first.get_data(as_text=True)


def test_the_audit_and_the_privacy_log_count_what_was_erased(world):
    _erase(world)
    entry = db.session.scalars(select(PrivacyLogEntry)).one()
    assert entry.details["inbound_mail_redacted"] == 4
    assert entry.details["messages_redacted"] >= 4
    assert entry.details["mails_withdrawn"] >= 1
    for ticket_id in world["tickets"]:
        ticket = db.session.get(Ticket, ticket_id)
        events = db.session.scalars(select(TicketEvent).where(
            TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)).all()
        assert ticket.version == len(events)
        last = events[-1]
        assert last.action == "customer_erased"
        assert last.changes["customer_email"] == ["on file", "erased"]
        assert last.changes["messages_erased"][1] >= 1
    assert check_integrity(clock.utcnow()).findings == []


def test_the_customer_side_figures_stay_the_same(world):
    site, now = world["site"], clock.utcnow()
    week = str(week_of(T0, site.timezone))
    before = weekly_figures(week, site, now)
    assert before["acknowledged_in_writing"] == {"count": 2, "of": 2, "rate": 100.0}
    _erase(world)
    after = weekly_figures(week, site, now)
    for key in ("acknowledged_in_writing", "customer_accepted_fixes", "by_channel",
                "unclassified", "volume"):
        assert after[key] == before[key], key
