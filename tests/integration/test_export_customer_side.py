"""A customer's data export on the customer side: the messages exchanged on their tickets
(both ways, never an internal note), the mail that came in from them (its metadata; the
raw bytes only of a mail that could not be read), the mail we wrote to them, and each
ticket's status link. Another guest's messages and mail stay out.
"""

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core import clock
from correspondence.delivery import Letter, deliver
from correspondence.inbound import receive_customer_words
from correspondence.links import status_url
from customers.models import Customer
from customers.services import CustomerInput
from extensions import db
from mailin.models import InboundMail
from outbox.sender import send_due
from privacy.export import export_customer
from privacy.models import PrivacyLogEntry
from tickets.actions import perform
from tickets.categories import active_categories, ensure_default_categories
from tickets.intake import CustomerComplaint, open_customer_ticket

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
EMAIL, OTHER_EMAIL = "li.na@example.com", "qian.other@example.com"
NOTE = "Internal: the guest was rude to the night porter"
RAW = b"From: Li Na <li.na@example.com>\r\nSubject: =?broken\r\n\r\n\xff\xfe unreadable"


def _inbound(message_id, status, *, ticket=None, sender=EMAIL, subject="", raw=None):
    db.session.add(InboundMail(
        message_id=message_id, received_at=clock.utcnow(), from_address=sender,
        subject=subject, status=status, site_id=ticket.site_id if ticket else None,
        ticket_id=ticket.id if ticket else None, size=len(raw or b"12345"), raw=raw))


@pytest.fixture
def world(app, make_site, make_user):
    clock.set_now(T0)
    ensure_default_categories()
    site = make_site(name="Export Hotel")
    owner = make_user("front_desk", site=site)
    guest = CustomerInput(name="Li Na", phone="13911112222", email=EMAIL)
    owned = open_customer_ticket(CustomerComplaint(
        site=site, channel="email", customer=guest, description="The room was cold"), T0)
    _inbound("<one@guest.example>", "opened", ticket=owned, subject="Cold room")
    perform(owned, "own", owner, {
        "acknowledgement": "We are sending someone", "next_contact_by": T0 + timedelta(hours=2),
        "dimension": "tangibles", "category_id": str(active_categories()[0].id),
        "send_acknowledgement": False}, version=None, now=T0)
    letter = Letter(kind="acknowledgement", locale="en", subject=f"{owned.ref} received",
                    body_text="Dear Li Na, we have your complaint.", short_text="We have it.")
    deliver(owned, letter, owner, T0)
    perform(owned, "add_note", owner, {"body": NOTE}, version=None, now=T0)
    db.session.commit()
    send_due(T0 + timedelta(minutes=1))
    clock.set_now(T0 + timedelta(hours=1))
    receive_customer_words(owned, "Still cold, please hurry", "email", clock.utcnow(),
                           mail_message_id="<two@guest.example>")
    _inbound("<two@guest.example>", "added", ticket=owned, subject=f"Re: [{owned.ref}]")
    _inbound("<three@guest.example>", "malformed", raw=RAW)
    unclassified = open_customer_ticket(CustomerComplaint(
        site=site, channel="web", customer=guest, description="Noisy corridor"),
        clock.utcnow())
    other = open_customer_ticket(CustomerComplaint(
        site=site, channel="email", customer=CustomerInput(name="Qian Other", email=OTHER_EMAIL),
        description="Dirty towels"), clock.utcnow())
    receive_customer_words(other, "Towels still dirty", "email", clock.utcnow())
    _inbound("<q@other.example>", "added", ticket=other, sender=OTHER_EMAIL, subject="Towels")
    db.session.commit()
    return {"customer_id": owned.customer_id, "owned": owned, "unclassified": unclassified}


def _export(world) -> tuple[dict, zipfile.ZipFile]:
    target = io.BytesIO()
    export_customer(db.session.get(Customer, world["customer_id"]), target, None,
                    clock.utcnow())
    db.session.commit()
    archive = zipfile.ZipFile(io.BytesIO(target.getvalue()))
    return json.loads(archive.read("customer.json")), archive


def test_the_messages_both_ways_and_never_an_internal_note(world):
    record, archive = _export(world)
    messages = record["messages"]
    owned = world["owned"].ref
    shown = [(m["ticket"], m["direction"], m["kind"]) for m in messages
             if m["ticket"] == owned]
    assert (owned, "out", "acknowledgement") in shown and (owned, "in", "customer") in shown
    texts = {m["body"] for m in messages}
    assert {"Dear Li Na, we have your complaint.", "Still cold, please hurry"} <= texts
    assert all(m["ticket"] in (owned, world["unclassified"].ref) for m in messages)
    assert not any(NOTE in m["body"] for m in messages)
    acknowledgement = next(m for m in messages if m["kind"] == "acknowledgement"
                           and m["outbox_id"] is not None)
    assert acknowledgement["author"] and acknowledgement["created_at"].startswith("2026-11-23")
    assert "Towels still dirty" not in archive.read("customer.json").decode()


def test_their_incoming_mail_as_metadata_and_only_a_malformed_one_raw(world):
    record, archive = _export(world)
    mails = {m["message_id"]: m for m in record["inbound_mail"]}
    assert set(mails) == {"<one@guest.example>", "<two@guest.example>",
                          "<three@guest.example>"}
    first = mails["<one@guest.example>"]
    assert (first["from_address"], first["subject"], first["status"]) == (
        EMAIL, "Cold room", "opened")
    assert first["raw_file"] is None and "raw" not in first
    malformed = mails["<three@guest.example>"]
    assert malformed["status"] == "malformed" and malformed["ticket_id"] is None
    assert archive.read(malformed["raw_file"]) == RAW
    assert [n for n in archive.namelist() if n.startswith("inbound_mail/")] == [
        malformed["raw_file"]]


def test_the_mail_we_wrote_to_them_with_subject_body_status_and_times(world):
    record, _archive = _export(world)
    theirs = [m for m in record["outbox"] if m["kind"] == "customer_acknowledgement"]
    (mail,) = theirs
    assert (mail["to_address"], mail["to_customer"], mail["status"]) == (EMAIL, True, "logged")
    assert mail["subject"] == f"{world['owned'].ref} received"
    assert mail["body_text"] == "Dear Li Na, we have your complaint."
    assert mail["created_at"] and mail["due_at"] and "sent_at" in mail  # logged: no SMTP here
    assert not [m for m in record["outbox"] if m["to_address"] == OTHER_EMAIL]


def test_each_ticket_has_its_status_link_and_an_unclassified_one_exports(world):
    record, _archive = _export(world)
    tickets = {t["ref"]: t for t in record["tickets"]}
    owned, unclassified = world["owned"], world["unclassified"]
    assert tickets[owned.ref]["status_link"] == status_url(owned)
    plain = tickets[unclassified.ref]
    assert (plain["category"], plain["dimension"], plain["opened_by"]) == (None, None, None)
    assert plain["channel"] == "web"


def test_the_export_is_logged_with_its_counts(world):
    _export(world)
    entry = db.session.scalars(select(PrivacyLogEntry)).one()
    assert (entry.action, entry.details) == ("exported", {"tickets": 2, "files": 1})
