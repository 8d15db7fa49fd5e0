"""E-mail intake: real RFC 5322 messages (tests/fixtures/mail/*.eml) through `flask mail
ingest` and `mailin.ingest.ingest` — new tickets, replies to the ticket they answer, held
and ignored mail, duplicates, routing, and the MTA pipe as a real process."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from correspondence.models import CustomerMessage
from customers.models import Customer
from customers.services import CustomerInput
from extensions import db
from mailin.ingest import ingest
from mailin.models import InboundMail
from notifications.models import Notification
from outbox.queue import enqueue
from tests.support.mail import INTAKE, T0, eml, grand_hotel, mail_config
from tickets.attachments import path_of
from tickets.models import Attachment, Ticket, TicketEvent

OUR_MESSAGE_ID = "<ack-0001@recovery-desk.example.com>"


@pytest.fixture
def app_config(tmp_path):
    return mail_config(tmp_path)


@pytest.fixture
def hotel(app, make_site):
    return grand_hotel(make_site)


def run(runner, raw: bytes, *args: str):
    return runner.invoke(args=["mail", "ingest", *args], input=raw)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def only(model):
    db.session.expire_all()
    return db.session.scalars(select(model)).one()


def single(rows: list):
    assert len(rows) == 1, rows
    return rows[0]


def incoming() -> list[CustomerMessage]:
    """The customer's messages (staff's acknowledgements and replies are not counted)."""
    db.session.expire_all()
    return list(db.session.scalars(select(CustomerMessage).where(
        CustomerMessage.direction == "in")))


def events(ticket) -> int:
    return db.session.scalar(select(func.count()).where(TicketEvent.ticket_id == ticket.id))


# --- new complaints ----------------------------------------------------------------------


def test_a_plain_mail_opens_an_unclassified_email_ticket(runner, hotel):
    result = run(runner, eml("plain.eml"))
    assert result.exit_code == 0, result.output
    ticket = only(Ticket)
    assert result.output.strip() == ticket.ref
    assert (ticket.channel, ticket.status, ticket.site_id) == ("email", "new", hotel.id)
    assert ticket.category_id is None and ticket.opened_by_id is None
    assert ticket.description == (
        "Noisy room 1203\n\nThe air conditioning in room 1203 rattled all night.\n"
        "I would like a quieter room tonight.\n\nLi Wei")
    customer = ticket.customer
    assert (customer.name, customer.email, customer.locale) == ("Li Wei", "li.wei@example.com",
                                                                "en")
    assert ticket.version == events(ticket)
    mail = only(InboundMail)
    assert (mail.status, mail.ticket_id, mail.site_id, mail.message_id) == (
        "opened", ticket.id, hotel.id, "<plain-0001@mail.example.com>")
    assert mail.raw is None and mail.from_address == "li.wei@example.com"


def test_the_sender_is_matched_to_the_sites_existing_customer(runner, hotel):
    known = Customer(site_id=hotel.id, name="Mr Li", name_key="mr li",
                     email="Li.Wei@Example.com", locale="zh_Hans")
    db.session.add(known)
    db.session.commit()
    assert run(runner, eml("plain.eml")).exit_code == 0
    assert only(Ticket).customer_id == known.id and count(Customer) == 1


def test_an_html_only_mail_gives_its_visible_text(runner, hotel):
    assert run(runner, eml("html_only.eml")).exit_code == 0
    ticket = only(Ticket)
    assert ticket.description == ("Breakfast was cold\n\nThe eggs at breakfast were cold "
                                  "again.\n\nSecond day in a row.\nTable 14.")
    assert "alert" not in ticket.description and "color" not in ticket.description
    assert ticket.customer.name == "Maria Rossi"


def test_a_photo_is_kept_and_other_files_are_only_named(runner, hotel):
    assert run(runner, eml("photo.eml")).exit_code == 0
    ticket = only(Ticket)
    photo = only(Attachment)
    assert (photo.ticket_id, photo.file_name, photo.content_type) == (
        ticket.id, "carpet.jpg", "image/jpeg")
    stored = path_of(photo.storage_key).read_bytes()
    assert stored.startswith(b"\xff\xd8\xff") and stored.endswith(b"\xff\xd9")
    assert photo.storage_key == hashlib.sha256(stored).hexdigest()
    assert only(InboundMail).attachments_skipped == "预订确认.docx"
    assert ticket.version == events(ticket) == 2  # opened, then the attachment


@pytest.mark.parametrize("name,subject,sender,address", [
    ("subject_gb2312.eml", "房间空调噪音很大", "张三", "zhang.san@example.com"),
    ("subject_gb18030.eml", "刘䶮：浴室漏水", "刘䶮", "liu.yan@example.com"),
    ("subject_utf8.eml", "前台服务态度差", "王芳", "wang.fang@example.com"),
    ("subject_gbk_labelled_gb2312.eml", "镕：房间没有热水", "Zhu", "zhu@example.com"),
])
def test_chinese_subjects_and_names_come_out_right(runner, hotel, name, subject, sender,
                                                   address):
    result = run(runner, eml(name))
    assert result.exit_code == 0, result.output
    ticket = only(Ticket)
    first_line, _, words = ticket.description.partition("\n\n")
    assert first_line == subject
    assert "\ufffd" not in ticket.description and words.endswith("。")
    assert (ticket.customer.name, ticket.customer.email, ticket.customer.locale) == (
        sender, address, "zh_Hans")
    assert only(InboundMail).subject == subject


# --- replies -----------------------------------------------------------------------------


def _guest_ticket(make_ticket, hotel, email="li.wei@example.com"):
    return make_ticket(site=hotel, customer=CustomerInput(name="Li Wei", email=email))


def _our_mail(ticket, message_id=OUR_MESSAGE_ID):
    enqueue(kind="acknowledgement", to_address=ticket.customer.email, subject="Your complaint",
            body_text="We are on it.", due_at=clock.utcnow(), ticket_id=ticket.id,
            message_id=message_id)
    db.session.commit()


def test_a_reply_to_our_mail_joins_its_ticket_and_the_owner_is_told(runner, hotel,
                                                                     make_ticket):
    ticket = _guest_ticket(make_ticket, hotel)
    _our_mail(ticket)
    version = ticket.version
    result = run(runner, eml("reply.eml"))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ticket.ref
    assert count(Ticket) == 1
    message = single(incoming())
    assert (message.ticket_id, message.direction, message.source) == (ticket.id, "in", "email")
    assert message.body == "Thank you, but the new room is noisy too."  # the quote trimmed
    assert message.mail_message_id == "<reply-0001@mail.example.com>"
    db.session.refresh(ticket)
    assert ticket.version == version + 1 == events(ticket)
    assert ticket.customer_replied_at is not None
    notice = db.session.scalars(select(Notification).where(
        Notification.kind == "customer_message")).one()
    assert (notice.recipient_id, notice.ticket_id) == (ticket.owner_id, ticket.id)
    mail = only(InboundMail)
    assert (mail.status, mail.ticket_id) == ("added", ticket.id)


def test_a_reply_threads_by_references_to_the_customers_own_earlier_mail(runner, hotel):
    assert run(runner, eml("plain.eml")).exit_code == 0
    follow_up = eml("reply_by_reference.eml").replace(
        b"Subject: Re: [SR-REFERENCE] Noisy room",
        b"Subject: One more thing\r\nReferences: <plain-0001@mail.example.com>")
    result = run(runner, follow_up)
    assert result.output.strip() == only(Ticket).ref
    assert single(incoming()).body == "I am still waiting for an answer."


def test_the_reference_in_the_subject_finds_the_ticket_of_that_customer(runner, hotel,
                                                                       make_ticket):
    ticket = _guest_ticket(make_ticket, hotel)
    raw = eml("reply_by_reference.eml").replace(b"SR-REFERENCE", ticket.ref.encode())
    result = run(runner, raw)
    assert result.output.strip() == ticket.ref
    assert count(Ticket) == 1 and single(incoming()).ticket_id == ticket.id


def test_the_reference_in_a_plus_address_finds_the_ticket(runner, hotel, make_ticket):
    ticket = _guest_ticket(make_ticket, hotel)
    raw = eml("reply_by_reference.eml").replace(b"[SR-REFERENCE] ", b"").replace(
        f"To: {INTAKE}".encode(), f"To: complaints+{ticket.ref}@grand.example.com".encode())
    assert run(runner, raw).output.strip() == ticket.ref
    assert count(Ticket) == 1 and only(InboundMail).site_id == hotel.id


def test_a_strangers_reference_to_someone_elses_ticket_is_a_new_complaint(runner, hotel,
                                                                         make_ticket):
    ticket = _guest_ticket(make_ticket, hotel)
    raw = eml("reply_by_reference.eml").replace(b"SR-REFERENCE", ticket.ref.encode()).replace(
        b"li.wei@example.com", b"someone.else@example.com")
    result = run(runner, raw)
    assert result.exit_code == 0
    assert count(Ticket) == 2 and incoming() == []
    new = db.session.scalars(select(Ticket).where(Ticket.id != ticket.id)).one()
    assert result.output.strip() == new.ref
    assert new.customer.email == "someone.else@example.com"
    assert new.description.startswith(f"Re: [{ticket.ref}] Noisy room")


def test_a_reference_to_no_ticket_is_a_new_complaint(runner, hotel):
    raw = eml("reply_by_reference.eml").replace(b"SR-REFERENCE", b"SR-999999")
    assert run(runner, raw).exit_code == 0
    assert only(Ticket).channel == "email" and incoming() == []


def _closed_ticket(make_ticket, make_user, resolve_ticket, hotel):
    from tickets.actions import perform

    ticket = resolve_ticket(_guest_ticket(make_ticket, hotel))
    perform(ticket, "close", make_user("supervisor", site=hotel), {}, version=None,
            now=clock.utcnow())
    db.session.commit()
    _our_mail(ticket)
    return ticket


def test_a_reply_three_days_after_closing_reopens_the_ticket(runner, hotel, make_ticket,
                                                            make_user, resolve_ticket):
    ticket = _closed_ticket(make_ticket, make_user, resolve_ticket, hotel)
    clock.set_now(ticket.closed_at + timedelta(days=3))
    result = run(runner, eml("reply.eml"))
    assert result.output.strip() == ticket.ref
    db.session.refresh(ticket)
    assert ticket.status == "owned" and ticket.reopened_count == 1
    assert count(Ticket) == 1 and ticket.version == events(ticket)
    assert only(InboundMail).status == "reopened"
    assert single(incoming()).ticket_id == ticket.id


def test_a_reply_twenty_days_after_closing_opens_a_ticket_linking_the_old_one(
        runner, hotel, make_ticket, make_user, resolve_ticket):
    old = _closed_ticket(make_ticket, make_user, resolve_ticket, hotel)
    clock.set_now(old.closed_at + timedelta(days=20))
    result = run(runner, eml("reply.eml"))
    new = db.session.scalars(select(Ticket).where(Ticket.id != old.id)).one()
    assert result.output.strip() == new.ref
    assert (new.linked_ticket_id, new.channel, new.customer_id) == (old.id, "email",
                                                                    old.customer_id)
    db.session.refresh(old)
    assert old.status == "closed"
    mail = only(InboundMail)
    assert (mail.status, mail.ticket_id) == ("opened", new.id)


def test_a_photo_in_a_reply_goes_on_the_ticket_it_answers(runner, hotel, make_ticket):
    ticket = make_ticket(site=hotel, customer=CustomerInput(name="Tom",
                                                            email="tom.baker@example.org"))
    raw = eml("photo.eml").replace(b"Subject: Stained carpet",
                                   f"Subject: Re: [{ticket.ref}] Stained carpet".encode())
    assert run(runner, raw).output.strip() == ticket.ref
    assert only(Attachment).ticket_id == ticket.id and count(Ticket) == 1
    db.session.refresh(ticket)
    assert ticket.version == events(ticket)


# --- never twice, never a loop -----------------------------------------------------------


def test_the_same_message_id_twice_creates_nothing_the_second_time(runner, hotel):
    first = run(runner, eml("plain.eml"))
    again = run(runner, eml("duplicate.eml"))
    assert (again.exit_code, again.output.strip()) == (0, "duplicate")
    assert count(Ticket) == 1 and count(InboundMail) == 1 and count(Customer) == 1
    assert first.output.strip() == only(Ticket).ref


def test_a_message_without_message_id_is_recognised_when_delivered_again(runner, hotel):
    assert run(runner, eml("no_message_id.eml")).exit_code == 0
    assert run(runner, eml("no_message_id.eml")).output.strip() == "duplicate"
    assert count(Ticket) == 1
    assert only(InboundMail).message_id.endswith("@mailin.invalid>")


@pytest.mark.parametrize("name,reason", [
    ("auto_reply.eml", "ignored: auto-reply (Auto-Submitted: auto-replied)"),
    ("bounce.eml", "ignored: bounce (from mailer-daemon)"),
    ("own_mail.eml", "ignored: loop (sent from our own address)"),
])
def test_auto_replies_bounces_and_our_own_mail_are_recorded_and_ignored(
        runner, hotel, make_ticket, name, reason):
    ticket = _guest_ticket(make_ticket, hotel)
    _our_mail(ticket)  # the auto-reply answers our mail: still no customer message
    version = ticket.version
    result = run(runner, eml(name))
    assert (result.exit_code, result.output.strip()) == (0, reason)
    assert count(Ticket) == 1 and incoming() == []
    db.session.refresh(ticket)
    assert ticket.version == version
    mail = only(InboundMail)
    assert (mail.status, mail.ticket_id, mail.raw) == ("ignored", None, None)
    assert mail.reason == reason.removeprefix("ignored: ")
    assert run(runner, eml(name)).output.strip() == "duplicate"


@pytest.mark.parametrize("header,reason", [
    (b"Precedence: bulk", "auto-reply (Precedence: bulk)"),
    (b"Precedence: auto_reply", "auto-reply (Precedence: auto_reply)"),
    (b"X-Autoreply: yes", "auto-reply (X-Autoreply)"),
    (b"X-Autorespond: on", "auto-reply (X-Autorespond)"),
    (b"Return-Path: <>", "bounce (empty Return-Path)"),
    (b"List-Id: <offers.example.com>", "mailing list (List-Id)"),
])
def test_other_automatic_mail_is_ignored(hotel, header, reason):
    raw = header + b"\r\n" + eml("plain.eml")
    result = ingest(raw, T0)
    assert (result.status, result.reason) == ("ignored", reason)
    assert count(Ticket) == 0


def test_auto_submitted_no_is_a_person_writing(hotel):
    raw = b"Auto-Submitted: no\r\n" + eml("plain.eml")
    assert ingest(raw, T0).status == "opened"


def test_mail_from_an_intake_address_is_a_loop(hotel, make_site):
    other = make_site(name="Sister Hotel")
    other.intake_address = "li.wei@example.com"
    db.session.commit()
    result = ingest(eml("plain.eml"), T0)
    assert (result.status, result.reason) == ("ignored", "loop (sent from our own address)")


# --- held for a person -------------------------------------------------------------------


def test_garbage_is_kept_with_its_bytes_and_never_crashes(runner, hotel):
    raw = eml("malformed.eml")
    result = run(runner, raw)
    assert (result.exit_code, result.output.strip()) == (0, "kept for review: no mail headers")
    mail = only(InboundMail)
    assert (mail.status, mail.raw, mail.size, mail.ticket_id) == ("malformed", raw, len(raw),
                                                                 None)
    assert mail.site_id == hotel.id and count(Ticket) == 0 and count(Customer) == 0
    assert run(runner, raw).output.strip() == "duplicate"


def test_a_mail_without_sender_is_held(hotel):
    raw = eml("plain.eml").replace(b"From: Li Wei <li.wei@example.com>\r\n", b"")
    result = ingest(raw, T0)
    assert (result.status, result.reason) == ("malformed", "no sender address")
    assert only(InboundMail).raw == raw


def test_a_sender_address_the_customer_rules_refuse_is_held(hotel):
    raw = eml("plain.eml").replace(b"li.wei@example.com", b"li.wei@localhost")
    result = ingest(raw, T0)
    assert result.status == "malformed" and result.reason.startswith("not accepted: email:")
    assert count(Ticket) == 0 and count(Customer) == 0
    assert only(InboundMail).raw == raw


def test_a_mail_without_any_text_is_held(hotel):
    raw = (b"From: Li Wei <li.wei@example.com>\r\nTo: complaints@grand.example.com\r\n"
           b"Message-ID: <empty@example.com>\r\nSubject: \r\n\r\n\r\n")
    result = ingest(raw, T0)
    assert (result.status, result.reason) == ("malformed", "no text to read (empty subject "
                                                           "and body)")
    assert count(Ticket) == 0


def test_a_mail_over_the_size_limit_is_held_without_being_parsed(runner, app, hotel):
    app.config["MAIL_MAX_BYTES"] = 1000
    raw = eml("photo.eml")
    result = run(runner, raw)
    assert result.exit_code == 0
    assert result.output.strip() == (
        f"kept for review: too big ({len(raw):,} bytes; the limit is 1,000 bytes)")
    mail = only(InboundMail)
    assert (mail.status, mail.size, mail.message_id) == ("malformed", len(raw),
                                                         "<photo-0001@mail.example.org>")
    assert mail.subject == "Stained carpet" and mail.from_address == "tom.baker@example.org"
    assert mail.raw == raw[:64 * 1024] and count(Ticket) == 0 and count(Attachment) == 0


def test_an_unexpected_failure_undoes_everything_and_holds_the_mail(runner, hotel,
                                                                    monkeypatch):
    import mailin.ingest

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(mailin.ingest, "_attach", broken)
    raw = eml("photo.eml")
    result = run(runner, raw)
    assert result.exit_code == 0
    assert result.output.strip() == "kept for review: could not be processed (RuntimeError)"
    assert count(Ticket) == 0 and count(Customer) == 0 and count(TicketEvent) == 0
    assert count(Notification) == 0
    mail = only(InboundMail)
    assert (mail.status, mail.raw, mail.subject) == ("malformed", raw, "Stained carpet")


def test_a_long_mail_is_cut_to_the_ticket_limit(hotel):
    raw = eml("plain.eml").replace(b"Li Wei\r\n", b"word " * 2000 + b"\r\n")
    assert ingest(raw, T0).status == "opened"
    description = only(Ticket).description
    assert len(description) == 5000 and description.endswith("[…]")


def test_nul_bytes_and_control_characters_are_dropped(hotel):
    raw = eml("plain.eml").replace(b"rattled all night", b"rattled\x00 all\x07 night")
    assert ingest(raw, T0).status == "opened"
    assert "rattled all night" in only(Ticket).description


# --- routing -----------------------------------------------------------------------------


@pytest.fixture
def three_sites(make_site):
    clock.set_now(T0)
    first, second = make_site(name="First Inn"), make_site(name="Second Inn")
    grand = make_site(name="Grand Hotel")
    grand.intake_address = INTAKE
    db.session.commit()
    return first, second, grand


def _to(address: bytes) -> bytes:
    return eml("plain.eml").replace(f"To: {INTAKE}".encode(), b"To: " + address)


@pytest.mark.parametrize("recipient", [
    b"complaints@grand.example.com", b"COMPLAINTS@Grand.Example.com",
    b"complaints+room1203@grand.example.com",
    b"other@example.com\r\nCc: Grand <complaints@grand.example.com>",
    b"other@example.com\r\nDelivered-To: complaints@grand.example.com",
    b"other@example.com\r\nX-Original-To: complaints+x@grand.example.com",
])
def test_the_intake_address_among_the_recipients_picks_the_site(runner, three_sites,
                                                                 recipient):
    assert run(runner, _to(recipient), "--site", "Second Inn").exit_code == 0
    assert only(Ticket).site_id == three_sites[2].id


def test_without_an_intake_address_the_site_given_then_the_first_site(runner, three_sites):
    first, second, _grand = three_sites
    assert run(runner, _to(b"somebody@example.com"), "--site", "Second Inn").exit_code == 0
    assert only(Ticket).site_id == second.id
    other = _to(b"somebody@example.com").replace(b"plain-0001", b"plain-0002")
    assert run(runner, other).exit_code == 0
    newest = db.session.scalars(select(Ticket).order_by(Ticket.id.desc())).first()
    assert newest.site_id == first.id


def test_an_unknown_site_is_a_clean_error_and_records_nothing(runner, three_sites):
    result = run(runner, eml("plain.eml"), "--site", "Nowhere")
    assert result.exit_code == 2
    assert "Error: --site: no site is called 'Nowhere'." in result.output
    assert "Traceback" not in result.output and count(InboundMail) == 0


def test_a_hostile_site_name_is_refused(runner, three_sites):
    result = run(runner, eml("plain.eml"), "--site", "bad\x00name")
    assert result.exit_code == 2 and count(InboundMail) == 0


def test_empty_standard_input_is_an_error(runner, three_sites):
    result = run(runner, b"")
    assert result.exit_code == 1 and "standard input is empty" in result.output
    assert count(InboundMail) == 0


# --- the MTA pipe, as a real process -----------------------------------------------------


@pytest.mark.sqlite_only
def test_flask_mail_ingest_reads_a_pipe_as_a_real_process(app, hotel, database_url,
                                                          tmp_path):
    import subprocess

    from tests.support.servers import ROOT, flask_command, server_environment

    env = server_environment(database_url, tmp_path)
    done = subprocess.run(flask_command("mail", "ingest"), cwd=ROOT, env=env,
                          input=eml("photo.eml"), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    ticket = only(Ticket)
    assert done.stdout.decode().strip() == ticket.ref
    assert ticket.channel == "email" and only(Attachment).ticket_id == ticket.id
    assert (tmp_path / "uploads").is_dir()
    again = subprocess.run(flask_command("mail", "ingest"), cwd=ROOT, env=env,
                           input=eml("photo.eml"), capture_output=True, timeout=120)
    assert (again.returncode, again.stdout.decode().strip()) == (0, "duplicate")
