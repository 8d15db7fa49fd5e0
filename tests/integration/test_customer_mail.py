"""Writing to the customer, end to end through the outbox and a real SMTP server on
127.0.0.1: the acknowledgement, a reply, the fix offer and the resolution summary arrive at
the customer's address in their language, with the reference in the subject, the status
link in the body and the threading headers we remember."""

import re
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import func, select

from core import clock
from correspondence.inbound import add_customer_message
from correspondence.links import status_url
from correspondence.models import CustomerMessage
from correspondence.outbound import expected_follow_ups
from correspondence.wording import SHORT_TEXT_LIMIT, guest_time
from customers.services import CustomerInput
from extensions import db
from followups.loop import plan_follow_ups
from followups.models import FollowUp
from outbox.models import OutboxMessage
from outbox.sender import send_due
from tests.conftest import FIX_FIELDS, RESOLUTION_FIELDS
from tests.support.smtp import SmtpSink
from tickets.actions import perform
from tickets.effects import ACKNOWLEDGEMENT_MAIL
from tickets.models import TicketEvent

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
INTAKE = "care@lakeside.example"
GUEST = "guest@example.net"


@pytest.fixture
def sink(app):
    with SmtpSink() as server:
        app.config["SMTP_URL"] = server.url
        app.config["MAIL_FROM"] = "Lakeside Hotel <desk@lakeside.example>"
        yield server


@pytest.fixture
def site(make_site):
    site = make_site(name="Lakeside Hotel")
    site.intake_address = INTAKE
    db.session.commit()
    return site


@pytest.fixture
def unowned(make_ticket, site):
    """A new ticket of a guest with an e-mail address, writing in `locale`."""
    clock.set_now(T0)

    def open_for(locale="zh_Hans", email=GUEST, **overrides):
        guest = CustomerInput(name="王芳" if locale == "zh_Hans" else "Ann Lee",
                              phone="13800001111", email=email, locale=locale)
        return make_ticket(owner=None, site=site, customer=guest, **overrides)

    return open_for


def _own(ticket, owner, **extra):
    data = {"acknowledgement": "Apologised at the desk and moved the luggage to 1203",
            "next_contact_by": T0 + timedelta(hours=3), **extra}
    perform(ticket, "own", owner, data, version=ticket.version, now=T0)
    db.session.commit()


def _deliver(sink: SmtpSink, at: datetime = T0) -> list[Message]:
    send_due(at + timedelta(minutes=1))
    return list(sink.messages)


def _text(mail: Message) -> str:
    part = mail.get_payload()[0] if mail.is_multipart() else mail
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def _subject(mail: Message) -> str:
    from email.header import decode_header, make_header

    return str(make_header(decode_header(mail["Subject"])))


def _messages(ticket, kind=None) -> list[CustomerMessage]:
    stmt = select(CustomerMessage).where(CustomerMessage.ticket_id == ticket.id,
                                         CustomerMessage.direction == "out")
    if kind:
        stmt = stmt.where(CustomerMessage.kind == kind)
    return list(db.session.scalars(stmt.order_by(CustomerMessage.id)))


def _customer_mail_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind.like("customer_%")))


def _by_kind(mails: list[Message], ticket, kind: str) -> Message:
    (message,) = _messages(ticket, kind)
    (mail,) = [m for m in mails if m["Message-ID"] == message.mail_message_id]
    return mail


def test_the_acknowledgement_arrives_in_chinese_with_the_reference_and_threading(
        sink, unowned, make_user, site):
    ticket = unowned("zh_Hans")
    owner = make_user("front_desk", site=site, display_name="Lin Mei")
    _own(ticket, owner)
    (mail,) = _deliver(sink)
    (message,) = _messages(ticket)
    row = db.session.get(OutboxMessage, message.outbox_id)
    assert mail["To"] == GUEST
    assert _subject(mail).startswith(f"[{ticket.ref}] ")
    assert "已收到您的投诉" in _subject(mail)
    assert mail["Message-ID"] == message.mail_message_id == row.message_id
    assert message.mail_message_id.endswith("@lakeside.example>")
    assert mail["Reply-To"] == INTAKE
    assert mail["In-Reply-To"] is None
    body = _text(mail)
    assert status_url(ticket) in body
    assert "尊敬的王芳" in body and "Lin Mei" in body and ticket.ref in body
    assert "Apologised at the desk and moved the luggage to 1203" in body
    with force_locale("zh_Hans"):
        promise = guest_time(ticket.next_contact_by, site)
    assert promise.startswith("2026年11月23日") and "13:00" in promise
    assert promise in body
    assert "Dear" not in body and "Thank you" not in body
    assert (message.kind, message.source, message.locale, message.author_id) == (
        "acknowledgement", "email", "zh_Hans", owner.id)


def test_an_english_customer_gets_english_and_reply_to_falls_back_to_the_config(
        sink, unowned, make_user, site, app):
    site.intake_address = None
    db.session.commit()
    app.config["MAIL_REPLY_TO"] = "replies@hotel.example"
    ticket = unowned("en")
    _own(ticket, make_user("front_desk", site=site, display_name="Lin Mei"))
    (mail,) = _deliver(sink)
    assert _subject(mail) == f"[{ticket.ref}] Lakeside Hotel has your complaint"
    assert mail["Reply-To"] == "replies@hotel.example"
    body = _text(mail)
    assert body.startswith("Dear Ann Lee,")
    assert "Lin Mei" in body and "Monday, November 23, 2026 1:00" in body


def test_without_any_reply_address_there_is_no_reply_to(sink, unowned, make_user, site):
    site.intake_address = None
    db.session.commit()
    ticket = unowned("en")
    _own(ticket, make_user("front_desk", site=site))
    (mail,) = _deliver(sink)
    assert mail["Reply-To"] is None


def test_a_reply_answers_the_customers_mail_and_moves_the_promise(
        sink, unowned, make_user, site):
    ticket = unowned("en")
    owner = make_user("front_desk", site=site, display_name="Lin Mei")
    _own(ticket, owner)
    later = T0 + timedelta(hours=1)
    add_customer_message(ticket, "The heater is still cold.", "email", later,
                         mail_message_id="<x@guest>")
    db.session.commit()
    promise = T0 + timedelta(hours=5)
    perform(ticket, "reply", owner, {"body": "An engineer is on the way to your room.",
                                     "next_contact_by": promise},
            version=ticket.version, now=later + timedelta(minutes=10))
    db.session.commit()
    mails = _deliver(sink, later + timedelta(minutes=10))
    mail = _by_kind(mails, ticket, "reply")
    assert _subject(mail) == f"[{ticket.ref}] A reply from Lakeside Hotel"
    assert mail["In-Reply-To"] == "<x@guest>" and mail["References"] == "<x@guest>"
    body = _text(mail)
    assert "An engineer is on the way to your room." in body
    assert status_url(ticket) in body and "Lin Mei, Lakeside Hotel" in body
    assert "We will contact you again by Monday, November 23, 2026 3:00" in body
    # Logged as a contact: the promise kept, the new one running, the wait over.
    event = db.session.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.action == "reply")).one()
    assert event.changes["channel"] == [None, "email"]
    assert event.changes["promise"][1] == "kept"
    assert event.note == "An engineer is on the way to your room."
    assert ticket.next_contact_by == promise and ticket.customer_replied_at is None
    assert ticket.version == db.session.scalar(select(func.count()).where(
        TicketEvent.ticket_id == ticket.id))


def test_the_fix_offer_is_sent_when_offered_with_money_and_done_by(
        sink, unowned, make_user, site):
    ticket = unowned("en")
    owner = make_user("front_desk", site=site, display_name="Lin Mei")
    _own(ticket, owner)
    fix = {**FIX_FIELDS, "compensation": "150.00", "committed_by": T0 + timedelta(hours=6)}
    perform(ticket, "offer_fix", owner, fix, version=ticket.version, now=T0)
    db.session.commit()
    mail = _by_kind(_deliver(sink), ticket, "fix_offer")
    assert _subject(mail) == f"[{ticket.ref}] What Lakeside Hotel will do to put it right"
    body = _text(mail)
    assert FIX_FIELDS["action"] in body
    assert "Compensation: CN¥150.00" in body
    assert "Done by: Monday, November 23, 2026 4:00" in body
    assert "accept it, or tell us you would like something else" in body
    assert status_url(ticket) in body


def test_a_fix_over_the_limit_is_sent_only_once_approved(sink, unowned, make_user, site):
    ticket = unowned("zh_Hans")
    owner = make_user("front_desk", site=site)
    _own(ticket, owner)
    fix = {**FIX_FIELDS, "compensation": "900.00", "committed_by": T0 + timedelta(hours=6)}
    perform(ticket, "offer_fix", owner, fix, version=ticket.version, now=T0)
    db.session.commit()
    assert ticket.status == "awaiting_approval" and _messages(ticket, "fix_offer") == []
    lead = make_user("supervisor", site=site)
    perform(ticket, "approve", lead, {}, version=ticket.version, now=T0)
    db.session.commit()
    (message,) = _messages(ticket, "fix_offer")
    mail = _by_kind(_deliver(sink), ticket, "fix_offer")
    body = _text(mail)
    assert "¥900.00" in body and FIX_FIELDS["action"] in body
    assert message.author_id == owner.id


def test_the_resolution_summary_says_what_was_done_and_the_follow_ups(
        sink, unowned, make_user, site):
    ticket = unowned("en")
    owner = make_user("front_desk", site=site)
    _own(ticket, owner)
    perform(ticket, "offer_fix", owner, {**FIX_FIELDS, "committed_by": T0 + timedelta(hours=2)},
            version=ticket.version, now=T0)
    perform(ticket, "resolve", owner, RESOLUTION_FIELDS, version=ticket.version, now=T0)
    db.session.commit()
    mail = _by_kind(_deliver(sink), ticket, "resolution")
    assert _subject(mail) == f"[{ticket.ref}] Your complaint to Lakeside Hotel is resolved"
    body = _text(mail)
    assert RESOLUTION_FIELDS["outcome"] in body
    planned = db.session.scalars(select(FollowUp).where(FollowUp.ticket_id == ticket.id)).all()
    assert len(planned) == 2
    with force_locale("en"):
        for follow_up in planned:
            assert guest_time(follow_up.due_at, site) in body
    assert "three short questions" in body and status_url(ticket) in body


def test_the_follow_ups_expected_are_the_planners_even_before_it_ran(unowned, make_user,
                                                                    site):
    ticket = unowned("en")
    _own(ticket, make_user("front_desk", site=site))
    worked_out = expected_follow_ups(ticket, T0)
    planned = plan_follow_ups(ticket, T0)
    db.session.flush()
    assert worked_out == sorted(((f.kind, f.due_at) for f in planned), key=lambda p: p[1])
    assert expected_follow_ups(ticket, T0) == worked_out
    db.session.rollback()


def test_unticking_send_mails_nothing_and_the_choice_is_audited(sink, unowned, make_user,
                                                                site):
    ticket = unowned("en")
    _own(ticket, make_user("front_desk", site=site), send_acknowledgement=False)
    assert _deliver(sink) == []
    assert _customer_mail_count() == 0
    (message,) = _messages(ticket, "acknowledgement")
    assert (message.outbox_id, message.mail_message_id, message.source) == (None, None, "held")
    event = db.session.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.action == "own")).one()
    assert event.changes["acknowledgement_mail"] == [None, ACKNOWLEDGEMENT_MAIL[False]]


def test_without_an_address_the_message_is_recorded_for_staff_and_nothing_queued(
        sink, unowned, make_user, site):
    ticket = unowned("en", email="")
    owner = make_user("front_desk", site=site)
    _own(ticket, owner)
    perform(ticket, "reply", owner, {"body": "We have moved you to a quieter room."},
            version=ticket.version, now=T0)
    db.session.commit()
    assert _deliver(sink) == [] and _customer_mail_count() == 0
    messages = _messages(ticket)
    assert [(m.kind, m.source, m.outbox_id) for m in messages] == [
        ("acknowledgement", "no_address", None), ("reply", "no_address", None)]
    reply = messages[1]
    assert len(reply.short_text) <= SHORT_TEXT_LIMIT
    assert reply.short_text.startswith(f"[{ticket.ref}] Lakeside Hotel:")
    assert "We have moved you to a quieter room." in reply.short_text
    assert reply.short_text.endswith(status_url(ticket))
    event = db.session.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.action == "reply")).one()
    assert event.changes["reply_mail"][1] == "not mailed (no e-mail address)"


def test_every_short_text_fits_and_carries_the_link(unowned, make_user, site):
    ticket = unowned("zh_Hans")
    owner = make_user("front_desk", site=site)
    _own(ticket, owner)
    perform(ticket, "reply", owner, {"body": "很长的回复。" * 400}, version=ticket.version,
            now=T0)
    perform(ticket, "offer_fix", owner, {**FIX_FIELDS, "committed_by": T0 + timedelta(hours=2)},
            version=ticket.version, now=T0)
    perform(ticket, "resolve", owner, RESOLUTION_FIELDS, version=ticket.version, now=T0)
    db.session.commit()
    messages = _messages(ticket)
    assert [m.kind for m in messages] == ["acknowledgement", "reply", "fix_offer", "resolution"]
    for message in messages:
        assert len(message.short_text) <= SHORT_TEXT_LIMIT, message.kind
        assert message.short_text.startswith(f"[{ticket.ref}] ")
        assert message.short_text.endswith(status_url(ticket))
    assert "…" in messages[1].short_text


def test_a_rolled_back_step_queues_nothing(sink, unowned, make_user, site):
    ticket = unowned("en")
    owner = make_user("front_desk", site=site)
    version = ticket.version
    perform(ticket, "own", owner, {"acknowledgement": "Sorry", "next_contact_by":
                                   T0 + timedelta(hours=2)}, version=version, now=T0)
    assert _customer_mail_count() == 1
    db.session.rollback()
    assert _customer_mail_count() == 0
    assert db.session.scalar(select(func.count()).select_from(CustomerMessage)) == 0
    assert _deliver(sink) == []


def test_an_internal_note_is_never_mailed_or_recorded_as_a_message(sink, unowned,
                                                                   make_user, site):
    ticket = unowned("en")
    owner = make_user("front_desk", site=site)
    _own(ticket, owner)
    perform(ticket, "add_note", owner, {"body": "Guest was rude to the night porter"},
            version=ticket.version, now=T0)
    db.session.commit()
    mails = _deliver(sink)
    assert len(mails) == 1 and all("night porter" not in _text(m) for m in mails)
    assert [m.kind for m in _messages(ticket)] == ["acknowledgement"]


def _template_strings() -> set[str]:
    keywords = {"_": None}
    found = set()
    for path in (ROOT / "templates/mail/customer").glob("*.txt"):
        for _line, message, _comments, _context in extract_from_file("jinja2", path,
                                                                    keywords=keywords):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_of_the_mail_templates_is_translated():
    """The .txt templates are not in the app-wide extraction (templates/**.html)."""
    with (ROOT / "translations/zh_Hans/LC_MESSAGES/messages.po").open("rb") as handle:
        translated = {m.id: m.string for m in read_po(handle) if m.id and m.string}
    strings = _template_strings()
    assert len(strings) > 10
    assert sorted(s for s in strings if s not in translated) == []
    placeholder = re.compile(r"%\([a-z_]+\)s")
    assert all(sorted(placeholder.findall(s)) == sorted(placeholder.findall(translated[s]))
               for s in strings)
